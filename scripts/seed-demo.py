#!/usr/bin/env python3
"""Seeds demo content through the public API (used by `make run` on first start).

Logs in as the bootstrap admin, publishes the demo extensions in demo/extensions
(each folder zipped into a .foxe), the Lichtblick panel if it was built
(panel/*.foxe), and the fixture layouts in fixtures/layouts.
Already-published items (409) are skipped, so running it twice is harmless.
Standard library only.
"""

import io
import json
import os
import pathlib
import sys
import urllib.error
import urllib.request
import zipfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
FILES = os.environ.get("SORA_FILE_SERVER_URL", "http://127.0.0.1:3000")
ADMIN = os.environ.get("SORA_ADMIN_API_URL", "http://127.0.0.1:3002")


def call(method, url, body=None, content_type="application/json", token=None):
    data = json.dumps(body).encode() if content_type == "application/json" and body is not None else body
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("content-type", content_type)
    if token:
        request.add_header("authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def foxe(folder):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(folder).as_posix())
    return buffer.getvalue()


def main():
    status, body = call("POST", f"{ADMIN}/api/admin/auth/login", {
        "email": os.environ.get("SORA_BOOTSTRAP_ADMIN_EMAIL", "admin@sora.local"),
        "password": os.environ.get("SORA_BOOTSTRAP_ADMIN_PASSWORD", "sora-admin-dev"),
    })
    if status != 200:
        print(f"seed: cannot log in as the bootstrap admin ({status}: {body})", file=sys.stderr)
        return 1
    token = body["access_token"]

    published = 0
    for folder in sorted((ROOT / "demo" / "extensions").iterdir()):
        status, body = call("POST", f"{FILES}/api/extensions", foxe(folder), "application/zip", token)
        if status == 201:
            published += 1
        elif status != 409:
            print(f"seed: {folder.name} refused ({status}: {body})", file=sys.stderr)
            return 1

    # The Lichtblick panel, when `scripts/panel.sh package` built it.
    for package in sorted((ROOT / "panel").glob("*.foxe")):
        status, body = call("POST", f"{FILES}/api/extensions", package.read_bytes(), "application/zip", token)
        if status == 201:
            published += 1
        elif status != 409:
            print(f"seed: {package.name} refused ({status}: {body})", file=sys.stderr)
            return 1

    status, existing = call("GET", f"{FILES}/api/layouts?per_page=100")
    names = {item["name"] for item in existing["items"]} if status == 200 else set()
    layouts = 0
    for path in sorted((ROOT / "fixtures" / "layouts").glob("*.json")):
        project, _, _ = path.stem.partition("__")
        name = f"{project} layout"
        if name in names:
            continue
        status, body = call("POST", f"{FILES}/api/layouts", {
            "name": name,
            "description": f"The Foxglove layout shared by the {project} project.",
            "tags": ["demo", "community"],
            "layout": json.loads(path.read_text()),
        }, token=token)
        if status != 201:
            print(f"seed: layout {path.name} refused ({status}: {body})", file=sys.stderr)
            return 1
        layouts += 1
    print(f"seed: {published} extension versions and {layouts} layouts published")
    return 0


if __name__ == "__main__":
    sys.exit(main())

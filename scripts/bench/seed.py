#!/usr/bin/env python3
"""Seeds the benchmark's catalog through the public API: 60 small extensions
and one 1 MiB extension (bench.big 1.0.0), whose .foxe is also written to the
path given, so nginx can serve the same bytes as the baseline. Prints an
editor's access token for the protected-route scenario.

usage: seed.py FILE_SERVER_URL ADMIN_API_URL BIG_FOXE_PATH
"""

import io
import json
import os
import sys
import urllib.request
import zipfile


def call(method, url, body, content_type, token=None):
    request = urllib.request.Request(url, data=body, method=method)
    request.add_header("content-type", content_type)
    if token:
        request.add_header("authorization", f"Bearer {token}")
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


def foxe(name, version, keywords, payload=b""):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("package.json", json.dumps({
            "name": name, "publisher": "bench", "version": version,
            "main": "./dist/extension.js", "displayName": name.replace("-", " ").title(),
            "description": f"Benchmark extension {name} for {' and '.join(keywords)}",
            "keywords": keywords, "license": "MIT",
        }))
        archive.writestr("dist/extension.js", "module.exports.activate = () => {};")
        archive.writestr("README.md", f"# {name}\n")
        if payload:
            # Already random: stored, so the .foxe is as large as the payload.
            archive.writestr(zipfile.ZipInfo("dist/assets.bin"), payload, zipfile.ZIP_STORED)
    return buffer.getvalue()


def main():
    files, admin, big_path = sys.argv[1:4]
    login = json.dumps({"email": "admin@sora.local", "password": "sora-admin-dev"}).encode()
    token = call("POST", f"{admin}/api/admin/auth/login", login, "application/json")["access_token"]
    topics = ["lidar", "camera", "imu", "gps", "battery", "planning", "mapping", "diagnostics"]
    for i in range(60):
        keywords = [topics[i % len(topics)], topics[(i * 3 + 1) % len(topics)]]
        call("POST", f"{files}/api/extensions", foxe(f"tool-{i:02d}", f"1.{i % 7}.0", keywords),
             "application/zip", token)
    big = foxe("big", "1.0.0", ["assets"], os.urandom(1024 * 1024 - 2048))
    call("POST", f"{files}/api/extensions", big, "application/zip", token)
    with open(big_path, "wb") as out:
        out.write(big)
    print(token)


if __name__ == "__main__":
    main()

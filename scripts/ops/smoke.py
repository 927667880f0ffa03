#!/usr/bin/env python3
"""Smoke tests of a running Sora: is every service up, and does each of its
main paths answer? Run after a deploy (the pipeline does, and rolls back when
it fails), or by hand against any installation.

    scripts/ops/smoke.py --base https://sora.example.org --admin https://admin.sora.example.org
    scripts/ops/smoke.py --files http://127.0.0.1:3000 --feedback http://127.0.0.1:3001 \\
        --admin http://127.0.0.1:3002 --recommendation http://127.0.0.1:3003

`--base` is where the public APIs are (the gateway or Ingress host); each
`--<service>` overrides it for one service (`make run` serves each on its own
port). The sign-in uses SORA_SMOKE_EMAIL and SORA_SMOKE_PASSWORD: an account
of its own with the viewer role is enough, and its session is ended again.

What it does, in order: `/health` of each service (without `--base` only:
behind a gateway or an Ingress only the APIs are routed), a catalog read, a feedback event
(a `session_started` with consent, from a random install id: it counts in the
statistics as one session), a recommendation from topic features, a sign-in
and its sign-out. Exit status 0 when all pass; each check prints one line.
Standard library only.
"""

import argparse
import json
import os
import sys
import time
import urllib.error
import urllib.request
import uuid


def call(method, url, body=None, token=None, timeout=10):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("accept", "application/json")
    request.add_header("user-agent", "sora-smoke/1")
    if data is not None:
        request.add_header("content-type", "application/json")
    if token:
        request.add_header("authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            raw = response.read()
            return response.status, json.loads(raw) if raw else None
    except urllib.error.HTTPError as error:
        raw = error.read()
        try:
            return error.code, json.loads(raw) if raw else None
        except ValueError:
            return error.code, raw[:200]
    except OSError as error:  # refused, reset, timed out, name not found
        return 0, str(error)


def checks(urls, email, password, direct):
    """Yields (name, passed, detail) for each check."""
    if direct:
        for service in ("files", "feedback", "recommendation", "admin"):
            status, body = call("GET", f"{urls[service]}/health")
            yield f"{service} /health", status == 200, status

    status, body = call("GET", f"{urls['files']}/api/extensions?per_page=5")
    ok = status == 200 and isinstance(body, dict) and isinstance(body.get("items"), list)
    yield "catalog read", ok, f"{status}, {body['total']} extensions" if ok else f"{status} {body}"

    event = {"type": "session_started", "consent": True, "install_id": str(uuid.uuid4()),
             "event_id": str(uuid.uuid4()), "app_version": "smoke"}
    status, body = call("POST", f"{urls['feedback']}/api/feedback", event)
    yield "feedback post", status == 202 and body.get("accepted") == 1, f"{status} {body}"

    ask = {"mcap": {"topics": [{"topic": "/velodyne_points",
                                "schema_name": "sensor_msgs/msg/PointCloud2"}]},
           "limit": 3}
    status, body = call("POST", f"{urls['recommendation']}/api/recommendations", ask)
    ok = status == 200 and "recommendation_id" in body and isinstance(body.get("items"), list)
    yield "recommendation", ok, f"{status}, {len(body['items'])} items" if ok else f"{status} {body}"

    if not email or not password:
        yield "sign-in", False, "SORA_SMOKE_EMAIL and SORA_SMOKE_PASSWORD are not set"
        return
    status, body = call("POST", f"{urls['admin']}/api/admin/auth/login",
                        {"email": email, "password": password})
    ok = status == 200 and "access_token" in body
    yield "sign-in", ok, status
    if ok:
        status, _ = call("POST", f"{urls['admin']}/api/admin/auth/logout",
                         {"refresh_token": body["refresh_token"]})
        yield "sign-out", status in (200, 204), status


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", help="where the public APIs are")
    for service in ("files", "feedback", "recommendation", "admin"):
        parser.add_argument(f"--{service}", help=f"the {service} service (default: --base)")
    parser.add_argument("--attempts", type=int, default=1,
                        help="tries, 5 s apart, before a failure counts (pods still starting)")
    args = parser.parse_args()
    if not args.base and not all((args.files, args.feedback, args.recommendation, args.admin)):
        parser.error("give --base, or the URL of each service")
    urls = {"base": (args.base or "").rstrip("/")}
    for service in ("files", "feedback", "recommendation", "admin"):
        urls[service] = (getattr(args, service) or args.base).rstrip("/")
    email = os.environ.get("SORA_SMOKE_EMAIL")
    password = os.environ.get("SORA_SMOKE_PASSWORD")

    for attempt in range(1, args.attempts + 1):
        results = []
        for name, passed, detail in checks(urls, email, password, direct=not args.base):
            results.append(passed)
            print(f"{'ok  ' if passed else 'FAIL'} {name}: {detail}")
            if not passed:
                break
        if all(results):
            print("smoke: all checks passed")
            return 0
        if attempt < args.attempts:
            print(f"smoke: attempt {attempt} failed; again in 5 s")
            time.sleep(5)
    print("smoke: FAILED", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""A week of use on `make run`, through the public API, so that the dashboard
has real figures to show (README, "A week of traffic").

Each of SORA_DEMO_INSTALLS installs (default 120) opens recordings on some of
the last seven days: it starts a session, sends the features of a fixture
recording (read once per file by the recommender from the file's end) to
the recommender, shows what it got, then accepts one item (an
extension it then installs, a layout it applies), dismisses them, or rates
them (and downloads what it chose); some installs uninstall an extension
later. Feedback quotes the
`recommendation_id` the recommender served, so feedback-api's acceptance
reads served recommendations (the recommender's `served` events) and what
clients said. Standard library only; run it again for more.

    make run            # in one terminal
    python3 scripts/demo-traffic.py
"""

import json
import os
import pathlib
import random
import struct
import sys
import time
import urllib.error
import urllib.request
import uuid

ROOT = pathlib.Path(__file__).resolve().parent.parent
FEEDBACK = os.environ.get("SORA_FEEDBACK_API_URL", "http://127.0.0.1:3001")
RECOMMENDER = os.environ.get("SORA_RECOMMENDATION_URL", "http://127.0.0.1:3003")
FILES = os.environ.get("SORA_FILE_SERVER_URL", "http://127.0.0.1:3000")


def download(kind, item_id):
    """What the client fetches once an item is chosen: counted by file-server."""
    path = f"extensions/{item_id}" if kind == "extension" else f"layouts/{item_id}"
    with urllib.request.urlopen(f"{FILES}/api/{path}/download", timeout=30) as response:
        response.read()


def call(url, body, content_type="application/json"):
    data = json.dumps(body).encode() if content_type == "application/json" else body
    for _ in range(30):
        request = urllib.request.Request(url, data=data, method="POST")
        request.add_header("content-type", content_type)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            if error.code != 429:
                return error.code, json.loads(error.read() or b"null")
            # One address sends everything here: wait as asked.
            time.sleep(float(error.headers.get("retry-after") or 1))
    return 429, None


def tail(path):
    """The summary section and footer of an MCAP file: what a client that
    reads only the end of a recording sends."""
    data = path.read_bytes()
    footer = data[-8 - 20 - 9:-8]
    if not data.endswith(b"\x89MCAP0\r\n") or footer[:1] != b"\x02":
        return data  # cut short: the whole of what there is
    summary_start = struct.unpack("<Q", footer[9:17])[0]
    return data[summary_start:] if summary_start else data


def when(day):
    """A time `day` days ago (0: in the last hour), in RFC 3339."""
    at = time.time() - day * 86400 - random.uniform(60, 3600)
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(at))


def main():
    random.seed(int(os.environ.get("SORA_DEMO_SEED", "7")))
    installs = int(os.environ.get("SORA_DEMO_INSTALLS", "120"))
    # Each recording's features, read once by the recommender from the end
    # of the file; sessions then send the features, as a client that read
    # the summary itself does (from-mcap is limited per client).
    recordings = []
    for path in sorted((ROOT / "fixtures" / "mcap").glob("*.mcap")):
        status, answer = call(f"{RECOMMENDER}/api/recommendations/from-mcap?limit=1", tail(path),
                              "application/octet-stream")
        if status == 200 and answer["features"]["topics"]:
            recordings.append(answer["features"])
    if not recordings:
        print("demo-traffic: the recommender read no recording of fixtures/mcap", file=sys.stderr)
        return 1
    sent = served = accepted = 0
    for _ in range(installs):
        install = str(uuid.uuid4())
        days = sorted(random.sample(range(7), random.choice([1, 1, 2, 3])), reverse=True)
        installed = []
        for day in days:
            events = [{"type": "session_started", "occurred_at": when(day)}]
            # The recommender answers now: what it served, and what was
            # shown, chosen or rated of it, is dated now; sessions, installs
            # and layouts applied are spread over the week.
            status, answer = call(f"{RECOMMENDER}/api/recommendations",
                                  {"mcap": random.choice(recordings), "limit": 5})
            if status != 200:
                print(f"demo-traffic: recommender answered {status}: {answer}", file=sys.stderr)
                return 1
            served += 1
            rec, items = answer["recommendation_id"], answer["items"]
            if items:
                events.append({"type": "recommendation_shown", "recommendation_id": rec})
                choice = random.random()
                if choice < 0.45:
                    item = random.choice(items[:3])
                    ref = {"kind": item["kind"], "id": item["id"]}
                    download(item["kind"], item["id"])
                    events.append({"type": "recommendation_accepted", "recommendation_id": rec, "item": ref})
                    if item["kind"] == "extension":
                        events.append({"type": "extension_installed", "occurred_at": when(day),
                                       "item": {**ref, "version": item.get("version")}})
                        installed.append(ref)
                    else:
                        events.append({"type": "layout_applied", "occurred_at": when(day), "item": ref})
                    accepted += 1
                elif choice < 0.7:
                    events.append({"type": "recommendation_dismissed", "recommendation_id": rec})
                elif choice < 0.8:
                    events.append({"type": "rating", "recommendation_id": rec, "rating": random.randint(3, 5)})
            if installed and random.random() < 0.15:
                events.append({"type": "extension_uninstalled", "occurred_at": when(day),
                               "item": installed.pop()})
            for event in events:
                event.setdefault("occurred_at", when(0))
                event.update(consent=True, install_id=install, app_version="demo-1.0",
                             event_id=str(uuid.uuid4()))
                if "item" in event and event["item"].get("version") is None:
                    event["item"].pop("version", None)
            status, answer = call(f"{FEEDBACK}/api/feedback", {"events": events})
            if status != 202:
                print(f"demo-traffic: feedback-api answered {status}: {answer}", file=sys.stderr)
                return 1
            sent += len(events)
    print(f"demo-traffic: {installs} installs, {served} recommendations served, "
          f"{accepted} accepted, {sent} feedback events")
    return 0


if __name__ == "__main__":
    sys.exit(main())

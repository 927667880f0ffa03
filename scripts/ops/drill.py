#!/usr/bin/env python3
"""The restore drill's client (scripts/ops/restore-drill.sh runs it): puts
data in every service through the public APIs, and reads back what a user
and an administrator can see, so that the state before a backup and after a
restore can be compared.

    drill.py seed                 users, audit, feedback with a comment, learned
                                  weights, a workspace with a session and a layout
    drill.py snapshot FILE [TO]   what the APIs answer (audit up to TO), as JSON
    drill.py compare A B          exit 1 and print the differences when A != B
    drill.py user EMAIL           create a viewer (the PITR marks)
    drill.py users                print the users' e-mail addresses, one per line

Services at 127.0.0.1:3000–3003 (`make run`), or SORA_FILE_SERVER_URL,
SORA_FEEDBACK_API_URL, SORA_ADMIN_API_URL, SORA_RECOMMENDATION_URL.
Standard library only.
"""

import hashlib
import http.cookiejar
import json
import os
import sys
import time
import urllib.error
import urllib.request
import uuid

FILES = os.environ.get("SORA_FILE_SERVER_URL", "http://127.0.0.1:3000")
FEEDBACK = os.environ.get("SORA_FEEDBACK_API_URL", "http://127.0.0.1:3001")
ADMIN = os.environ.get("SORA_ADMIN_API_URL", "http://127.0.0.1:3002")
RECOMMENDATION = os.environ.get("SORA_RECOMMENDATION_URL", "http://127.0.0.1:3003")
ROOT_EMAIL = os.environ.get("SORA_BOOTSTRAP_ADMIN_EMAIL", "admin@sora.local")
ROOT_PASSWORD = os.environ.get("SORA_BOOTSTRAP_ADMIN_PASSWORD", "sora-admin-dev")

USER_EMAIL = "drill-writer@sora.local"
USER_PASSWORD = "drill-writer-password"
WORKSPACE = "drill-team"
COMMENT = "The 3D panel is great; the drill wrote this comment."

COOKIES = http.cookiejar.CookieJar()
OPENER = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(COOKIES))


def call(method, url, body=None, token=None, raw=False, expect=(200, 201, 202, 204)):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        request.add_header("content-type", "application/json")
    if token:
        request.add_header("authorization", f"Bearer {token}")
    try:
        with OPENER.open(request, timeout=30) as response:
            content = response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        content, status = error.read(), error.code
    if status not in expect:
        raise SystemExit(f"drill: {method} {url} answered {status}: {content[:300]!r}")
    if raw:
        return content
    return json.loads(content) if content else None


def login(email=ROOT_EMAIL, password=ROOT_PASSWORD):
    body = call("POST", f"{ADMIN}/api/admin/auth/login", {"email": email, "password": password})
    return body["access_token"]


def eventually(what, check, seconds=30):
    deadline = time.monotonic() + seconds
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise SystemExit(f"drill: {what} did not happen within {seconds} s")
        time.sleep(0.3)


def seed():
    root = login()
    user = call("POST", f"{ADMIN}/api/admin/users",
                {"email": USER_EMAIL, "password": USER_PASSWORD, "role": "viewer"}, root)
    call("POST", f"{ADMIN}/api/admin/workspaces", {"name": WORKSPACE, "owner": user["id"]}, root)

    # A workspace of the user's: a session and a layout saved as Lichtblick does.
    token = login(USER_EMAIL, USER_PASSWORD)
    call("POST", f"{FILES}/api/lichtblick/workspaces/{WORKSPACE}/sessions",
         {"mcaps": [{"url": "https://data.example.com/drill.mcap", "metadata": {"robot": "r2"}}]},
         token)
    call("POST", f"{FILES}/api/lichtblick/workspaces/{WORKSPACE}/layout",
         {"layoutId": "drill-layout", "name": "Drill layout", "permission": "ORG_WRITE",
          "data": {"configById": {"3D!a": {"followTf": "base_link"}}, "layout": "3D!a"}}, token)

    # Feedback: a rating with a comment (stored encrypted), and an accepted
    # recommendation, which the recommender learns from.
    install = str(uuid.uuid4())
    event = {"consent": True, "install_id": install, "app_version": "drill"}
    call("POST", f"{FEEDBACK}/api/feedback",
         {**event, "type": "rating", "rating": 5, "comment": COMMENT, "event_id": str(uuid.uuid4())})
    ask = {"mcap": {"topics": [{"topic": "/velodyne_points",
                                "schema_name": "sensor_msgs/msg/PointCloud2"}]}, "limit": 3}
    # The recommender's catalog follows file-server's events. Known race
    # (issue 23's note): a backfill listing taken while a publish commits
    # drops that item until the next check, a minute later.
    answer = eventually("a recommendation", lambda: (lambda a: a if a["items"] else None)(
        call("POST", f"{RECOMMENDATION}/api/recommendations", ask)), seconds=90)
    item = answer["items"][0]
    # The served log is written in batches (a second apart at most); the
    # recommender learns only from answers it finds there.
    time.sleep(2)
    call("POST", f"{FEEDBACK}/api/feedback", {"events": [
        {**event, "type": "recommendation_shown", "recommendation_id": answer["recommendation_id"],
         "event_id": str(uuid.uuid4())},
        {**event, "type": "recommendation_accepted", "recommendation_id": answer["recommendation_id"],
         "item": {"kind": item["kind"], "id": item["id"]}, "event_id": str(uuid.uuid4())},
    ]})
    eventually("learning from the acceptance", lambda: call(
        "GET", f"{RECOMMENDATION}/api/recommendations/model")["events_learned"] > 0)
    # Everything that travels by event has arrived: audit entries of the
    # workspace's actions, feedback counted.
    eventually("the workspace's audit entries", lambda: any(
        entry["action"] == "workspace.session_created" for entry in call("GET", f"{ADMIN}/api/admin/audit?per_page=100", token=root)["items"]))
    print("drill: seeded users, a workspace with a session and a layout, feedback, learned weights")


def sha256(content):
    return hashlib.sha256(content).hexdigest()


def snapshot(path, until=None):
    root = login()
    state = {}
    extensions = call("GET", f"{FILES}/api/extensions?per_page=100")["items"]
    state["extensions"] = {}
    for summary in extensions:
        detail = call("GET", f"{FILES}/api/extensions/{summary['id']}")
        for version in detail["versions"]:
            content = call("GET", version["download_url"], raw=True)
            state["extensions"][f"{summary['id']}@{version['version']}"] = {
                "sha256": sha256(content), "listed_sha256": version["sha256"],
                "yanked": version["yanked"]}
    state["layouts"] = {}
    for layout in call("GET", f"{FILES}/api/layouts?per_page=100")["items"]:
        content = call("GET", f"{FILES}/api/layouts/{layout['id']}/download", raw=True)
        state["layouts"][layout["id"]] = {"name": layout["name"], "sha256": sha256(content)}

    state["users"] = sorted((u["email"], u["role"], u["disabled"], u["id"]) for u in
                            call("GET", f"{ADMIN}/api/admin/users?per_page=100", token=root)["items"])
    query = f"&to={until}" if until else ""
    audit = call("GET", f"{ADMIN}/api/admin/audit?per_page=100{query}", token=root)
    state["audit"] = {"total": audit["total"],
                      "entries": sorted((a["id"], a["action"], a["actor"]) for a in audit["items"])}

    feedback = call("GET", f"{ADMIN}/api/admin/feedback?per_page=100", token=root)
    state["feedback"] = {"total": feedback["total"],
                         "events": sorted((f["event_id"], f["type"]) for f in feedback["items"])}
    commented = [f for f in feedback["items"] if f["has_comment"]]
    state["comments"] = [call("GET", f"{ADMIN}/api/admin/feedback/{f['event_id']}",
                              token=root).get("comment") for f in commented]
    model = call("GET", f"{RECOMMENDATION}/api/recommendations/model")
    state["model"] = {k: model[k] for k in ("model_version", "events_seen", "events_learned",
                                            "tokens_learned", "layouts_indexed",
                                            "extensions_indexed")}

    workspace = call("GET", f"{ADMIN}/api/admin/workspaces/{WORKSPACE}", token=root)
    state["workspace"] = {"members": sorted((m["user_id"], m["role"]) for m in workspace["members"])}
    token = login(USER_EMAIL, USER_PASSWORD)
    layouts = call("GET", f"{FILES}/api/lichtblick/workspaces/{WORKSPACE}/layouts", token=token)
    state["workspace"]["layouts"] = sorted(
        (layout["name"], json.dumps(layout["data"], sort_keys=True)) for layout in layouts["data"])
    with open(path, "w") as out:
        json.dump(state, out, indent=1, sort_keys=True)
    print(f"drill: {len(state['extensions'])} extension versions, {len(state['layouts'])} layouts, "
          f"{len(state['users'])} users, {state['audit']['total']} audit entries, "
          f"{state['feedback']['total']} feedback events, {len(state['comments'])} comment(s) "
          f"-> {path}")


def compare(before_path, after_path):
    before = json.load(open(before_path))
    after = json.load(open(after_path))
    differences = [key for key in sorted(set(before) | set(after)) if before.get(key) != after.get(key)]
    if COMMENT not in before.get("comments", []):
        differences.append("comments (the drill's comment was not readable before the backup)")
    for key in differences:
        print(f"drill: {key} differs:\n  before {json.dumps(before.get(key))[:600]}\n"
              f"  after  {json.dumps(after.get(key))[:600]}", file=sys.stderr)
    if differences:
        return 1
    print(f"drill: every API answers as before ({', '.join(sorted(before))})")
    return 0


def main(argv):
    command = argv[1] if len(argv) > 1 else ""
    if command == "seed":
        seed()
    elif command == "snapshot" and len(argv) in (3, 4):
        snapshot(argv[2], argv[3] if len(argv) == 4 else None)
    elif command == "compare" and len(argv) == 4:
        return compare(argv[2], argv[3])
    elif command == "user" and len(argv) == 3:
        call("POST", f"{ADMIN}/api/admin/users",
             {"email": argv[2], "password": USER_PASSWORD, "role": "viewer"}, login())
    elif command == "users":
        for user in call("GET", f"{ADMIN}/api/admin/users?per_page=100", token=login())["items"]:
            print(user["email"])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

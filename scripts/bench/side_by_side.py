#!/usr/bin/env python3
"""The read paths of the marketplace, side by side: Sora's file-server, the
seed design's own stack (the Hono/Bun peer of ../shared/peers) and nginx
serving the same bytes, on the same catalog. Each server runs pinned to one
core with its database (`taskset`), the load generator (oha) on the other,
one server under load at a time, scenario by scenario, back to back. Prints
one JSON document with every row; scripts/bench.sh turns it into
docs/benchmarks.md.

Called by scripts/bench.sh, which installs the tools, builds and starts
PostgreSQL; the environment names them (see `Env` below).
"""

import json
import os
import re
import subprocess
import sys
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path


class Env:
    work = Path(os.environ["BENCH_WORK"])
    oha = os.environ["BENCH_OHA"]
    nginx = os.environ["BENCH_NGINX"]
    bin = Path(os.environ["BENCH_BIN"])
    peer_dir = Path(os.environ["BENCH_PEER_DIR"])
    pg_port = os.environ["BENCH_PG_PORT"]
    server_cpu = os.environ.get("BENCH_SERVER_CPU", "0")
    load_cpu = os.environ.get("BENCH_LOAD_CPU", "1")
    duration = os.environ.get("BENCH_DURATION", "10s")
    warmup = os.environ.get("BENCH_WARMUP", "2s")
    extensions = int(os.environ.get("BENCH_EXTENSIONS", "500"))
    only = os.environ.get("BENCH_ONLY", "")
    feedback_body = Path(os.environ["BENCH_FEEDBACK_BODY"])
    fixtures = Path(os.environ.get("BENCH_FIXTURES", "fixtures"))
    www = None
    nginx_port = None
    psql = os.environ["BENCH_PSQL"]


def free_port():
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def log(message):
    print(message, file=sys.stderr, flush=True)


def wait_for(url, seconds=120):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status < 500:
                    return
        except Exception:
            pass
        time.sleep(0.2)
    raise SystemExit(f"{url} did not answer within {seconds} s")


def pinned(command):
    return ["taskset", "-c", Env.server_cpu, *command]


class Server:
    """A server under test: its processes, pinned to the server core."""

    def __init__(self, name, command, env=None, cwd=None, ready=None):
        self.name, self.command, self.env, self.cwd, self.ready = name, command, env, cwd, ready
        self.process = None

    def start(self):
        env = dict(os.environ)
        env.update(self.env or {})
        logfile = open(Env.work / f"{self.name}.log", "w")
        self.process = subprocess.Popen(
            pinned(self.command), env=env, cwd=self.cwd, stdout=logfile, stderr=subprocess.STDOUT
        )
        if self.ready:
            wait_for(self.ready)
        return self

    def pids(self):
        """The process and its children (nginx's workers)."""
        if not self.process:
            return []
        pids = [self.process.pid]
        try:
            children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
            pids += [int(p) for p in children]
        except OSError:
            pass
        return pids

    def _status_mib(self, field):
        total = 0
        for pid in self.pids():
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith(field + ":"):
                        total += int(line.split()[1])
            except OSError:
                pass
        return round(total / 1024, 1)

    def rss_mib(self):
        """Resident memory now."""
        return self._status_mib("VmRSS")

    def peak_mib(self):
        """The highest resident memory since reset_peak()."""
        return self._status_mib("VmHWM")

    def reset_peak(self):
        for pid in self.pids():
            try:
                Path(f"/proc/{pid}/clear_refs").write_text("5")
            except OSError:
                pass

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()


def oha(url, connections, duration, rate=None, regex=False, body=None, token=None,
        content_type="application/json", headers=()):
    command = [
        "taskset", "-c", Env.load_cpu, Env.oha, "--no-tui", "--output-format", "json",
        "-z", duration, "-c", str(connections), "-w",
    ]
    if body:
        command += ["-m", "POST", "-T", content_type, "-D", str(body)]
    if token:
        command += ["-H", f"authorization: Bearer {token}"]
    for header in headers:
        command += ["-H", header]
    if rate:
        command += ["-q", str(rate), "--latency-correction"]
    if regex:
        command += ["--rand-regex-url"]
    command.append(url)
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SystemExit(f"oha failed for {url}: {result.stderr[-2000:]}")
    report = json.loads(result.stdout)
    summary = report["summary"]
    statuses = report.get("statusCodeDistribution", {})
    ok = sum(n for code, n in statuses.items() if code.startswith("2") or code == "304")
    failed_statuses = sum(n for code, n in statuses.items() if not (code.startswith("2") or code == "304"))
    transport_errors = sum(report.get("errorDistribution", {}).values())
    latency = report.get("latencyPercentiles", {})
    return {
        "rps": round(ok / max(float(summary.get("total", 0) or 0), 1e-9), 1),
        "p50_ms": round(float(latency.get("p50") or 0) * 1000, 2),
        "p99_ms": round(float(latency.get("p99") or 0) * 1000, 2),
        "errors": failed_statuses + transport_errors,
        "error_kinds": {**{k: v for k, v in statuses.items() if not (k.startswith("2") or k == "304")},
                        **report.get("errorDistribution", {})},
    }


def measured(server, url, connections, warmup_connections=None, **options):
    """A warm-up, then oha for the run's duration, with the server's memory
    after and at its peak."""
    oha(url, warmup_connections or connections, Env.warmup, **options)
    server.reset_peak()
    result = oha(url, connections, Env.duration, **options)
    result["rss_mib"] = server.rss_mib()
    result["peak_rss_mib"] = server.peak_mib()
    log(f"    {result}")
    return result


def seed_peer():
    log(f"==> seeding the peer: {Env.extensions} extensions x 2 versions of 1 MiB")
    env = dict(os.environ, DATA_DIR=str(Env.work / "peer-data"))
    subprocess.run(
        [str(Env.peer_dir / "node_modules/.bin/bun"), "run", "seed.ts", str(Env.extensions)],
        cwd=Env.peer_dir, env=env, check=True, stdout=sys.stderr,
    )
    return sorted((Env.work / "peer-data/files").glob("*/*.foxe"))


def request(method, url, body=None, token=None, content_type="application/json", headers=()):
    req = urllib.request.Request(url, data=body, method=method)
    req.add_header("content-type", content_type)
    for name, value in headers:
        req.add_header(name, value)
    if token:
        req.add_header("authorization", f"Bearer {token}")
    with urllib.request.urlopen(req, timeout=120) as response:
        return json.loads(response.read() or b"null")


def seed_sora(files_url, admin_url, packages):
    log(f"==> publishing the same {len(packages)} packages to Sora through its API")
    token = login(admin_url)

    def publish(path):
        request("POST", f"{files_url}/api/extensions?allow_similar=true", path.read_bytes(), token, "application/zip")

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(publish, packages))


def login(admin_url):
    return request(
        "POST", f"{admin_url}/api/admin/auth/login",
        json.dumps({"email": "admin@sora.local", "password": "sora-admin-dev"}).encode(),
    )["access_token"]


def probe(url, headers):
    """One request before the load: a row of refusals measures nothing."""
    req = urllib.request.Request(url)
    for header in headers:
        name, _, value = header.partition(": ")
        req.add_header(name, value)
    with urllib.request.urlopen(req, timeout=30) as response:
        if response.status != 200:
            raise SystemExit(f"bench: {url} answered {response.status}")


def lichtblick_cookie(admin_url):
    """The `sora_access` cookie Lichtblick's browser app holds after
    signing in (`POST /api/admin/lichtblick/session`, as a script does):
    its token works for /api/lichtblick alone, and only as that cookie."""
    req = urllib.request.Request(
        f"{admin_url}/api/admin/lichtblick/session", method="POST",
        data=json.dumps({"email": "admin@sora.local", "password": "sora-admin-dev"}).encode())
    req.add_header("content-type", "application/json")
    req.add_header("x-sora-csrf", "1")
    with urllib.request.urlopen(req, timeout=120) as response:
        for value in response.headers.get_all("set-cookie") or []:
            match = re.match(r"sora_access=([^;]+)", value)
            if match:
                return match.group(1)
    raise SystemExit("bench: admin-api set no sora_access cookie")


def feedback_bodies():
    """The peer's 10-event body with its times moved to the last minutes (so
    that both systems accept them), and one event of it alone: the rating,
    whose comment is redacted and encrypted."""
    batch = json.loads(Env.feedback_body.read_text())
    times = [time.strptime(e["occurred_at"], "%Y-%m-%dT%H:%M:%SZ") for e in batch["events"]]
    last = max(time.mktime(t) for t in times)
    now = time.time() - 60
    for event, at in zip(batch["events"], times):
        moved = now - (last - time.mktime(at))
        event["occurred_at"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(moved))
    single = next(e for e in batch["events"] if e["type"] == "rating")
    paths = {}
    for name, body in (("batch", batch), ("single", single)):
        paths[name] = Env.work / f"feedback-{name}.json"
        paths[name].write_text(json.dumps(body))
    return paths, len(batch["events"])


def feedback_api():
    """feedback-api provisioned and started on the bench's PostgreSQL."""
    port = free_port()
    env = {
        "SORA_DATABASE__PORT": Env.pg_port, "SORA_TELEMETRY__FORMAT": "json",
        "SORA_SERVER__PORT": str(port),
        # The limiter stays on (its cost is measured) but never refuses: the
        # load comes from one address.
        "SORA_RATE_LIMIT__PER_SECOND": "1000000", "SORA_RATE_LIMIT__BURST": "1000000",
    }
    subprocess.run(
        [str(Env.bin / "feedback-api"), "provision", f"postgres://postgres@127.0.0.1:{Env.pg_port}/sora"],
        env={**os.environ, **env}, check=True, stdout=subprocess.DEVNULL,
    )
    sora = Server("feedback-api", [str(Env.bin / "feedback-api"), "serve"], env,
                  ready=f"http://127.0.0.1:{port}/ready").start()
    return sora, port


def moderation_only(admin):
    """The moderation rows alone (`BENCH_ONLY=moderation`)."""
    sora, port = feedback_api()
    admin.start()
    token = login(admin.ready.rsplit("/", 1)[0])
    admin.stop()
    rows = moderation_rows(sora, port, token)
    sora.stop()
    return rows


def feedback_rows(peer, peer_port, admin):
    """Feedback ingestion, the peer and feedback-api side by side, then a
    year's summary read from feedback-api's roll-ups."""
    sora, port = feedback_api()
    bodies, batch_size = feedback_bodies()
    rows = []
    for name, body, events in (("feedback, 10-event batches", bodies["batch"], batch_size),
                               ("feedback, single events", bodies["single"], 1)):
        for conns in (64, 256):
            row = {"scenario": name, "connections": conns, "events_per_request": events}
            for system, server, server_port in (("peer", peer, peer_port), ("sora", sora, port)):
                url = f"http://127.0.0.1:{server_port}/api/feedback"
                log(f"==> {name}, {conns} connections: {system}")
                oha(url, min(conns, 64), Env.warmup, body=body)
                server.reset_peak()
                result = oha(url, conns, Env.duration, body=body)
                result["rss_mib"] = server.rss_mib()
                result["peak_rss_mib"] = server.peak_mib()
                log(f"    {result}")
                row[system] = result
                time.sleep(1)
            rows.append(row)

    log("==> a year of roll-ups, then its summary")
    subprocess.run(
        [Env.psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", Env.pg_port,
         "-U", "postgres", "-d", "sora", "-f", str(Path(__file__).with_name("year_of_rollups.sql"))],
        check=True, stdout=subprocess.DEVNULL,
    )
    admin.start()
    token = login(admin.ready.rsplit("/", 1)[0])
    admin.stop()
    to = time.strftime("%Y-%m-%dT%H:00:00Z", time.gmtime())
    since = time.strftime("%Y-%m-%dT%H:00:00Z", time.gmtime(time.time() - 365 * 86400))
    summary_url = f"http://127.0.0.1:{port}/api/stats/summary?from={since}&to={to}"
    with urllib.request.urlopen(urllib.request.Request(
            summary_url, headers={"authorization": f"Bearer {token}"})) as response:
        figures = json.loads(response.read())
    # One caller: the figure is how long one report takes, not how many the
    # core serves at once.
    year = {"scenario": "summary over a year of roll-ups", "connections": 1,
            "feedback_total": figures["feedback_total"], "downloads": figures["downloads"],
            "unique_installs": figures["unique_installs"]}
    year["sora"] = measured(sora, summary_url, 1, token=token)
    extra = {"by_indexes": ingestion_by_indexes(sora, port, bodies, batch_size),
             "moderation": moderation_rows(sora, port, token)}
    sora.stop()
    return rows, year, extra


# As services/feedback-api/migrations/3_moderation_indexes.sql makes them
# (4_type_filter_without_index.sql dropped the one on `type`).
MODERATION_INDEXES = {
    "events_newest": "ON feedback.events (occurred_at DESC, event_id DESC)",
    "events_item_newest": "ON feedback.events (item_id, occurred_at DESC, event_id DESC) "
                          "WHERE item_id IS NOT NULL",
}
# Measured for the trade, not made by the migrations.
DROPPED_INDEXES = {
    "events_type_newest": "ON feedback.events (type, occurred_at DESC, event_id DESC)",
}


def psql(*args):
    result = subprocess.run(
        [Env.psql, "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", Env.pg_port,
         "-U", "postgres", "-d", "sora", *args],
        check=True, capture_output=True, text=True,
    )
    return result.stdout.strip()


# The sets of moderation indexes whose ingestion cost is measured: none,
# each one added in turn, what the migrations make, and the dropped one too.
INDEX_SETS = [(), ("events_newest",), tuple(MODERATION_INDEXES),
              (*MODERATION_INDEXES, *DROPPED_INDEXES)]


def set_indexes(names):
    """Drops the moderation indexes, then makes `names` (as the table's
    owner, as the migration would)."""
    every = {**MODERATION_INDEXES, **DROPPED_INDEXES}
    psql("-c", "; ".join(f"DROP INDEX IF EXISTS feedback.{name}" for name in every))
    if names:
        owner = psql("-c", "SELECT tableowner FROM pg_tables WHERE schemaname = 'feedback' AND tablename = 'events'")
        psql("-c", f'SET ROLE "{owner}"; ' + "; ".join(
            f"CREATE INDEX {name} {every[name]}" for name in names))


def ingestion_by_indexes(sora, port, bodies, batch_size):
    """The 10-event rows again with each set of moderation indexes, one
    after the other on the same table, in the same run: what each index
    costs ingestion. The migrations' are there again after."""
    rows = []
    url = f"http://127.0.0.1:{port}/api/feedback"
    for names in INDEX_SETS:
        set_indexes(names)
        for conns in (64, 256):
            log(f"==> feedback, 10-event batches with indexes {list(names)}, {conns} connections")
            result = measured(sora, url, conns, min(conns, 64), body=bodies["batch"])
            rows.append({"indexes": list(names), "connections": conns, "events_per_request": batch_size,
                         "sora": result})
    set_indexes(tuple(MODERATION_INDEXES))
    return rows


def moderation_rows(sora, port, token):
    """`GET /api/feedback` (admin) with BENCH_MODERATION_EVENTS generated
    events (default ten million) over 90 days: the first page, a page half
    way down (reached by `after`), and filtered first pages."""
    events = int(os.environ.get("BENCH_MODERATION_EVENTS", "10000000"))
    if events <= 0:
        return None
    log(f"==> moderation: generating {events:,} events")
    started = time.time()
    # Generated without the moderation indexes, which are made after: one
    # sort per index instead of ten million scattered inserts into each.
    # The ingestion rows' events go first: one body replayed, they share its
    # ten timestamps, which no real day's events do.
    psql("-c", "TRUNCATE feedback.events")
    set_indexes(())
    psql("-v", f"events={events}", "-f", str(Path(__file__).with_name("feedback_events.sql")))
    generated_s = round(time.time() - started)
    started = time.time()
    set_indexes(tuple(MODERATION_INDEXES))
    # As autovacuum leaves days no longer written to (their inserts pass its
    # insert threshold): statistics, and pages marked all-visible.
    psql("-c", "VACUUM ANALYZE feedback.events")
    # The generated gigabytes written out now, not while pages are read.
    psql("-c", "CHECKPOINT")
    indexed_s = round(time.time() - started)
    total = int(psql("-c", "SELECT count(*) FROM feedback.events"))
    middle = psql("-c", f"""SELECT (extract(epoch FROM occurred_at) * 1000000)::bigint || '_' || event_id
                            FROM feedback.events ORDER BY occurred_at DESC, event_id DESC
                            OFFSET {total // 2} LIMIT 1""")
    day = time.strftime("%Y-%m-%d", time.gmtime(time.time() - 30 * 86400))
    base = f"http://127.0.0.1:{port}/api/feedback?per_page=20"
    pages = [
        ("first page", base),
        (f"page {total // 2 // 20:,} (by `after`)", f"{base}&after={middle}"),
        ("`type=rating`", f"{base}&type=rating"),
        ("`item_id` of one extension", f"{base}&item_kind=extension&item_id=bench-item-7"),
        ("one day (`from`/`to`)", f"{base}&from={day}&to={day}T23:59:59Z"),
    ]
    rows = []
    for name, url in pages:
        log(f"==> moderation: {name}")
        result = measured(sora, url, 4, token=token)
        rows.append({"scenario": name, "sora": result})
    return {"events": total, "generated_s": generated_s, "indexed_s": indexed_s, "rows": rows}


def seed_workspace(files_url, token):
    """A workspace whose team saved the 19 community layouts of the
    fixtures, through Lichtblick's API; the list's bytes for nginx."""
    request("POST", f"{files_url}/api/workspaces", json.dumps({"name": "bench", "owner": "bench-owner"}).encode(),
            token)
    layouts = sorted((Env.fixtures / "layouts").glob("*.json"))
    for n, path in enumerate(layouts):
        body = {"layoutId": f"bench-{n}", "name": path.stem, "permission": "ORG_WRITE",
                "data": json.loads(path.read_text())}
        request("POST", f"{files_url}/api/lichtblick/workspaces/bench/layout", json.dumps(body).encode(), token,
                headers=[("api-version", "1.0")])
    with urllib.request.urlopen(urllib.request.Request(
            f"{files_url}/api/lichtblick/workspaces/bench/layouts?",
            headers={"authorization": f"Bearer {token}"})) as response:
        (Env.www / "lichtblick-layouts.json").write_bytes(response.read())
    return len(layouts)


def recommendation_rows(nginx_conf):
    """The recommender over a generated catalog of 10,000 items (features
    as JSON, against nginx answering the same bytes), then MB/s of MCAP
    files read by from-mcap, whole and only their end."""
    port = free_port()
    env = {
        "SORA_DATABASE__PORT": Env.pg_port, "SORA_TELEMETRY__FORMAT": "json",
        "SORA_SERVER__PORT": str(port), "SORA_CATALOG__FILE_SERVER_URL": "",
        # from-mcap's per-client limiter stays on (its cost is measured) but
        # never refuses: the load comes from one address.
        "SORA_UPLOAD__PER_CLIENT_PER_MINUTE": "60000000",
    }
    subprocess.run(
        [str(Env.bin / "recommendation"), "provision", f"postgres://postgres@127.0.0.1:{Env.pg_port}/sora"],
        env={**os.environ, **env}, check=True, stdout=subprocess.DEVNULL,
    )
    subprocess.run(
        [str(Env.bin / "recommendation"), "migrate"], env={**os.environ, **env}, check=True,
        stdout=subprocess.DEVNULL,
    )
    subprocess.run(
        [Env.psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", Env.pg_port,
         "-U", "postgres", "-d", "sora", "-f", str(Path(__file__).with_name("catalog_10k.sql"))],
        check=True, stdout=subprocess.DEVNULL,
    )
    sora = Server("recommendation", [str(Env.bin / "recommendation"), "serve"], env,
                  ready=f"http://127.0.0.1:{port}/ready").start()
    base = f"http://127.0.0.1:{port}/api/recommendations"
    with urllib.request.urlopen(base + "/model") as response:
        model = json.loads(response.read())
    log(f"    model: {model}")
    # The features of a real recording (32 sensor_msgs topics), as a client
    # that read its summary sends them.
    recording = Env.fixtures / "mcap" / "rerun__rosbag2_2025_09_10-13_03_56_0.mcap"
    answer = request("POST", base + "/from-mcap", recording.read_bytes(),
                     content_type="application/octet-stream")
    body = Env.work / "recommend.json"
    body.write_text(json.dumps({"mcap": answer["features"], "limit": 10}))
    answer = request("POST", base, body.read_bytes())
    (Env.www / "recommend.json").write_text(json.dumps(answer))
    nginx = Server("nginx", [Env.nginx, "-c", str(nginx_conf), "-p", str(Env.work)]).start()
    nginx_url = f"http://127.0.0.1:{Env.nginx_port}/recommend.json"
    wait_for(nginx_url)
    rows = []
    # Closed loop (as fast as answers come), then 64 connections offered a
    # fixed rate, as clients opening recordings would.
    for conns, rate in ((64, None), (256, None), (64, 1000)):
        row = {"scenario": "recommendation, 10,000 items", "connections": conns, "rate": rate,
               "items": model["layouts_indexed"] + model["extensions_indexed"]}
        for system, server, url, post in (("nginx", nginx, nginx_url, None), ("sora", sora, base, body)):
            log(f"==> recommendation, {conns} connections, rate {rate}: {system}")
            oha(url, min(conns, 64), Env.warmup, body=post)
            server.reset_peak()
            result = oha(url, conns, Env.duration, rate=rate, body=post)
            result["rss_mib"] = server.rss_mib()
            result["peak_rss_mib"] = server.peak_mib()
            log(f"    {result}")
            row[system] = result
            time.sleep(1)
        rows.append(row)
    nginx.stop()

    # from-mcap: the largest fixture recordings, whole and their end only.
    uploads = []
    for name in ("cart-pole__kill_me_pls.mcap", "rerun__rosbag2_2025_09_10-13_03_56_0.mcap",
                 "asam-osi-converter__sensorDataDetectedLaneBoundaries.mcap", "keelson__test.mcap"):
        data = (Env.fixtures / "mcap" / name).read_bytes()
        for part, payload in (("whole", data), ("end", mcap_tail(data))):
            path = Env.work / f"upload-{part}-{name}"
            path.write_bytes(payload)
            url = base + "/from-mcap"
            log(f"==> from-mcap {name} ({part}, {len(payload)} bytes)")
            oha(url, 2, Env.warmup, body=path, content_type="application/octet-stream")
            sora.reset_peak()
            result = oha(url, 2, Env.duration, body=path, content_type="application/octet-stream")
            result["mb_per_s"] = round(result["rps"] * len(payload) / 1e6, 1)
            result["rss_mib"] = sora.rss_mib()
            result["peak_rss_mib"] = sora.peak_mib()
            log(f"    {result}")
            uploads.append({"file": name, "part": part, "bytes": len(payload), "sora": result})
    sora.stop()
    return rows, uploads


def mcap_tail(data):
    """The summary section and the footer of an MCAP file."""
    footer = len(data) - 8 - 29
    start = int.from_bytes(data[footer + 9:footer + 17], "little")
    return data[start:]


def main():
    packages = seed_peer()
    if not packages:
        raise SystemExit("the peer's seed wrote no packages")
    ext_id = packages[len(packages) // 2].parent.name
    download = packages[len(packages) // 2]

    # Sora: file-server under test, admin-api only to log in and publish.
    pg = {"SORA_DATABASE__PORT": Env.pg_port, "SORA_TELEMETRY__FORMAT": "json"}
    sora_port, admin_port = free_port(), free_port()
    admin = Server(
        "admin-api", [str(Env.bin / "admin-api"), "serve"],
        {**pg, "SORA_SERVER__PORT": str(admin_port)}, ready=f"http://127.0.0.1:{admin_port}/ready",
    )
    sora = Server(
        "sora", [str(Env.bin / "file-server"), "serve"],
        {**pg, "SORA_SERVER__PORT": str(sora_port), "SORA_STORAGE__PATH": str(Env.work / "objects")},
        ready=f"http://127.0.0.1:{sora_port}/ready",
    )
    for service, server in (("file-server", sora), ("admin-api", admin)):
        subprocess.run(
            [str(Env.bin / service), "provision", f"postgres://postgres@127.0.0.1:{Env.pg_port}/sora"],
            env={**os.environ, **server.env}, check=True, stdout=subprocess.DEVNULL,
        )
    admin.start()
    sora.start()
    seed_sora(f"http://127.0.0.1:{sora_port}", f"http://127.0.0.1:{admin_port}", packages)
    admin.stop()
    # A fresh process, so memory is measured from its start on the seeded catalog.
    sora.stop()
    sora.start()

    peer_port = free_port()
    peer = Server(
        "peer", [str(Env.peer_dir / "node_modules/.bin/bun"), "run", "server.ts"],
        {"PORT": str(peer_port), "DATA_DIR": str(Env.work / "peer-data"),
         "PUBLIC_BASE_URL": f"http://127.0.0.1:{peer_port}"},
        cwd=Env.peer_dir, ready=f"http://127.0.0.1:{peer_port}/health",
    ).start()

    # nginx serves the same bytes as static files.
    www = Env.work / "www"
    (www / "ext").mkdir(parents=True, exist_ok=True)
    sora_url = f"http://127.0.0.1:{sora_port}"
    for name, path in [
        ("details.json", f"/api/extensions/{ext_id}"),
        ("list.json", "/api/extensions?page=2&per_page=20"),
        ("marketplace.json", "/api/extensions/marketplace.json"),
    ]:
        with urllib.request.urlopen(sora_url + path) as response:
            (www / name).write_bytes(response.read())
    (www / "ext/download.foxe").write_bytes(download.read_bytes())
    nginx_port = free_port()
    Env.www, Env.nginx_port = www, nginx_port
    (Env.work / "nginx.conf").write_text(f"""
worker_processes 1;
worker_rlimit_nofile 20000;
pid {Env.work}/nginx.pid;
error_log {Env.work}/nginx-error.log;
daemon off;
events {{ worker_connections 19000; }}
http {{
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_timeout 75s;
  keepalive_requests 1000000;
  server {{
    listen 127.0.0.1:{nginx_port} backlog=4096;
    root {www};
    default_type application/json;
    location = /api/extensions/marketplace.json {{ try_files /marketplace.json =404; }}
    location = /api/extensions {{ try_files /list.json =404; }}
    location ~ /download$ {{ default_type application/zip; try_files /ext/download.foxe =404; }}
    location /api/extensions/ {{ try_files /details.json =404; }}
    location = /recommend.json {{ try_files /recommend.json =404; }}
  }}
}}
""")
    nginx = Server("nginx", [Env.nginx, "-c", str(Env.work / "nginx.conf"), "-p", str(Env.work)])
    nginx.start()
    wait_for(f"http://127.0.0.1:{nginx_port}/api/extensions/marketplace.json")

    varied = (
        r"/api/extensions\?(q=(lidar|camera|plot|gauge|teleop|costmap|radar|imu|odometry|battery)&)?"
        r"(sort=(downloads|updated|name)&)?page=[1-3]&per_page=(10|20)"
    )
    scenarios = [
        ("extension details", f"/api/extensions/{ext_id}", [64, 256], {}),
        ("list page", "/api/extensions?page=2&per_page=20", [64, 256], {}),
        ("varied list/search URLs", varied, [64, 256], {"regex": True}),
        ("1 MiB download", f"/api/extensions/{ext_id}/versions/1.1.0/download", [64, 256], {}),
        ("marketplace.json", "/api/extensions/marketplace.json", [64, 256], {}),
        ("10,000 connections on details", f"/api/extensions/{ext_id}", [10000], {}),
        ("10,000 open connections at 2,000 req/s", f"/api/extensions/{ext_id}", [10000], {"rate": 2000}),
    ]
    systems = [("peer", peer, peer_port), ("nginx", nginx, nginx_port), ("sora", sora, sora_port)]
    rows = []
    lichtblick = "lichtblick layouts list"
    if not Env.only or re.search(Env.only, lichtblick):
        # A team's layouts as Lichtblick syncs them, authenticated by the
        # session cookie (the peer has no such API: nginx serves the bytes).
        admin.start()
        token = login(f"http://127.0.0.1:{admin_port}")
        cookie = lichtblick_cookie(f"http://127.0.0.1:{admin_port}")
        admin.stop()
        count = seed_workspace(sora_url, token)
        for conns in (64, 256):
            row = {"scenario": f"{lichtblick} ({count} layouts, cookie)", "connections": conns}
            for system, server, url, headers in (
                    ("nginx", nginx, f"http://127.0.0.1:{nginx_port}/lichtblick-layouts.json", ()),
                    ("sora", sora, f"{sora_url}/api/lichtblick/workspaces/bench/layouts?",
                     (f"cookie: sora_access={cookie}", "api-version: 1.0"))):
                log(f"==> {lichtblick}, {conns} connections: {system}")
                probe(url, headers)
                oha(url, min(conns, 64), Env.warmup, headers=headers)
                server.reset_peak()
                result = oha(url, conns, Env.duration, headers=headers)
                result["rss_mib"] = server.rss_mib()
                result["peak_rss_mib"] = server.peak_mib()
                log(f"    {result}")
                row[system] = result
                time.sleep(1)
            rows.append(row)
    for name, path, connections, options in scenarios:
        if Env.only and not re.search(Env.only, name):
            continue
        for conns in connections:
            row = {"scenario": name, "connections": conns}
            for system, server, port in systems:
                if system == "nginx" and options.get("regex"):
                    continue  # nginx has no search
                base = f"http://127.0.0.1:{port}"
                url = base + path
                log(f"==> {name}, {conns} connections: {system}")
                oha(url, min(conns, 256), Env.warmup, regex=options.get("regex", False))
                server.reset_peak()
                result = oha(url, conns, Env.duration, rate=options.get("rate"), regex=options.get("regex", False))
                result["rss_mib"] = server.rss_mib()
                result["peak_rss_mib"] = server.peak_mib()
                log(f"    {result}")
                row[system] = result
                time.sleep(1)
            rows.append(row)

    sora.stop()
    nginx.stop()
    feedback, year, feedback_extra = [], None, {}
    if not Env.only or re.search(Env.only, "feedback"):
        feedback, year, feedback_extra = feedback_rows(peer, peer_port, admin)
    elif re.search(Env.only, "moderation"):
        feedback_extra = {"moderation": moderation_only(admin)}
    peer.stop()
    recommendations, uploads = [], []
    if not Env.only or re.search(Env.only, "recommendation"):
        recommendations, uploads = recommendation_rows(Env.work / "nginx.conf")
    json.dump({"extensions": Env.extensions, "duration": Env.duration, "rows": rows,
               "feedback": feedback, "year": year, **feedback_extra, "recommendations": recommendations,
               "uploads": uploads}, sys.stdout, indent=1)


if __name__ == "__main__":
    main()

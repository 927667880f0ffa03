#!/usr/bin/env python3
"""The soak (`make soak`, and its short run in `make test`): the four services
under steady mixed traffic while faults arrive on a schedule, every
acknowledged write recorded and looked for afterwards.

scripts/soak.sh prepares PostgreSQL (and moto for the AWS configuration) and
the services' settings, then runs this. It supervises the services (a killed
one is restarted, as Kubernetes would), drives the load, applies the faults,
checks the ledger through the public APIs and the database, and writes the
report (docs/soak.md and its plots, or SOAK_REPORT_DIR).

Standard library, and matplotlib for the plots.
"""

import argparse
import collections
import http.client
import io
import json
import os
import random
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
import uuid
import zipfile
from concurrent.futures import ThreadPoolExecutor

SERVICES = {"file-server": 3000, "feedback-api": 3001, "admin-api": 3002, "recommendation": 3003}
ADMIN_EMAIL = "admin@sora.local"
ADMIN_PASSWORD = "sora-admin-dev"
WORKSPACE = "soak-team"
TIMEOUT = 10.0
RESTART_DELAY = 1.0

T0 = time.monotonic()


def now():
    return time.monotonic() - T0


def log(message):
    print(f"[{now():7.1f}s] {message}", flush=True)


# ---------------------------------------------------------------- services

class Service:
    """One service's process; restarted when it dies, unless stopped."""

    def __init__(self, name, binary, env, logfile):
        self.name, self.binary, self.env = name, binary, env
        self.port = SERVICES[name]
        self.logfile = logfile
        self.proc = None
        self.wanted = True
        self.restarts = 0
        self.lock = threading.Lock()

    def start(self):
        with self.lock:
            out = open(self.logfile, "ab")
            self.proc = subprocess.Popen([self.binary, "serve"], env=self.env, stdout=out,
                                         stderr=out, stdin=subprocess.DEVNULL)

    def watch(self):
        while self.wanted:
            time.sleep(0.2)
            proc = self.proc
            if self.wanted and proc is not None and proc.poll() is not None:
                time.sleep(RESTART_DELAY)
                if self.wanted:
                    self.restarts += 1
                    log(f"{self.name} exited ({proc.returncode}); restarting")
                    self.start()

    def signal(self, sig):
        if self.proc and self.proc.poll() is None:
            os.kill(self.proc.pid, sig)

    def status(self, field):
        """A figure of the process's /proc status (a number), or None."""
        try:
            with open(f"/proc/{self.proc.pid}/status") as status:
                for line in status:
                    if line.startswith(f"{field}:"):
                        return int(line.split()[1])
        except (OSError, AttributeError):
            pass
        return None

    def rss_mib(self, field="VmRSS"):
        """A memory figure of the process from /proc (VmRSS: all resident
        pages; RssAnon: its private memory, without the executable's pages,
        which fill in as code paths run for the first time)."""
        kib = self.status(field)
        return None if kib is None else kib / 1024

    def clients(self):
        """HTTP connections open to the service (established, from any
        client: the driver, or another service's keep-alive pool)."""
        count = 0
        for table in ("/proc/net/tcp", "/proc/net/tcp6"):
            try:
                with open(table) as lines:
                    next(lines)
                    for line in lines:
                        fields = line.split()
                        if fields[3] == "01" and int(fields[1].rsplit(":", 1)[1], 16) == self.port:
                            count += 1
            except OSError:
                pass
        return count

    def heap_mib(self):
        """The process's private memory (RssAnon) and, from its /metrics,
        what its bounded caches hold (`cache_bytes`) and what its allocator
        counts as live (`allocator_bytes{state="allocated"}`), in MiB, and
        how many database connections its pool holds (None when it does not
        answer), and how many HTTP connections are open to it."""
        figures = {"anon": self.rss_mib("RssAnon"), "cache": None, "allocated": None, "resident": None,
                   "connections": None, "clients": self.clients(), "threads": self.status("Threads")}
        try:
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=0.5)
            connection.request("GET", "/metrics")
            text = connection.getresponse().read().decode(errors="replace")
            connection.close()
        except OSError:
            return figures
        figures["cache"] = 0.0
        for line in text.splitlines():
            if line.startswith("cache_bytes{"):
                figures["cache"] += float(line.rsplit(" ", 1)[1]) / (1024 * 1024)
            elif line.startswith("allocator_bytes{") and 'state="allocated"' in line:
                figures["allocated"] = float(line.rsplit(" ", 1)[1]) / (1024 * 1024)
            elif line.startswith("allocator_bytes{") and 'state="resident"' in line:
                figures["resident"] = float(line.rsplit(" ", 1)[1]) / (1024 * 1024)
            elif line.startswith("db_pool_connections{"):
                figures["connections"] = (figures["connections"] or 0) + float(line.rsplit(" ", 1)[1])
        return figures

    def ready(self):
        """True when /ready answers 200; otherwise why not is kept."""
        try:
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
            connection.request("GET", "/ready")
            response = connection.getresponse()
            self.not_ready = response.read().decode(errors="replace")[:300]
            connection.close()
            return response.status == 200
        except OSError as error:
            self.not_ready = repr(error)
            return False

    def restart(self):
        """Stopped cleanly and started again by the supervisor; returns when
        the new process is ready."""
        old = self.proc
        self.signal(signal.SIGTERM)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc is not old and self.ready():
                return
            time.sleep(0.2)
        raise RuntimeError(f"{self.name} did not come back after a restart")

    def stop(self):
        self.wanted = False
        self.signal(signal.SIGCONT)
        self.signal(signal.SIGTERM)
        if self.proc:
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()


class Postgres:
    def __init__(self, bindir, datadir, port, user, logfile):
        self.bindir, self.datadir, self.port, self.user, self.logfile = bindir, datadir, port, user, logfile

    def ctl(self, *args):
        command = [f"{self.bindir}/pg_ctl", "-D", self.datadir, *args]
        if self.user:
            command = ["runuser", "-u", self.user, "--", *command]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def stop(self, mode):
        self.ctl("-m", mode, "-w", "stop")

    def start(self):
        self.ctl("-l", self.logfile, "-w", "-t", "120", "-o",
                 f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='' "
                 "-c max_connections=300", "start")

    def sql(self, query):
        result = subprocess.run([f"{self.bindir}/psql", "-X", "-tA", "-F", "\t", "-h", "127.0.0.1", "-p",
                                 str(self.port), "-U", "postgres", "-d", "sora", "-c", query],
                                check=True, capture_output=True, text=True)
        return [line.split("\t") for line in result.stdout.splitlines() if line]


class Proxy:
    """A TCP proxy to an AWS-compatible server that can be cut: while cut,
    the port refuses connections and open ones are closed."""

    def __init__(self, port, target_port):
        self.port, self.target = port, target_port
        self.listener = None
        self.open = []
        self.lock = threading.Lock()
        self.restore()

    def restore(self):
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(128)
        self.listener = listener
        threading.Thread(target=self.accept, args=(listener,), daemon=True).start()

    def cut(self):
        with self.lock:
            self.listener.close()
            for sock in self.open:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                sock.close()
            self.open.clear()

    def accept(self, listener):
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                if listener is not self.listener:
                    return  # cut
                time.sleep(0.1)
                continue
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target), timeout=5)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            pair = [client, upstream]
            with self.lock:
                self.open += pair
            done = threading.Semaphore(0)
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self.pipe, args=(a, b, done), daemon=True).start()
            threading.Thread(target=self.close_when_done, args=(pair, done), daemon=True).start()

    def close_when_done(self, pair, done):
        done.acquire()
        done.acquire()
        with self.lock:
            for sock in pair:
                if sock in self.open:
                    self.open.remove(sock)
                sock.close()

    @staticmethod
    def pipe(source, sink, done):
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                sink.sendall(data)
        except OSError:
            pass
        for sock in (source, sink):
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        done.release()


# ---------------------------------------------------------------- requests

class Recorder:
    """Every request: when, which route, status, latency, Retry-After."""

    def __init__(self):
        self.rows = []
        self.lock = threading.Lock()

    def add(self, started, route, status, seconds, retry_after, service):
        with self.lock:
            self.rows.append((started, route, status, seconds, retry_after, service))


RECORDER = Recorder()
LOCAL = threading.local()
# Every client connection the driver opened, so that memory is measured with
# none left open: each kept-alive connection holds its server-side buffers.
OPENED = []
OPENED_LOCK = threading.Lock()


def close_connections():
    with OPENED_LOCK:
        for connection in OPENED:
            connection.close()
        OPENED.clear()
    # The servers drop their side; jemalloc's background threads then give
    # the freed pages back over its 10 s decay (see settled()).
    time.sleep(2)


def settled(services, window=12, limit=120):
    """Each service's (RSS, heap figures) once its private memory has
    stopped falling: no more than 0.25 MiB apart over `window` seconds
    (at most `limit` seconds of waiting). Pages freed by the load's end
    go back to the system over jemalloc's decay, so one reading taken a
    fixed time after the load depends on where each process was in it;
    the run's processes and the fresh ones are read the same way."""
    history = {name: [] for name in services}
    started = now()
    while True:
        at = now()
        for name, service in services.items():
            history[name].append((at, service.rss_mib(), service.heap_mib()))

        def steady(samples):
            recent = [h["anon"] for t, _, h in samples if t >= at - window and h["anon"] is not None]
            return (samples[0][0] <= at - window and len(recent) >= 3
                    and max(recent) - min(recent) <= 0.25)

        if all(steady(samples) for samples in history.values()) or at - started > limit:
            log(f"memory settled after {at - started:.0f} s")
            return {name: samples[-1][1:] for name, samples in history.items()}
        time.sleep(2)


def request(method, port, path, route, body=None, headers=None, token=None, record=True):
    """(status, headers, body bytes); status 0 when there was no answer."""
    headers = dict(headers or {})
    if token:
        headers["authorization"] = f"Bearer {token}"
    if isinstance(body, (dict, list)):
        body = json.dumps(body).encode()
        headers.setdefault("content-type", "application/json")
    connections = LOCAL.__dict__.setdefault("connections", {})
    started = now()
    status, answer, content = 0, {}, b""
    for attempt in range(2):
        connection = connections.pop(port, None)
        reused = connection is not None
        if connection is None:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
            with OPENED_LOCK:
                OPENED.append(connection)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read()
            status = response.status
            answer = {k.lower(): v for k, v in response.getheaders()}
            if answer.get("connection", "").lower() != "close":
                connections[port] = connection
            break
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            connection.close()
            # A kept-alive connection the server closed (or lost in a restart):
            # sent again on a new one, as HTTP clients do.
            if not reused or attempt:
                break
        except (OSError, http.client.HTTPException):
            connection.close()
            break
    if record:
        service = next(name for name, p in SERVICES.items() if p == port)
        RECORDER.add(started, route, status, now() - started, "retry-after" in answer, service)
    return status, answer, content


def as_json(content):
    try:
        return json.loads(content)
    except ValueError:
        return None


# ---------------------------------------------------------------- the ledger

class Ledger:
    """What the services acknowledged, and what may or may not have happened
    (no answer: a timeout or a cut connection)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.acked = collections.defaultdict(list)
        self.unknown = collections.defaultdict(list)
        self.downloads = collections.Counter()

    def ack(self, kind, value):
        with self.lock:
            self.acked[kind].append(value)

    def maybe(self, kind, value):
        with self.lock:
            self.unknown[kind].append(value)


LEDGER = Ledger()


class State:
    """What the load works on: the soak's own extensions, tokens."""

    def __init__(self):
        self.lock = threading.RLock()
        self.token = None
        self.extensions = {}  # id -> list of versions published
        self.layouts = []  # marketplace layout ids
        self.team_layouts = {}  # server id -> (lock, number of the last change sent)
        self.counter = 0

    def next(self):
        with self.lock:
            self.counter += 1
            return self.counter


STATE = State()
FILES, FEEDBACK, ADMIN, RECO = (SERVICES[s] for s in SERVICES)


def login():
    status, _, content = request("POST", ADMIN, "/api/admin/auth/login", "login",
                                 {"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD})
    return as_json(content) if status == 200 else None


def token():
    return STATE.token


def foxe(publisher, name, version):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("package.json", json.dumps({
            "name": name, "publisher": publisher, "version": version, "main": "dist/extension.js",
            "displayName": f"{name} panel", "description": f"Soak panel {name} for lidar and camera",
            "keywords": ["soak", "lidar", "camera"]}))
        archive.writestr("dist/extension.js", f"module.exports.activate = () => {{}}; // {version}")
    return buffer.getvalue()


LAYOUT = {"configById": {"3D!soak": {"topics": {"/velodyne_points": {"visible": True}}},
                         "Image!soak": {"imageTopic": "/camera/image_raw"}},
          "layout": {"first": "3D!soak", "second": "Image!soak", "direction": "row"}}
FEATURES = {"profile": "ros2", "topics": [
    {"topic": "/velodyne_points", "schema_name": "sensor_msgs/msg/PointCloud2"},
    {"topic": "/camera/image_raw", "schema_name": "sensor_msgs/msg/Image"},
    {"topic": "/tf", "schema_name": "tf2_msgs/msg/TFMessage"}]}


def mcap_tail(path):
    """The summary section and footer of an MCAP file, as a client reading
    only the end of a recording would send."""
    data = open(path, "rb").read()
    footer = data[-8 - 20 - 9:-8]  # opcode, length, summary_start, summary_offset_start, crc
    summary_start = struct.unpack("<Q", footer[9:17])[0]
    return data[summary_start:] if summary_start else data


# ---------------------------------------------------------------- operations

def op_catalog():
    request("GET", FILES, "/api/extensions?per_page=20", "GET /api/extensions")


def op_search():
    term = random.choice(["lidar", "camera", "soak", "map", "battery"])
    request("GET", FILES, f"/api/extensions?q={term}", "GET /api/extensions?q")


def op_layouts():
    request("GET", FILES, "/api/layouts?per_page=20", "GET /api/layouts")


def op_detail():
    with STATE.lock:
        ids = list(STATE.extensions)
    request("GET", FILES, f"/api/extensions/{random.choice(ids)}", "GET /api/extensions/{id}")


def op_download(ranged=False):
    with STATE.lock:
        ext = random.choice(list(STATE.extensions))
        version = STATE.extensions[ext][0]
    headers = {"range": "bytes=0-99"} if ranged else {}
    route = "GET download (range)" if ranged else "GET download"
    status, _, _ = request("GET", FILES, f"/api/extensions/{ext}/versions/{version}/download", route,
                           headers=headers)
    if status == 200:
        with LEDGER.lock:
            LEDGER.downloads[(ext, version)] += 1


def op_publish():
    with STATE.lock:
        ext = random.choice(list(STATE.extensions))
        version = f"1.{STATE.next()}.0"
    publisher, name = ext.split(".", 1)
    status, _, _ = request("POST", FILES, "/api/extensions", "POST /api/extensions",
                           foxe(publisher, name, version), {"content-type": "application/zip"}, token())
    if status == 201:
        LEDGER.ack("publish", [ext, version])
        with STATE.lock:
            STATE.extensions[ext].append(version)
    elif status in (0, 502, 503, 504):
        LEDGER.maybe("publish", [ext, version])


def op_layout_save():
    name = f"soak layout {uuid.uuid4().hex[:12]}"
    status, _, content = request("POST", FILES, "/api/layouts", "POST /api/layouts", {
        "name": name, "description": "a soak layout", "tags": ["soak"], "layout": LAYOUT}, token=token())
    if status == 201:
        LEDGER.ack("layout", [as_json(content)["id"], name])
    elif status in (0, 502, 503, 504):
        LEDGER.maybe("layout", [None, name])


def op_yank():
    with STATE.lock:
        candidates = [(e, v) for e, vs in STATE.extensions.items() for v in vs[1:]]
        if not candidates:
            return
        ext, version = random.choice(candidates)
        STATE.extensions[ext].remove(version)
    status, _, _ = request("DELETE", FILES, f"/api/extensions/{ext}/versions/{version}",
                           "DELETE /api/extensions/{id}/versions/{v}", token=token())
    if status in (200, 204):
        LEDGER.ack("yank", [ext, version])
    else:
        LEDGER.maybe("yank", [ext, version])


def op_hide():
    with STATE.lock:
        ext = random.choice(list(STATE.extensions)[1:])
    hidden = random.random() < 0.5
    status, _, _ = request("PATCH", FILES, f"/api/extensions/{ext}", "PATCH /api/extensions/{id}",
                           {"hidden": hidden}, token=token())
    # The last acknowledged value must stand, unless a later change had no answer.
    (LEDGER.ack if status in (200, 204) else LEDGER.maybe)("hide", [ext, hidden, now()])


def op_feedback():
    install = str(uuid.uuid4())
    events = [{"type": random.choice(["layout_applied", "session_started", "extension_installed"]),
               "consent": True, "install_id": install, "app_version": "soak", "event_id": str(uuid.uuid4())}
              for _ in range(10)]
    for event in events:
        if event["type"] != "session_started":
            event["item"] = {"kind": "layout" if event["type"] == "layout_applied" else "extension",
                             "id": "soak.panel-0"}
    body = {"events": events}
    # A client retries what got no answer, with the same event ids.
    for attempt in range(3):
        status, _, _ = request("POST", FEEDBACK, "/api/feedback", "POST /api/feedback", body)
        if status == 202:
            for event in events:
                LEDGER.ack("feedback", event["event_id"])
            return
        if status not in (0, 429, 502, 503, 504):
            break
        time.sleep(1 + attempt)
    for event in events:
        LEDGER.maybe("feedback", event["event_id"])


def op_recommend():
    request("POST", RECO, "/api/recommendations", "POST /api/recommendations", {"mcap": FEATURES, "limit": 5})


def op_recommend_mcap():
    request("POST", RECO, "/api/recommendations/from-mcap?limit=5", "POST /api/recommendations/from-mcap",
            TAIL, {"content-type": "application/octet-stream"})


def op_team_layout_save():
    layout_id = str(uuid.uuid4())
    status, _, content = request("POST", FILES, f"/api/lichtblick/workspaces/{WORKSPACE}/layout",
                                 "POST lichtblick layout", {
                                     "layoutId": layout_id, "name": f"team {layout_id[:8]}",
                                     "permission": "ORG_WRITE", "data": {**LAYOUT, "n": 0}}, token=token())
    if status in (200, 201):
        server_id = as_json(content)["data"]["layout"]["id"]
        LEDGER.ack("team_layout", [server_id, 0])
        with STATE.lock:
            STATE.team_layouts[server_id] = [threading.Lock(), 0]
    elif status in (0, 502, 503, 504):
        LEDGER.maybe("team_layout", [layout_id, 0])


def op_team_layout_update():
    with STATE.lock:
        if not STATE.team_layouts:
            return
        server_id = random.choice(list(STATE.team_layouts))
        entry = STATE.team_layouts[server_id]
    if not entry[0].acquire(blocking=False):
        return
    try:
        n = entry[1] + 1
        status, _, _ = request("PUT", FILES, f"/api/lichtblick/layouts/{server_id}", "PUT lichtblick layout",
                               {"data": {**LAYOUT, "n": n}}, token=token())
        entry[1] = n
        (LEDGER.ack if status == 200 else LEDGER.maybe)("team_update", [server_id, n])
    finally:
        entry[0].release()


def op_login_refresh():
    tokens = login()
    if tokens:
        request("POST", ADMIN, "/api/admin/auth/refresh", "refresh", {"refresh_token": tokens["refresh_token"]})


def op_user():
    email = f"soak-{uuid.uuid4().hex[:12]}@sora.local"
    status, _, content = request("POST", ADMIN, "/api/admin/users", "POST /api/admin/users",
                                 {"email": email, "password": "soak-password-1", "role": "viewer"}, token=token())
    if status == 201:
        LEDGER.ack("user", [as_json(content)["id"], email])
    elif status in (0, 502, 503, 504):
        LEDGER.maybe("user", [None, email])


# Per 100 requests: reads dominate, as in a day of use.
MIX = [
    (op_catalog, 14), (op_search, 8), (op_layouts, 5), (op_detail, 7),
    (op_download, 12), (lambda: op_download(ranged=True), 4),
    (op_feedback, 15), (op_recommend, 9), (op_recommend_mcap, 3),
    (op_publish, 3), (op_layout_save, 2), (op_yank, 1), (op_hide, 1),
    (op_team_layout_save, 3), (op_team_layout_update, 6),
    (op_login_refresh, 4), (op_user, 3),
]


# ---------------------------------------------------------------- the run

def setup():
    global TAIL
    TAIL = mcap_tail(ARGS.mcap)
    for _ in range(300):
        tokens = login()
        if tokens:
            break
        time.sleep(0.2)
    STATE.token = tokens["access_token"]
    threading.Thread(target=refresh_token_loop, daemon=True).start()
    status, _, content = request("GET", ADMIN, "/api/admin/users?per_page=100", "setup", token=token(), record=False)
    admin_id = next(u["id"] for u in as_json(content)["items"] if u["email"] == ADMIN_EMAIL)
    request("POST", ADMIN, "/api/admin/workspaces", "setup", {"name": WORKSPACE, "owner": admin_id},
            token=token(), record=False)
    for i in range(5):
        ext = f"soak.panel-{i}"
        status, _, _ = request("POST", FILES, "/api/extensions", "setup", foxe("soak", f"panel-{i}", "1.0.0"),
                               {"content-type": "application/zip"}, token(), record=False)
        assert status == 201, f"setup publish answered {status}"
        LEDGER.ack("publish", [ext, "1.0.0"])
        STATE.extensions[ext] = ["1.0.0"]


def refresh_token_loop():
    while True:
        time.sleep(240)
        tokens = login()
        if tokens:
            STATE.token = tokens["access_token"]


def drive(rate, until, stop):
    """Open loop: one operation every 1/rate s, whatever the answers take."""
    operations = [op for op, weight in MIX for _ in range(weight)]
    pool = ThreadPoolExecutor(max_workers=96)
    pending = [0]
    lock = threading.Lock()
    skipped = 0

    def run(op):
        try:
            op()
        except Exception as error:  # noqa: BLE001 - a driver bug must not stop the soak
            log(f"driver error in {op.__name__}: {error!r}")
        finally:
            with lock:
                pending[0] -= 1

    interval = 1.0 / rate
    tick = now()
    while now() < until and not stop.is_set():
        with lock:
            busy = pending[0] >= 300
            if not busy:
                pending[0] += 1
        if busy:
            skipped += 1
        else:
            pool.submit(run, random.choice(operations))
        tick += interval
        time.sleep(max(0.0, tick - now()))
    pool.shutdown(wait=True)
    return skipped


def schedule(args):
    """(start, kind, target, seconds) from the end of the warm-up on."""
    kinds = [("kill", "feedback-api", 0), ("freeze", "file-server", 10), ("pg-stop", "postgres", 15),
             ("kill", "file-server", 0), ("pg-crash", "postgres", 0), ("kill", "admin-api", 0),
             ("freeze", "recommendation", 10), ("kill", "recommendation", 0), ("freeze", "admin-api", 10),
             ("freeze", "feedback-api", 10)]
    if args.backend == "aws":
        kinds[2:2] = [("bus-cut", "sqs", 30)]
        kinds[5:5] = [("store-cut", "s3", 15)]
    if args.short:
        kinds = [("kill", "feedback-api", 0), ("freeze", "file-server", 10), ("pg-stop", "postgres", 15),
                 ("pg-crash", "postgres", 0), ("kill", "admin-api", 0)]
        if args.backend == "aws":
            kinds[3:3] = [("bus-cut", "sqs", 30), ("store-cut", "s3", 15)]
    faults = []
    t = args.warmup + 5
    i = 0
    while t < args.duration - args.quiet:
        kind, target, seconds = kinds[i % len(kinds)]
        # No kills in the last third of a long run: the processes that end it
        # have lived through faults for a while, so their memory says something.
        if kind == "kill" and not args.short and t > args.duration * 2 / 3:
            i += 1
            continue
        faults.append({"start": t, "kind": kind, "target": target, "seconds": seconds})
        t += seconds + args.gap
        i += 1
        if args.short and i >= len(kinds):
            break
    return faults


def affected(fault):
    if fault["kind"] in ("kill", "freeze"):
        return [fault["target"]]
    if fault["kind"] == "store-cut":
        return ["file-server"]
    return list(SERVICES)


def apply_faults(faults, services, postgres, proxies, stop, errors):
    try:
        run_faults(faults, services, postgres, proxies, stop)
    except Exception as error:  # noqa: BLE001 - reported as the run's failure
        log(f"fault schedule failed: {error!r}")
        errors.append(f"the fault schedule failed: {error!r}")
        stop.set()


def run_faults(faults, services, postgres, proxies, stop):
    for fault in faults:
        while now() < fault["start"] and not stop.is_set():
            time.sleep(0.05)
        if stop.is_set():
            return
        kind, target, seconds = fault["kind"], fault["target"], fault["seconds"]
        log(f"fault: {kind} {target} {seconds or ''}")
        fault["started"] = now()
        if kind == "kill":
            services[target].signal(signal.SIGKILL)
        elif kind == "freeze":
            services[target].signal(signal.SIGSTOP)
            time.sleep(seconds)
            services[target].signal(signal.SIGCONT)
        elif kind == "pg-stop":
            postgres.stop("fast")
            time.sleep(seconds)
            postgres.start()
        elif kind == "pg-crash":
            postgres.stop("immediate")
            postgres.start()
        elif kind in ("bus-cut", "store-cut"):
            proxies[target].cut()
            time.sleep(seconds)
            proxies[target].restore()
        fault["ended"] = now()
        # Recovery: each affected service answering /ready again.
        fault["recovery"] = {}
        waiting = set(affected(fault))
        if kind == "kill":
            time.sleep(0.3)  # the process is gone before it is asked
        deadline = now() + 120
        while waiting and now() < deadline:
            for name in sorted(waiting):
                if services[name].ready():
                    fault["recovery"][name] = round(now() - fault["ended"], 2)
                    waiting.discard(name)
            time.sleep(0.1)
        fault["recovered"] = now()
        for name in waiting:
            fault["recovery"][name] = None
        slow = [name for name, seconds in fault["recovery"].items() if seconds is None or seconds > 5]
        for name in slow:
            log(f"{name} was slow to recover; its last /ready: {services[name].not_ready}")
        log(f"recovered: {fault['recovery']}")


def fresh_burst(services, postgres, proxies, errors):
    """Each fresh process lives through one fault of each kind the run
    applied short of a kill (a freeze of each service, PostgreSQL stopped
    and crashed, and in the AWS configuration the bus and the store cut)
    under load before it is measured. Requests pile up meanwhile and are
    then served at once, which fills what is bounded but kept at its peak
    (the database pool at its size, the allocator's caches, and actix-web's
    pool of up to 128 requests per worker, each keeping the head of the
    last request it served, whose header values share the read buffer of
    that request's connection: the more requests a fault piles up, the
    more of those buffers stay). A 15 s PostgreSQL stop piles more requests
    on feedback-api than a 10 s freeze of it: a fresh process that had only
    been frozen held 1.5 MiB less live heap than the run's (8.8 against
    7.3 MiB, 1.1 MiB against 0.1 MiB of those buffers in a heap profile);
    one that also lived through a PostgreSQL stop and crash held the same
    (7.9 and 7.9 MiB). What the run adds beyond one fault of each kind is
    what the comparison looks for: a freeze repeated three times on one
    process left its live heap where the first had put it (5.7, 5.7,
    5.8 MiB), which a leak would not."""
    kinds = []
    for fault in schedule(ARGS):
        kind = (fault["kind"], fault["target"], fault["seconds"])
        if fault["kind"] != "kill" and kind not in kinds:
            kinds.append(kind)
    for name in services:
        if ("freeze", name, 10) not in kinds:
            kinds.append(("freeze", name, 10))
    burst, at = [], now() + 1
    for kind, target, seconds in kinds:
        burst.append({"start": at, "kind": kind, "target": target, "seconds": seconds})
        at += seconds + 15
    log(f"fresh processes: one fault of each kind under load ({len(burst)}), as the run's faults did")
    thread = threading.Thread(target=apply_faults,
                              args=(burst, services, postgres, proxies, threading.Event(), errors))
    thread.start()
    drive(ARGS.rate, at + 10, threading.Event())
    thread.join()
    return burst


def sample_rss(services, samples, caches, stop):
    while not stop.is_set():
        samples.append((now(), {name: service.rss_mib() for name, service in services.items()}))
        caches.append((now(), {name: service.heap_mib() for name, service in services.items()}))
        stop.wait(2)


def main():
    global ARGS
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=float, default=1800)
    parser.add_argument("--warmup", type=float, default=60)
    parser.add_argument("--quiet", type=float, default=30, help="seconds without faults at the end")
    parser.add_argument("--gap", type=float, default=60, help="seconds between a fault's end and the next")
    parser.add_argument("--rate", type=float, default=40)
    parser.add_argument("--short", action="store_true")
    parser.add_argument("--backend", choices=["postgres", "aws"], default="postgres")
    parser.add_argument("--work", required=True)
    parser.add_argument("--bin", required=True)
    parser.add_argument("--mcap", required=True)
    parser.add_argument("--report", required=True, help="folder for the report (json, markdown, plots)")
    ARGS = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    env_dir = os.path.join(ARGS.work, "env")

    services = {}
    for name in SERVICES:
        env = {k: v for k, v in os.environ.items() if not k.startswith("SORA_")}
        with open(os.path.join(env_dir, f"{name}.env")) as lines:
            for line in lines:
                key, _, value = line.rstrip("\n").partition("=")
                if key:
                    env[key] = value.replace("\\n", "\n")
        services[name] = Service(name, os.path.join(ARGS.bin, name), env,
                                 os.path.join(ARGS.work, f"{name}.log"))
    postgres = Postgres(os.environ["SOAK_PG_BINDIR"], os.environ["SOAK_PGDATA"], int(os.environ["SOAK_PG_PORT"]),
                        os.environ.get("SOAK_PG_USER") or None,
                        os.path.join(os.path.dirname(os.environ["SOAK_PGDATA"]), "postgres.log"))
    proxies = {}
    if ARGS.backend == "aws":
        moto = int(os.environ["SOAK_MOTO_PORT"])
        proxies = {"sqs": Proxy(int(os.environ["SOAK_SQS_PORT"]), moto),
                   "s3": Proxy(int(os.environ["SOAK_S3_PORT"]), moto)}

    for service in services.values():
        service.start()
        threading.Thread(target=service.watch, daemon=True).start()
    for name, service in services.items():
        for _ in range(300):
            if service.ready():
                break
            time.sleep(0.2)
        else:
            raise SystemExit(f"soak: {name} did not become ready")
    log("services ready")
    result = {}
    try:
        setup()
        stop = threading.Event()
        rss, caches = [], []
        sampling = threading.Event()
        threading.Thread(target=sample_rss, args=(services, rss, caches, sampling), daemon=True).start()
        faults = schedule(ARGS)
        start = now()
        for fault in faults:
            fault["start"] += start
        errors = []
        fault_thread = threading.Thread(target=apply_faults,
                                        args=(faults, services, postgres, proxies, stop, errors))
        fault_thread.start()
        log(f"load: {ARGS.rate} operations/s for {ARGS.duration:.0f} s, {len(faults)} faults")
        skipped = drive(ARGS.rate, start + ARGS.duration, stop)
        fault_thread.join()
        load_end = now()
        log("load stopped; waiting for every queue to drain")
        drained = drain(postgres, services, ARGS.backend)
        stop.set()
        # Memory: the processes that lived through the run against fresh
        # ones on the same (grown) data, after the same warm-up. The data
        # grows during a soak, so RSS at the start is not the yardstick.
        # Both are measured with no client connection left open.
        close_connections()
        end_rss = settled(services, limit=30 if ARGS.short else 120)
        restarts = {name: service.restarts for name, service in services.items()}
        log("restarting every service on the final data, to compare memory with fresh processes")
        for service in services.values():
            service.restart()
        drive(ARGS.rate, now() + ARGS.warmup, threading.Event())
        if not ARGS.short:
            faults += fresh_burst(services, postgres, proxies, errors)
        drain(postgres, services, ARGS.backend)
        close_connections()
        fresh_rss = settled(services, limit=30 if ARGS.short else 120)
        sampling.set()
        result = check(postgres, services, ARGS, faults, rss, start, load_end, skipped, drained,
                       (end_rss, fresh_rss, restarts))
        result["heap"] = [(round(t, 1), {k: v and {f: x and round(x, 2) for f, x in v.items()} for k, v in s.items()})
                          for t, s in caches]
        result["failures"] += errors
    finally:
        for service in services.values():
            service.stop()
    import report  # noqa: PLC0415 - matplotlib is loaded only when there is something to draw
    report.write(result, RECORDER.rows, ARGS.report, ARGS.backend)
    failures = result["failures"]
    for failure in failures:
        print(f"soak: FAILED: {failure}", file=sys.stderr)
    return 1 if failures else 0


def sqs_client():
    import boto3  # noqa: PLC0415 - only the AWS configuration needs it

    return boto3.client("sqs", endpoint_url=f"http://127.0.0.1:{os.environ['SOAK_MOTO_PORT']}",
                        region_name="us-east-1", aws_access_key_id="soak", aws_secret_access_key="soak")


def routed_types(postgres, backend):
    """The event types some queue subscribes to; the others wait in their
    outbox for a subscriber (SORA_EVENTS__UNROUTED_RETENTION_SECS)."""
    if backend == "postgres":
        return {r[0] for r in postgres.sql("SELECT DISTINCT event_type FROM bus.subscriptions")}
    sqs = sqs_client()
    types = set()
    for url in sqs.list_queues(QueueNamePrefix="soak-").get("QueueUrls", []):
        tags = sqs.list_queue_tags(QueueUrl=url).get("Tags", {})
        types |= {key.split(":", 1)[1] for key in tags if key.startswith("subscribes:")}
    return types


def outbox_counts(postgres):
    counts = collections.Counter()
    for schema in ("file_server", "feedback", "admin", "recommendation"):
        for event_type, count in postgres.sql(f"SELECT event_type, count(*) FROM {schema}.outbox GROUP BY 1"):
            counts[event_type] += int(count)
    return counts


def drain(postgres, services, backend, seconds=180):
    """Seconds until every outbox (of routed events) and queue is empty, or
    None if that never happened."""
    started = now()
    while now() - started < seconds:
        try:
            routed = routed_types(postgres, backend)
            backlog = sum(n for t, n in outbox_counts(postgres).items() if t in routed)
            if backend == "postgres":
                backlog += int(postgres.sql("SELECT count(*) FROM bus.messages")[0][0])
            else:
                backlog += queue_depth_aws()
        except Exception as error:  # noqa: BLE001 - a server still recovering; asked again
            log(f"drain: {error!r}")
            backlog = -1
        if backlog == 0:
            return round(now() - started, 1)
        time.sleep(1)
    return None


def queue_depth_aws(dead=False):
    """Messages in the soak's SQS queues (or their dead-letter queues), asked
    of the SQS server itself, not through the proxy."""
    sqs = sqs_client()
    total = 0
    for url in sqs.list_queues(QueueNamePrefix="soak-").get("QueueUrls", []):
        if url.endswith("-dlq") != dead:
            continue
        attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=[
            "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"])["Attributes"]
        total += sum(int(v) for v in attributes.values())
    return total


def check(postgres, services, args, faults, rss, start, load_end, skipped, drained, memory_at_end):
    failures = []
    sql = postgres.sql
    ledger = {}

    def account(kind, acked, found_counts, unknown=()):
        keys = [json.dumps(a) if isinstance(a, list) else a for a in acked]
        lost = [k for k in keys if found_counts.get(k, 0) == 0]
        duplicated = [k for k in keys if found_counts.get(k, 0) > 1]
        unknown_found = sum(1 for u in unknown if found_counts.get(u, 0) >= 1)
        ledger[kind] = {"acknowledged": len(keys), "found": len(keys) - len(lost), "lost": len(lost),
                        "duplicated": len(duplicated), "unanswered": len(unknown),
                        "unanswered_found": unknown_found}
        if lost:
            failures.append(f"{kind}: {len(lost)} acknowledged writes lost, e.g. {lost[:3]}")
        if duplicated:
            failures.append(f"{kind}: {len(duplicated)} duplicated, e.g. {duplicated[:3]}")

    # Publishes: the version is there, once, and so is its audit entry.
    rows = sql("SELECT extension_id, version FROM file_server.extension_versions WHERE extension_id LIKE 'soak.%'")
    counts = collections.Counter(json.dumps([e, v]) for e, v in rows)
    account("extension versions published", LEDGER.acked["publish"], counts,
            [json.dumps(u) for u in LEDGER.unknown["publish"]])
    audit = collections.Counter((a, s) for a, s in sql("SELECT action, subject_id FROM admin.audit_log"))
    account("audit: extension.published", LEDGER.acked["publish"],
            {json.dumps([e, v]): audit[("extension.published", f"{e}@{v}")] for e, v in LEDGER.acked["publish"]})

    layouts = collections.Counter(r[0] for r in sql("SELECT id::text FROM file_server.layouts"))
    account("layouts published", [i for i, _ in LEDGER.acked["layout"]], layouts)
    account("audit: layout.published", [i for i, _ in LEDGER.acked["layout"]],
            {i: audit[("layout.published", i)] for i, _ in LEDGER.acked["layout"]})

    yanked = collections.Counter(json.dumps([e, v]) for e, v in sql(
        "SELECT extension_id, version FROM file_server.extension_versions WHERE yanked"))
    account("versions yanked", LEDGER.acked["yank"], yanked)
    account("audit: extension.yanked", LEDGER.acked["yank"],
            {json.dumps([e, v]): audit[("extension.yanked", f"{e}@{v}")] for e, v in LEDGER.acked["yank"]})

    # Hidden: the last acknowledged value stands unless a later change got no answer.
    hidden_now = dict(sql("SELECT id, hidden::text FROM file_server.extensions WHERE id LIKE 'soak.%'"))
    last = {}
    for ext, value, at in sorted(LEDGER.acked["hide"] + [[e, None, t] for e, _, t in LEDGER.unknown["hide"]],
                                 key=lambda r: r[2]):
        last[ext] = value
    wrong = [e for e, v in last.items() if v is not None and hidden_now.get(e) != str(v).lower()]
    ledger["hidden flags"] = {"acknowledged": len(LEDGER.acked["hide"]), "checked": len(last), "wrong": len(wrong)}
    if wrong:
        failures.append(f"hidden flags: {wrong} do not hold the last acknowledged value")

    feedback = collections.Counter(r[0] for r in sql(
        "SELECT event_id::text FROM feedback.events WHERE app_version = 'soak'"))
    account("feedback events", LEDGER.acked["feedback"], feedback, LEDGER.unknown["feedback"])

    users = collections.Counter(r[0] for r in sql("SELECT id::text FROM admin.users"))
    account("users created", [i for i, _ in LEDGER.acked["user"]], users)
    account("audit: user.created", [i for i, _ in LEDGER.acked["user"]],
            {i: audit[("user.created", i)] for i, _ in LEDGER.acked["user"]})

    team = dict(sql("SELECT id::text, (data->>'n') FROM file_server.team_layouts"))
    account("team layouts saved", [i for i, _ in LEDGER.acked["team_layout"]],
            {i: 1 for i in team})
    updates = collections.defaultdict(list)
    for server_id, n in LEDGER.acked["team_update"]:
        updates[server_id].append(n)
    unknown_updates = collections.defaultdict(list)
    for server_id, n in LEDGER.unknown["team_update"]:
        unknown_updates[server_id].append(n)
    stale = []
    for server_id, ns in updates.items():
        latest = max(ns)
        later_unknown = [n for n in unknown_updates[server_id] if n > latest]
        if str(latest) != team.get(server_id) and str(max(later_unknown, default=-1)) != team.get(server_id):
            stale.append(server_id)
    ledger["team layout updates"] = {"acknowledged": len(LEDGER.acked["team_update"]),
                                     "layouts": len(updates), "not at their last acknowledged change": len(stale)}
    if stale:
        failures.append(f"team layout updates: {len(stale)} layouts lost an acknowledged change")

    # Downloads: acknowledged whole downloads against file-server's counts.
    counted = {(e, v): int(c) for e, v, c in sql(
        "SELECT item_id, version, sum(count) FROM file_server.downloads_daily "
        "WHERE kind = 'extension' AND item_id LIKE 'soak.%' GROUP BY 1, 2")}
    acked_downloads = sum(LEDGER.downloads.values())
    counted_total = sum(counted.get(k, 0) for k in LEDGER.downloads)
    over = sum(max(0, counted.get(k, 0) - n) for k, n in LEDGER.downloads.items())
    ledger["downloads"] = {"acknowledged": acked_downloads, "counted": counted_total,
                           "not counted": acked_downloads - counted_total + over, "counted twice": over}
    if over:
        failures.append(f"downloads: {over} counted more often than they were served")

    # Stuck events: outboxes and queues empty; dead letters listed.
    if drained is None:
        failures.append("events: outboxes or queues did not drain within 180 s")
    if args.backend == "postgres":
        dead = int(sql("SELECT count(*) FROM bus.dead_letters")[0][0])
    else:
        dead = queue_depth_aws(dead=True)
    if dead:
        failures.append(f"events: {dead} dead letters")
    routed = routed_types(postgres, args.backend)
    parked = {t: n for t, n in outbox_counts(postgres).items() if t not in routed}

    # Requests: 5xx outside the fault windows, and inside them only 503 with Retry-After.
    windows = [(f["started"], f["recovered"] + 2, set(affected(f))) for f in faults if "recovered" in f]
    rows = [r for r in RECORDER.rows if start <= r[0] <= load_end]
    outside_errors, inside_bad, inside_503, inside_unanswered = [], [], 0, 0
    for started, route, status, seconds, retry_after, service in rows:
        # A request in flight when a fault began is in its window too.
        in_window = any(started <= b and started + seconds >= a for a, b, _ in windows)
        failed = status == 0 or status >= 500
        if not failed:
            continue
        if not in_window:
            outside_errors.append((round(started, 1), route, status))
        elif status == 0:
            inside_unanswered += 1
        elif status == 503 and retry_after:
            inside_503 += 1
        else:
            inside_bad.append((round(started, 1), route, status))
    if outside_errors:
        failures.append(f"{len(outside_errors)} failed requests outside the fault windows, e.g. {outside_errors[:5]}")
    if inside_bad:
        failures.append(f"{len(inside_bad)} answers other than 503 + Retry-After in fault windows, "
                        f"e.g. {inside_bad[:5]}")

    # Memory: a process's private memory (RssAnon) at the end of the run
    # within 10 % of a fresh process's on the same data after the same
    # warm-up and one fault of each kind under load (`fresh_burst`), both net of what
    # their bounded caches hold. RSS also counts
    # the executable's pages, which fill in as code paths (a reconnection,
    # an error) run for the first time, and a cache that filled during the
    # run is not a leak: a fresh process has not had the time to fill it.
    end_rss, fresh_rss, restarts = memory_at_end
    memory = {}
    warm = [s for t, s in rss if start + args.warmup <= t <= load_end]
    for name in SERVICES:
        values = [s[name] for s in warm if s.get(name)]
        (end, end_heap), (fresh, fresh_heap) = end_rss.get(name, (None, {})), fresh_rss.get(name, (None, {}))
        if values and end and fresh and end_heap.get("anon") and fresh_heap.get("anon"):
            end_net = end_heap["anon"] - (end_heap.get("cache") or 0)
            fresh_net = fresh_heap["anon"] - (fresh_heap.get("cache") or 0)
            rounded = lambda x: x if x is None else round(x, 1)  # noqa: E731
            memory[name] = {"after_warmup_mib": round(values[0], 1), "max_mib": round(max(values), 1),
                            "end_mib": round(end, 1), "fresh_mib": round(fresh, 1),
                            "end_anon_mib": rounded(end_heap["anon"]), "fresh_anon_mib": rounded(fresh_heap["anon"]),
                            "end_cache_mib": rounded(end_heap.get("cache")),
                            "fresh_cache_mib": rounded(fresh_heap.get("cache")),
                            "end_allocated_mib": rounded(end_heap.get("allocated")),
                            "fresh_allocated_mib": rounded(fresh_heap.get("allocated")),
                            "end_resident_mib": rounded(end_heap.get("resident")),
                            "fresh_resident_mib": rounded(fresh_heap.get("resident")),
                            "end_threads": end_heap.get("threads"), "fresh_threads": fresh_heap.get("threads"),
                            "change_pct": round(100 * (end_net - fresh_net) / fresh_net, 1),
                            "restarts": restarts[name]}
            if not args.short and abs(memory[name]["change_pct"]) > 10:
                failures.append(f"memory: {name} ended the run with {end_net:.1f} MiB of private memory net of its "
                                f"caches, a fresh process on the same data with {fresh_net:.1f} MiB "
                                f"({memory[name]['change_pct']} %)")

    not_recovered = [f for f in faults if any(v is None for v in f.get("recovery", {}).values())]
    if not_recovered:
        failures.append(f"{len(not_recovered)} faults after which a service never answered /ready")
    return {"args": vars(args), "start": start, "load_end": load_end, "skipped": skipped, "drained_s": drained,
            "dead_letters": dead, "parked": parked, "ledger": ledger, "faults": faults, "memory": memory,
            "rss": [(round(t, 1), {k: v and round(v, 1) for k, v in s.items()}) for t, s in rss],
            "requests": {"total": len(rows), "failed_outside": len(outside_errors), "in_windows_503": inside_503,
                         "in_windows_unanswered": inside_unanswered, "in_windows_other": len(inside_bad)},
            "failures": failures}


if __name__ == "__main__":
    sys.exit(main())

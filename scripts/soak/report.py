"""The soak's report: per configuration a JSON result and two plots
(latency and throughput per route over time, RSS per service over time), and
docs/soak.md gathering every configuration that ran."""

import collections
import json
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402 - the backend is chosen first

BUCKET = 10.0  # seconds per point
ROUTES_PLOTTED = ["GET /api/extensions", "GET download", "POST /api/feedback", "POST /api/recommendations",
                  "POST /api/extensions", "PUT lichtblick layout", "login", "POST /api/admin/users"]


def percentile(values, q):
    values = sorted(values)
    if not values:
        return None
    return values[min(len(values) - 1, int(q * len(values)))]


def series(rows, start, end):
    """Per route: [(t, requests/s, p50 ms, p99 ms)] in BUCKET-second steps."""
    buckets = collections.defaultdict(lambda: collections.defaultdict(list))
    for started, route, status, seconds, _, _ in rows:
        if start <= started <= end:
            buckets[route][int((started - start) // BUCKET)].append((status, seconds))
    out = {}
    for route, by_bucket in buckets.items():
        points = []
        for index in sorted(by_bucket):
            answered = [s for status, s in by_bucket[index] if status]
            points.append((index * BUCKET, len(by_bucket[index]) / BUCKET,
                           round(1000 * percentile(answered, 0.5), 1) if answered else None,
                           round(1000 * percentile(answered, 0.99), 1) if answered else None))
        out[route] = points
    return out


def totals(rows, start, end):
    by_route = collections.defaultdict(list)
    for started, route, status, seconds, _, _ in rows:
        if start <= started <= end:
            by_route[route].append((status, seconds))
    out = {}
    for route, answers in sorted(by_route.items()):
        answered = [s for status, s in answers if status]
        out[route] = {"requests": len(answers), "per_s": round(len(answers) / (end - start), 2),
                      "p50_ms": round(1000 * percentile(answered, 0.5), 1) if answered else None,
                      "p99_ms": round(1000 * percentile(answered, 0.99), 1) if answered else None,
                      "errors": sum(1 for status, _ in answers if status == 0 or status >= 500)}
    return out


def shade(axes, result):
    for fault in result["faults"]:
        if "started" in fault:
            for ax in axes:
                ax.axvspan(fault["started"] - result["start"], fault["recovered"] - result["start"],
                           color="tab:red", alpha=0.12, lw=0)


def write(result, rows, folder, backend):
    start, end = result["start"], result["load_end"]
    result["routes"] = totals(rows, start, end)
    over_time = series(rows, start, end)
    os.makedirs(os.path.join(folder, "soak"), exist_ok=True)

    fig, (top, middle, bottom) = plt.subplots(3, 1, figsize=(11, 10), sharex=True)
    for route in ROUTES_PLOTTED:
        points = over_time.get(route)
        if not points:
            continue
        t = [p[0] for p in points]
        top.plot(t, [p[1] for p in points], label=route, lw=1)
        middle.plot(t, [p[2] for p in points], label=route, lw=1)
        bottom.plot(t, [p[3] for p in points], label=route, lw=1)
    top.set_ylabel("requests/s")
    middle.set_ylabel("p50 (ms)")
    bottom.set_ylabel("p99 (ms)")
    middle.set_yscale("log")
    bottom.set_yscale("log")
    bottom.set_xlabel("seconds since the load started (red: a fault until every service is ready)")
    top.legend(fontsize=7, ncol=4, loc="upper center", bbox_to_anchor=(0.5, 1.35))
    shade((top, middle, bottom), result)
    fig.tight_layout()
    fig.savefig(os.path.join(folder, "soak", f"{backend}-routes.png"), dpi=80)
    plt.close(fig)

    fig, (ax, private) = plt.subplots(2, 1, figsize=(11, 6.5), sharex=True, height_ratios=(1, 1))
    heap = result.get("heap", [])
    for name in ("file-server", "feedback-api", "admin-api", "recommendation"):
        points = [(t - start, s[name]) for t, s in result["rss"] if s.get(name) and t >= start]
        line, = ax.plot([p[0] for p in points], [p[1] for p in points], label=name, lw=1)
        # Sampled in the same loop as the RSS: the process's private memory
        # net of its bounded caches, and what its allocator counts as live.
        figures = [(t - start, h[name]) for t, h in heap if h.get(name) and h[name].get("anon") and t >= start]
        net = [(t, f["anon"] - (f.get("cache") or 0)) for t, f in figures]
        live = [(t, f["allocated"]) for t, f in figures if f.get("allocated") is not None]
        private.plot([p[0] for p in net], [p[1] for p in net], lw=1, color=line.get_color(), label=name)
        private.plot([p[0] for p in live], [p[1] for p in live], lw=1, ls=":", color=line.get_color())
    ax.set_ylabel("RSS (MiB)")
    ax.legend(fontsize=8, ncol=4)
    private.set_ylabel("private memory (MiB)")
    private.set_title("solid: private memory (RssAnon) net of bounded caches; dotted: jemalloc's live heap",
                      fontsize=9)
    private.set_xlabel("seconds since the load started (red: faults)")
    shade((ax, private), result)
    fig.tight_layout()
    fig.savefig(os.path.join(folder, "soak", f"{backend}-rss.png"), dpi=80)
    plt.close(fig)

    with open(os.path.join(folder, "soak", f"{backend}.json"), "w") as out:
        json.dump(result, out, indent=1)


def under_load(result, name):
    """The service's private memory under load: the median of the run's
    middle third and of its last third (MiB), leaving out the two minutes
    after each restart of it, and the change between them. Creep shows
    here; what a process keeps at its peak does not."""
    start, end = result["start"], result["load_end"]
    third = (end - start) / 3
    restarts = [f["start"] for f in result.get("faults", []) if f["kind"] == "kill" and f["target"] == name]

    def median(low, high):
        values = sorted(h[name]["anon"] - (h[name].get("cache") or 0)
                        for t, h in result.get("heap", [])
                        if low <= t < high and h.get(name) and h[name].get("anon") is not None
                        and not any(0 <= t - r < 120 for r in restarts))
        return values[len(values) // 2] if values else None

    middle, last = median(start + third, start + 2 * third), median(start + 2 * third, end)
    if middle is None or last is None:
        return None
    return round(middle, 1), round(last, 1), round(100 * (last - middle) / middle, 1)


def creep_text(result, name):
    figures = under_load(result, name)
    if figures is None:
        return "—"
    middle, last, change = figures
    return f"{middle} → {last} ({change:+} %)"


def markdown(folder):
    lines = ["# Soak under faults", "",
             "Regenerated by `make soak` (scripts/soak.sh, scripts/soak/soak.py): the four services, built",
             "for release, under a steady mix of requests while faults arrive on a schedule; every",
             "acknowledged write is looked for afterwards, in the databases and through the APIs. A",
             "3-minute run with fewer faults is part of `make test` and fails on any acknowledged",
             "write lost or duplicated.", "",
             "Faults: SIGKILL of a service (the soak restarts it after 1 s, as Kubernetes would),",
             "SIGSTOP/SIGCONT for 10 s (a frozen pod), PostgreSQL stopped for 15 s (`pg_ctl -m fast`),",
             "PostgreSQL crashed and restarted (`-m immediate`), and in the AWS configuration the SQS",
             "endpoint cut for 30 s and the S3 endpoint for 15 s (a proxy that refuses connections).",
             "A fault's window lasts until every service it touched answers `/ready` again; 2 s after",
             "that, any failed request counts against the run.", ""]
    for backend, title in (("postgres", "`make run`'s configuration: PostgreSQL event bus, filesystem store"),
                           ("aws", "AWS configuration: SQS and S3 (moto on loopback)")):
        path = os.path.join(folder, "soak", f"{backend}.json")
        if not os.path.exists(path):
            continue
        result = json.load(open(path))
        args = result["args"]
        lines += [f"## {title}", "",
                  f"{args['duration']:.0f} s at {args['rate']:.0f} operations/s "
                  f"({result['requests']['total']} requests; {result['skipped']} operations skipped because "
                  f"300 were already waiting), {len(result['faults'])} faults. Outboxes and queues empty "
                  f"{result['drained_s']} s after the load stopped; dead letters: {result['dead_letters']}; "
                  f"events no queue subscribes to, waiting in their outbox for one (by design, an hour): "
                  f"{result['parked'] or 'none'}.", "",
                  "**Result: " + ("passed" if not result["failures"] else "FAILED") + "**", ""]
        for failure in result["failures"]:
            lines.append(f"- {failure}")
        if result["failures"]:
            lines.append("")
        lines += ["### Ledger", "", "| Writes | Acknowledged | Found | Lost | Duplicated | Unanswered (found) |",
                  "|---|---:|---:|---:|---:|---:|"]
        for kind, entry in result["ledger"].items():
            if "lost" in entry:
                lines.append(f"| {kind} | {entry['acknowledged']} | {entry['found']} | {entry['lost']} | "
                             f"{entry['duplicated']} | {entry['unanswered']} ({entry['unanswered_found']}) |")
        for kind, entry in result["ledger"].items():
            if "lost" not in entry:
                lines.append(f"| {kind} | " + ", ".join(f"{k}: {v}" for k, v in entry.items()) + " | | | | |")
        lines += ["", "Unanswered: writes whose request got no answer (a timeout, a cut connection); each may",
                  "or may not have happened, and none may be there twice. Feedback is retried with the",
                  "same event ids, as clients do. Downloads are counted in memory and written every",
                  "250 ms (docs/decisions.md, \"Downloads counted\"): a SIGKILL of file-server loses the",
                  "counts of the interval it interrupts, so \"not counted\" is bounded by the kills of",
                  "file-server times 250 ms of downloads; a count higher than what was served fails the run.", ""]
        lines += ["### Faults and recovery", "", "| At (s) | Fault | Seconds to `/ready` after it ended |",
                  "|---:|---|---|"]
        for fault in result["faults"]:
            if "started" not in fault:
                continue
            recovery = ", ".join(f"{k} {v if v is not None else 'never'}" for k, v in fault["recovery"].items())
            what = f"{fault['kind']} {fault['target']}" + (f" {fault['seconds']} s" if fault["seconds"] else "")
            lines.append(f"| {fault['started'] - result['start']:.0f} | {what} | {recovery} |")
        requests = result["requests"]
        lines += ["", f"Failed requests outside the fault windows: {requests['failed_outside']}. Inside them: "
                      f"{requests['in_windows_503']} answered 503 with Retry-After, "
                      f"{requests['in_windows_unanswered']} got no answer (the service was killed or frozen), "
                      f"{requests['in_windows_other']} answered otherwise.", ""]
        lines += ["### Memory", "",
                  "The data grows during the run (every publish, layout and user stays), so a process's",
                  "memory at the end is compared with a fresh process's on the same data: after the run",
                  "each service is restarted and driven with the same mix for the warm-up's length, then",
                  "through one fault of each kind short of a kill, under load: a freeze of each service,",
                  "PostgreSQL stopped and crashed, and in the AWS configuration the bus and the store cut",
                  "(as the run's faults did to the processes that end it). Both are read with no client connection open, once their private memory has",
                  "stopped falling (within 0.25 MiB over 12 s: jemalloc returns freed pages over its",
                  "10 s decay, so a reading at a fixed time catches each process at another point of it). The",
                  "figure compared is private memory (`RssAnon`), net of what the service's bounded caches",
                  "hold (its `cache_bytes` gauges). RSS also counts the executable's own pages, which fill",
                  "in as code paths (a reconnection, an error) run for the first time, and a cache that",
                  "filled during the run is not a leak. jemalloc's live heap (`allocator_bytes`) is shown",
                  "beside it: a leak grows it; memory the allocator keeps from a burst does not. What",
                  "jemalloc holds resident, and the process's threads (each with its stack), tell where",
                  "private memory beyond the live heap is. Under load, the median private memory of",
                  "the run's middle third is compared with its last third (leaving out two minutes after",
                  "each restart): memory that creeps shows there, state kept at its peak does not. State",
                  "that follows the data grows there too (file-server's catalog and the recommender's index",
                  "hold what the run publishes); the fresh process on the same data tells that apart.", "",
                  "Why one fault of each kind: requests a fault piles up are served at once when it ends,",
                  "and actix-web keeps a pool of up to 128 requests per worker, each holding the head of",
                  "the last request it served, whose header values share the read buffer of that request's",
                  "connection (8 to 64 KiB). The more requests a fault piles up, the more of those buffers",
                  "stay, bounded by 128 per worker. A 15 s PostgreSQL stop piles more requests on",
                  "feedback-api (they wait for the database) than a 10 s freeze of it: against a fresh",
                  "process that had only been frozen, a heap profile of feedback-api (jemalloc's `prof`,",
                  "end against fresh, 700 s runs) put its extra live heap (8.8 against 7.3 MiB, 18.8 %",
                  "more private memory) in buffers allocated by actix-http's h1 dispatcher (1.1 against",
                  "0.1 MiB), with no client connection open in either process; a fresh process that also",
                  "lived through a PostgreSQL stop and crash held the same live heap as the run's (7.9 and",
                  "7.9 MiB, private memory +9.3 %).", "",
                  "| Service | RSS end / fresh (MiB) | Private end / fresh | Caches end / fresh | "
                  "Live heap end / fresh | jemalloc resident end / fresh | Threads end / fresh | "
                  "End vs fresh (private, net of caches) | Under load: middle → last third | Max RSS | "
                  "Restarts |",
                  "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
        if any("end_anon_mib" not in entry for entry in result["memory"].values()):
            lines += ["", "This run predates the comparison of private memory: its \"End vs fresh\" column",
                      "compares RSS (and its failures say so).", ""]
        for name, entry in result["memory"].items():
            pair = lambda key, entry=entry: (f"{entry.get('end_' + key, '—')} / "  # noqa: E731
                                             f"{entry.get('fresh_' + key, '—')}")
            lines.append(f"| {name} | {pair('mib')} | {pair('anon_mib')} | {pair('cache_mib')} | "
                         f"{pair('allocated_mib')} | {pair('resident_mib')} | {pair('threads')} | "
                         f"{entry['change_pct']} % | {creep_text(result, name)} | {entry['max_mib']} | "
                         f"{entry['restarts']} |")
        lines += ["", f"![RSS per service](soak/{backend}-rss.png)", "",
                  "### Routes", "", "| Route | Requests | Per second | p50 (ms) | p99 (ms) | Failed |",
                  "|---|---:|---:|---:|---:|---:|"]
        for route, entry in result["routes"].items():
            lines.append(f"| {route} | {entry['requests']} | {entry['per_s']} | {entry['p50_ms']} | "
                         f"{entry['p99_ms']} | {entry['errors']} |")
        lines += ["", f"![Throughput and latency per route](soak/{backend}-routes.png)", ""]
    with open(os.path.join(folder, "soak.md"), "w") as out:
        out.write("\n".join(lines))

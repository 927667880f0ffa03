#!/usr/bin/env python3
"""Renders side_by_side.py's results (and the event figures) as
docs/benchmarks.md: one table, with Sora's throughput as ratios to the peer
and to nginx measured in the same run, errors and memory per row.

usage: report.py RESULTS_JSON EVENTS_MARKDOWN_OR_EMPTY NOTES_MD > docs/benchmarks.md
"""

import json
import subprocess
import sys
import time


def ratio(sora, other):
    if not other or not other.get("rps"):
        return "—"
    return f"{sora['rps'] / other['rps']:.2f}×"


def cell(result, field, fmt="{:,.0f}"):
    if not result:
        return "—"
    return fmt.format(result[field])


def errors(result):
    if not result:
        return "—"
    return str(result["errors"])


def memory(result):
    if not result:
        return "—"
    return f"{result['rss_mib']:.0f} / {result.get('peak_rss_mib', 0):.0f}"


def feedback_table(rows, year):
    if not rows and not year:
        return
    print()
    print("## Feedback ingestion")
    print()
    print("`POST /api/feedback` with the peer's 10-event body (its times moved to the last")
    print("minutes) and with its rating event alone (comment redacted and encrypted), from one")
    print("address, no `event_id`s (every event is new). Sora's rate limiter is on with a quota")
    print("it never reaches, so its cost is in the figures; the peer has none. Sora answers 202")
    print("only after its group commit; the peer after its own transaction. Events/s = 2xx")
    print("answers/s × events per request.")
    print()
    print("| body | conns | peer events/s | Sora events/s | Sora/peer | p50 / p99 ms peer | "
          "p50 / p99 ms Sora | errors peer / Sora | RSS MiB after / peak: peer; Sora |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for row in rows:
        peer, sora, n = row.get("peer"), row.get("sora"), row["events_per_request"]
        events = lambda r: f"{r['rps'] * n:,.0f}" if r else "—"
        print(
            f"| {row['scenario'].removeprefix('feedback, ')} | {row['connections']:,} "
            f"| {events(peer)} | {events(sora)} | {ratio(sora, peer)} "
            f"| {peer['p50_ms']} / {peer['p99_ms']} | {sora['p50_ms']} / {sora['p99_ms']} "
            f"| {errors(peer)} / {errors(sora)} | {memory(peer)}; {memory(sora)} |"
        )
    if year:
        sora = year["sora"]
        print()
        print(f"A year of roll-ups ({year['feedback_total']:,} feedback events, "
              f"{year['downloads']:,} downloads, {year['unique_installs']:,} unique installs): "
              f"`GET /api/stats/summary` over those 365 days, one caller at a time — "
              f"p50 {sora['p50_ms']} ms, p99 {sora['p99_ms']} ms, {sora['rps']:,.0f} req/s, "
              f"{sora['errors']} errors.")


def index_cost(by_indexes):
    """What the moderation indexes cost ingestion: the 10-event rows with
    each set of them, measured one after the other in the same run, against
    the same rows with none."""
    if not by_indexes:
        return
    print()
    print("What the moderation indexes cost ingestion: the 10-event rows again with each set of "
          "indexes, one after the other on the same table in this run (events/s, and the change against none).")
    print()
    print("| indexes | events/s, 64 conns | events/s, 256 conns | p99 ms (64 / 256) | errors | RSS MiB |")
    print("|---|---:|---:|---:|---:|---:|")
    sets = {}
    for row in by_indexes:
        sets.setdefault(tuple(row["indexes"]), {})[row["connections"]] = row
    bare = sets.get((), {})
    for names, by_conns in sets.items():
        cells, p99, errs, rss = [], [], [], []
        for conns in (64, 256):
            row = by_conns.get(conns)
            if not row:
                cells.append("—")
                continue
            sora, n = row["sora"], row["events_per_request"]
            cell = f"{sora['rps'] * n:,.0f}"
            if names and conns in bare:
                cell += f" ({100 * (sora['rps'] / bare[conns]['sora']['rps'] - 1):+.0f} %)"
            cells.append(cell)
            p99.append(str(sora["p99_ms"]))
            errs.append(errors(sora))
            rss.append(memory(sora))
        label = ", ".join(f"`{name}`" for name in names) or "none"
        print(f"| {label} | {cells[0]} | {cells[1]} | {' / '.join(p99)} | {' / '.join(errs)} "
              f"| {'; '.join(rss)} |")


def moderation_table(moderation):
    if not moderation:
        return
    print()
    print("## Moderation list at scale")
    print()
    print(f"`GET /api/feedback?per_page=20` (admin) over {moderation['events']:,} feedback events "
          f"spread over 90 day partitions (generated in {moderation['generated_s']:,} s, "
          f"indexed in {moderation.get('indexed_s', 0):,} s), 4 "
          "connections. Pages follow `next` (keyset over an index every partition carries); the "
          "count stops at 1,000. Generated events are indexed and vacuumed (as autovacuum leaves past "
          "days) before the pages are read. Target: p99 ≤ 100 ms a page.")
    print()
    print("| page | req/s | p50 ms | p99 ms | errors | RSS MiB after / peak |")
    print("|---|---:|---:|---:|---:|---:|")
    for row in moderation["rows"]:
        sora = row["sora"]
        print(f"| {row['scenario']} | {sora['rps']:,.0f} | {sora['p50_ms']} | {sora['p99_ms']} "
              f"| {errors(sora)} | {memory(sora)} |")


def recommendation_table(rows, uploads):
    if not rows and not uploads:
        return
    print()
    print("## Recommendations")
    print()
    print("`POST /api/recommendations` over a generated catalog of 10,000 items (8,000 layouts,")
    print("2,000 extensions; scripts/bench/catalog_10k.sql) with the features of a real recording")
    print("(rerun's rosbag2 fixture: 32 sensor_msgs topics), `limit` 10. Every answer is ranked")
    print("anew (there is no answer cache) and recorded (one row and one event per answer,")
    print("written in the background every 50 ms). The peer has no recommender: the baseline is")
    print("nginx answering the same bytes")
    print("as a static file, the cost of the HTTP exchange alone. Closed loop: each connection")
    print("sends its next request as soon as the answer comes (the service's ceiling, where")
    print("latency is queueing); then 64 connections offered 1,000 req/s (oha's latency")
    print("correction on). Target: p99 ≤ 10 ms at 64 connections.")
    print()
    print("| load | items | nginx req/s | Sora req/s | Sora/nginx | p50 / p99 ms nginx | "
          "p50 / p99 ms Sora | errors nginx / Sora | RSS MiB after / peak: nginx; Sora |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for row in rows:
        nginx, sora = row.get("nginx"), row.get("sora")
        load = f"{row['connections']:,} conns" + (
            f" at {row['rate']:,} req/s" if row.get("rate") else ", closed loop")
        print(
            f"| {load} | {row['items']:,} | {cell(nginx, 'rps')} | {cell(sora, 'rps')} "
            f"| {ratio(sora, nginx)} | {nginx['p50_ms']} / {nginx['p99_ms']} "
            f"| {sora['p50_ms']} / {sora['p99_ms']} | {errors(nginx)} / {errors(sora)} "
            f"| {memory(nginx)}; {memory(sora)} |"
        )
    if uploads:
        print()
        print("`POST /api/recommendations/from-mcap` with the largest fixture recordings, whole and")
        print("only their end (summary section and footer), 2 connections: MB/s of MCAP read (and")
        print("a recommendation made and recorded for each).")
        print()
        print("| recording | part | bytes | req/s | MB/s | p50 / p99 ms | errors | RSS MiB after / peak |")
        print("|---|---|---:|---:|---:|---:|---:|---:|")
        for upload in uploads:
            sora = upload["sora"]
            print(
                f"| {upload['file']} | {upload['part']} | {upload['bytes']:,} | {sora['rps']:,.0f} "
                f"| {sora['mb_per_s']} | {sora['p50_ms']} / {sora['p99_ms']} | {sora['errors']} "
                f"| {memory(sora)} |"
            )


def main():
    results = json.load(open(sys.argv[1]))
    events = open(sys.argv[2]).read() if len(sys.argv) > 2 and sys.argv[2] else ""
    notes = open(sys.argv[3]).read() if len(sys.argv) > 3 else ""
    cores = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
    print("# Benchmarks")
    print()
    print(f"Written by `make bench` ({time.strftime('%Y-%m-%dT%H:%MZ', time.gmtime())}) on {cores} cores.")
    print(f"Catalog: {results['extensions']} extensions × 2 versions of 1 MiB, the same in each system")
    print("(the peer's own seed, published to Sora through its API). Each server runs pinned to one")
    print("core with its database, oha pinned to the other; one system under load at a time,")
    print(f"back to back per row; {results['duration']} per run after a warm-up. Release builds,")
    print("default configuration (the access log records errors and slow requests). The machine")
    print("is shared and noisy: compare the ratios, measured in the same run, not the absolute")
    print("figures. Memory is the resident set after the run / its peak during the run.")
    print()
    print("| scenario | conns | peer req/s | nginx req/s | Sora req/s | Sora/peer | Sora/nginx "
          "| Sora p50 / p99 ms | errors peer / nginx / Sora | RSS MiB after / peak: peer; nginx; Sora |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for row in results["rows"]:
        peer, nginx, sora = row.get("peer"), row.get("nginx"), row.get("sora")
        print(
            f"| {row['scenario']} | {row['connections']:,} | {cell(peer, 'rps')} | {cell(nginx, 'rps')} "
            f"| {cell(sora, 'rps')} | {ratio(sora, peer)} | {ratio(sora, nginx)} "
            f"| {sora['p50_ms']} / {sora['p99_ms']} "
            f"| {errors(peer)} / {errors(nginx)} / {errors(sora)} "
            f"| {memory(peer)}; {memory(nginx)}; {memory(sora)} |"
        )
    kinds = {
        (row["scenario"], row["connections"], system): result["error_kinds"]
        for row in results["rows"] + (results.get("feedback") or [])
        + (results.get("recommendations") or [])
        for system, result in row.items()
        if isinstance(result, dict) and result.get("error_kinds")
    }
    if kinds:
        print()
        print("Errors by kind:")
        print()
        for (scenario, conns, system), kind in kinds.items():
            print(f"- {scenario}, {conns:,} connections, {system}: {kind}")
    feedback_table(results.get("feedback") or [], results.get("year"))
    index_cost(results.get("by_indexes"))
    moderation_table(results.get("moderation"))
    recommendation_table(results.get("recommendations") or [], results.get("uploads") or [])
    if events:
        print()
        print(events.rstrip())
    if notes:
        print()
        print(notes.rstrip())


if __name__ == "__main__":
    main()

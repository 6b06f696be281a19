#!/usr/bin/env python3
"""Prints one side-by-side table from two `conform bench --json` files (reference, peer).

usage: bench/compare-table.py DIR [WORKLOADS]

Reads DIR/reference-<workload>.json and DIR/peer-<workload>.json (written by bench/compare),
for each workload of the comma-separated WORKLOADS (default all, in the bench's order).

Ratios are written so that > 1 favours the reference server: reference/peer for rates,
peer/reference for times, memory and CPU costs. Disk floor rows (the disk alone, measured just before
each server's latency run) get no ratio.
"""
import json
import os
import sys

LOWER_IS_BETTER = ("latency", "ms", "µs", "KiB", "MiB", "time", "errors", "CPU")


def load(directory, name, workloads):
    """Merges DIR/<name>-<workload>.json into one report; None when there is none."""
    merged = None
    for workload in workloads:
        path = os.path.join(directory, "%s-%s.json" % (name, workload))
        if not os.path.exists(path):
            continue
        with open(path) as handle:
            report = json.load(handle)
        if merged is None:
            merged = report
        else:
            merged["results"] += report["results"]
    return merged


def rows(report):
    """(workload, figure) -> (value, unit), with status and latency percentiles as figures."""
    table = {}
    order = []
    for result in report["results"]:
        workload = result["workload"]

        def put(name, value, unit=""):
            key = (workload, name)
            if key not in table:
                order.append(key)
            table[key] = (value, unit)

        put("status", result["status"].upper())
        for figure in result["figures"]:
            put(figure["name"], figure["value"], figure["unit"])
        tally = result.get("tally")
        if tally:
            put("lost / duplicated / misdelivered", "%d / %d / %d" % (tally["lost"], tally["duplicated"], tally["misdelivered"]))
        for label, key in (("new_message latency", "deliveryLatency"), ("answer latency", "answerLatency"), ("join → all_messages", "joinLatency"),
                           ("disk floor latency", "diskFloorLatency")):
            latency = result.get(key)
            if latency and latency["count"] > 0:
                for percentile in ("p50", "p99", "p999", "max"):
                    put("%s %s" % (label, percentile), latency[percentile], "ms")
    return table, order


def number(value):
    if isinstance(value, str):
        return value
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return "%.3g" % value if abs(value) < 100 else "%.0f" % value


def main():
    if len(sys.argv) < 2:
        sys.stderr.write(__doc__)
        return 64
    workloads = (sys.argv[2] if len(sys.argv) > 2 else "fanout,latency,capacity,history,socket").split(",")
    reference = load(sys.argv[1], "reference", workloads)
    peer = load(sys.argv[1], "peer", workloads)
    if reference is None:
        sys.stderr.write("Error: no reference results in %s\n" % sys.argv[1])
        return 2
    ref_rows, order = rows(reference)
    peer_rows = rows(peer)[0] if peer else {}
    lines = [("workload", "figure", "reference", "python peer" if peer else "(no peer)", "ratio")]
    last_workload = None
    for key in order:
        workload, name = key
        value, unit = ref_rows[key]
        other = peer_rows.get(key, ("", ""))[0]
        ratio = ""
        # The disk floor measures the disk, not the server: no ratio.
        if isinstance(value, (int, float)) and isinstance(other, (int, float)) and value > 0 and other > 0 \
                and not name.startswith("disk floor"):
            favours_lower = any(marker in name or marker in unit for marker in LOWER_IS_BETTER) and "/s" not in unit
            ratio = "%.1f×" % ((other / value) if favours_lower else (value / other))
        suffix = (" " + unit) if unit and not isinstance(value, str) else ""
        lines.append((workload if workload != last_workload else "", name, number(value) + suffix,
                      (number(other) + suffix) if other != "" else "", ratio))
        last_workload = workload
    widths = [max(len(line[column]) for line in lines) for column in range(5)]
    print()
    print("machine: %s" % ", ".join("%s %s" % (k, v) for k, v in sorted(reference.get("machine", {}).items()) if k not in ("seed", "server pid")))
    print("date: %s" % reference.get("date", "?"))
    for index, line in enumerate(lines):
        print("  ".join(cell.ljust(widths[column]) for column, cell in enumerate(line)).rstrip())
        if index == 0:
            print("-" * (sum(widths) + 8))
    if peer is None:
        print("\n(the Python peer did not run: see the message above)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

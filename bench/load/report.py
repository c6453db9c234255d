#!/usr/bin/env python3
"""Turns the per-case wrk results of bench/load/run.sh into results JSON and a markdown table.

Targets (issue 2, Bulwark with deny patterns; issue 3, with the default detector set):
  throughput >= 40% of direct, p50 added latency < 1 ms, throughput >= 10x Portkey; with detection >= 35% of direct.
"""
import argparse
import datetime
import json
import os
import platform
import subprocess

TARGET_VS_DIRECT = 0.40
TARGET_ADDED_P50_MS = 1.0
TARGET_VS_PORTKEY = 10.0
TARGET_DETECT_VS_DIRECT = 0.35

LABELS = {
    "direct": "direct to the fake upstream",
    "bulwark": "Bulwark, 5 deny patterns, default logging",
    "bulwark-quiet": "Bulwark, 5 deny patterns, log level Warning",
    "bulwark-detect": "Bulwark, deny patterns + detection snippet",
    "portkey": "Portkey gateway",
    "floor": "Floor: bare Kestrel + HttpMessageInvoker forwarder",
}


def run(*cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, check=False, timeout=30).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return ""


def machine():
    cpu = ""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            cpu = next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), "")
    except OSError:
        pass
    with open("/proc/loadavg", encoding="utf-8") as f:
        load = " ".join(f.read().split()[:3])
    return {
        "cpu": cpu,
        "online_cpus": os.cpu_count(),
        "kernel": platform.release(),
        "load_average_at_end": load,
    }


def case_row(record):
    wrk = record["wrk"]
    seconds = wrk["duration_us"] / 1e6
    errors = sum(wrk["errors"].values())
    return {
        "target": record["target"],
        "kind": record["kind"],
        "connections": record["connections"],
        "round": record.get("round", 1),
        "requests": wrk["requests"],
        "seconds": round(seconds, 3),
        "requests_per_s": round(wrk["requests"] / seconds, 1),
        "p50_ms": wrk["p50_us"] / 1000,
        "p90_ms": wrk["p90_us"] / 1000,
        "p99_ms": wrk["p99_us"] / 1000,
        "max_ms": wrk["max_us"] / 1000,
        "errors": wrk["errors"],
        # CPU each server process used during the measured interval, per request (microseconds).
        "cpu_us_per_request": {
            name: round(ms * 1000 / wrk["requests"], 1) if wrk["requests"] else None
            for name, ms in record.get("cpu_ms", {}).items()
        },
        "valid": errors == 0,
    }


def median(values):
    ordered = sorted(values)
    return ordered[(len(ordered) - 1) // 2] if ordered else None


def median_cases(cases):
    """One case per (target, kind, connections): the round with the median throughput (the lower middle of an even count)."""
    groups = {}
    for c in cases:
        groups.setdefault((c["target"], c["kind"], c["connections"]), []).append(c)
    out = []
    for group in groups.values():
        ordered = sorted(group, key=lambda c: c["requests_per_s"])
        chosen = dict(ordered[(len(ordered) - 1) // 2])
        chosen["rounds"] = len(group)
        chosen["requests_per_s_range"] = [ordered[0]["requests_per_s"], ordered[-1]["requests_per_s"]]
        out.append(chosen)
    return out


def ratios(cases, loaded, light):
    """Throughput ratios from the loaded cases, round by round (a gateway round against the direct round just before
    it), then the median over the rounds; added latency from the light (unsaturated) cases, where it is the hop's own
    cost rather than queueing behind the other connections. The loaded difference is kept too."""
    by = {(c["target"], c["kind"], c["connections"], c["round"]): c for c in cases}
    rounds = sorted({c["round"] for c in cases})
    portkey_rounds = {c["round"] for c in cases if c["target"] == "portkey"}
    out = {}
    for kind in ("plain", "stream"):
        for target in ("floor", "bulwark", "bulwark-quiet", "bulwark-detect"):
            vs_direct, added, added_p99, added_loaded, vs_portkey = [], [], [], [], []
            for r in rounds:
                direct = by.get(("direct", kind, loaded, r))
                direct_light = by.get(("direct", kind, light, r))
                gateway = by.get((target, kind, loaded, r))
                gateway_light = by.get((target, kind, light, r))
                if gateway is None or direct is None or gateway_light is None or direct_light is None:
                    continue
                vs_direct.append(gateway["requests_per_s"] / direct["requests_per_s"])
                added.append(gateway_light["p50_ms"] - direct_light["p50_ms"])
                added_p99.append(gateway_light["p99_ms"] - direct_light["p99_ms"])
                added_loaded.append(gateway["p50_ms"] - direct["p50_ms"])
                for p in portkey_rounds:
                    portkey = by.get(("portkey", kind, loaded, p))
                    if portkey is not None:
                        vs_portkey.append(gateway["requests_per_s"] / portkey["requests_per_s"])
            if not vs_direct:
                continue
            entry = {
                "throughput_vs_direct": round(median(vs_direct), 3),
                "throughput_vs_direct_rounds": [round(v, 3) for v in vs_direct],
                "added_p50_ms": round(median(added), 3),
                "added_p99_ms": round(median(added_p99), 3),
                "added_p50_ms_loaded": round(median(added_loaded), 3),
            }
            if vs_portkey:
                entry["throughput_vs_portkey"] = round(median(vs_portkey), 1)
            out.setdefault(kind, {})[target] = entry
            if target == "floor":
                continue  # a reference, not Bulwark: no target applies
            vs_direct_target = TARGET_DETECT_VS_DIRECT if target == "bulwark-detect" else TARGET_VS_DIRECT
            entry["meets"] = {
                f"throughput_vs_direct>={vs_direct_target}": entry["throughput_vs_direct"] >= vs_direct_target,
                f"added_p50_ms<{TARGET_ADDED_P50_MS}": entry["added_p50_ms"] < TARGET_ADDED_P50_MS,
            }
            if "throughput_vs_portkey" in entry:
                entry["meets"][f"throughput_vs_portkey>={TARGET_VS_PORTKEY}"] = entry["throughput_vs_portkey"] >= TARGET_VS_PORTKEY
    return out


def cpu(case, name):
    value = case["cpu_us_per_request"].get(name)
    return "?" if value is None else f"{value:.0f}"


def markdown(result):
    rounds = result["method"]["rounds"]
    spread = " (range over rounds)" if rounds > 1 else ""
    lines = [
        f"| target | request | connections | req/s{spread} | p50 ms | p99 ms | errors | CPU µs/request: upstream | gateway |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for c in result["median_cases"]:
        errors = sum(c["errors"].values())
        low, high = c["requests_per_s_range"]
        rate = f"{c['requests_per_s']:,.0f}" + (f" ({low:,.0f}-{high:,.0f})" if c["rounds"] > 1 else "")
        lines.append(
            f"| {LABELS.get(c['target'], c['target'])} | {c['kind']} | {c['connections']} | {rate} | "
            f"{c['p50_ms']:.2f} | {c['p99_ms']:.2f} | {errors}{'' if c['valid'] else ' (INVALID)'} | "
            f"{cpu(c, 'upstream')} | {cpu(c, 'gateway') if c['target'] != 'direct' else '-'} |")
    lines += [
        "",
        f"| Bulwark variant | request | throughput vs direct, {result['method']['connections']} conns (target ≥ 40%; detect ≥ 35%) "
        f"| added p50 ms, {result['method']['latency_connections']} conn (target < 1) "
        f"| added p50 ms, {result['method']['connections']} conns | throughput vs Portkey (target ≥ 10x) |",
        "| --- | --- | ---: | ---: | ---: | ---: |",
    ]
    for kind, targets in result["ratios"].items():
        for target, r in targets.items():
            # The floor is a reference: its figures carry no mark.
            marks = iter(r["meets"].values()) if "meets" in r else None
            mark = (lambda: "") if marks is None else (lambda: " ✔" if next(marks) else " ✘")
            per_round = r["throughput_vs_direct_rounds"]
            spread = f" ({min(per_round):.0%}-{max(per_round):.0%})" if len(per_round) > 1 else ""
            vs_direct = f"{r['throughput_vs_direct']:.0%}{spread}{mark()}"
            added = f"{r['added_p50_ms']:.2f}{mark()}"
            portkey = f"{r['throughput_vs_portkey']:.1f}x{mark()}" if "throughput_vs_portkey" in r else "n/a"
            lines.append(f"| {LABELS.get(target, target)} | {kind} | {vs_direct} | {added} | {r['added_p50_ms_loaded']:.2f} | {portkey} |")
    if result["logging"]:
        lines += ["", "Per-request log lines written by the gateway during its cases: " + ", ".join(
            f"{l['target']} {l['request_log_lines']:,} ({l['log_bytes'] / 1e6:.1f} MB)" for l in result["logging"])]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser()
    for name in ("cases", "logs", "out", "pin", "route-yaml", "note", "root", "portkey-version", "load-at-start", "bulwark-env"):
        parser.add_argument("--" + name, default="")
    for name in ("duration", "warmup", "rounds", "connections", "latency-connections", "stream-events"):
        parser.add_argument("--" + name, type=int, required=True)
    args = parser.parse_args()

    with open(args.cases, encoding="utf-8") as f:
        cases = [case_row(json.loads(line)) for line in f if line.strip()]
    logging = []
    if os.path.exists(args.logs):
        with open(args.logs, encoding="utf-8") as f:
            logging = [json.loads(line) for line in f if line.strip()]

    result = {
        "date_utc": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "note": args.note,
        "command": "bench/load/run.sh" + (f" --detection {os.path.relpath(args.route_yaml, args.root)}" if args.route_yaml else ""),
        "commit": run("git", "-C", args.root, "rev-parse", "--short", "HEAD"),
        "machine": {**machine(), "load_average_at_start": args.load_at_start},
        "versions": {
            "dotnet": run("dotnet", "--version"),
            "node": run("node", "--version"),
            "wrk": (run("wrk", "-v").splitlines() or [""])[0],
            "portkey_gateway": args.portkey_version,
        },
        "method": {
            "load_generator": "wrk, 1 thread, Lua script bench/load/chat.lua (latency to the last byte of the response)",
            "connections": args.connections,
            "latency_connections": args.latency_connections,
            "warmup_s": args.warmup,
            "duration_s": args.duration,
            "rounds": args.rounds,
            "pinning": args.pin,
            "stream_events": args.stream_events,
            "bulwark_env": args.bulwark_env or None,
            "route_yaml": os.path.relpath(args.route_yaml, args.root) if args.route_yaml else None,
        },
        "cases": cases,
        "median_cases": median_cases(cases),
        "logging": logging,
    }
    result["ratios"] = ratios(cases, args.connections, args.latency_connections)
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(result, f, indent=2)
        f.write("\n")

    print(f"\nGateway load benchmark, {result['date_utc']}, commit {result['commit']}, "
          f"{args.connections} and {args.latency_connections} connection(s), {args.duration} s per case after {args.warmup} s warm-up, "
          f"{args.rounds} round(s), pinning {args.pin}")
    if args.note:
        print(f"Note: {args.note}")
    print()
    print(markdown(result))
    invalid = [f"{c['target']}/{c['kind']}" for c in cases if not c["valid"]]
    if invalid:
        print(f"\nWARNING: cases with errors (non-2xx, timeouts or socket errors): {', '.join(invalid)}")


if __name__ == "__main__":
    main()

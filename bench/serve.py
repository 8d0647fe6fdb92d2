#!/usr/bin/env python3
# bench/serve.py: what one `tcpstat serve` scrape costs (wall, server CPU, self-metric) next to one `tcpstat -g state,process` run, per population size.
"""tcpstat serve scrape benchmark.

  bench/serve.py                   1k, 10k and 100k sockets
  bench/serve.py --sizes 120k      choose sizes (k = 1000)
  bench/serve.py --reps 15         scrapes (and listings) per size (default 15)

For each size, in a private network namespace (as root), bench/populate.py builds the same
population as bench/run; one `tcpstat serve --listen 127.0.0.1:0 --min-interval 0` stays up,
so every scrape collects afresh. Rounds alternate one `tcpstat -g state,process` run (timed by
bench/spawn.c: wall, and user+sys CPU from wait4) with one GET /metrics (wall at the client;
the server's user+sys CPU from /proc/PID/stat before and after, which counts in 10 ms ticks,
so CPU per scrape is the total over all scrapes divided by their number, and the listing's CPU
is given the same way; the scrape's own tcpstat_exporter_collection_duration_seconds too).
TIME_WAIT is topped up before each round. Writes bench/results/<date>-serve-<sizes>.json and
its section of docs/benchmarks.md (between its markers, below bench/run's "kept" marker).
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import importlib.machinery
import importlib.util
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def load_bench_run():
    # One population, launcher and namespace code for every benchmark: bench/run's own.
    loader = importlib.machinery.SourceFileLoader("bench_run", os.path.join(HERE, "run"))
    spec = importlib.util.spec_from_loader("bench_run", loader)
    mod = importlib.util.module_from_spec(spec)
    loader.exec_module(mod)
    return mod


B = load_bench_run()
BEGIN = "<!-- bench/serve.py: begin -->"
END = "<!-- bench/serve.py: end -->"
TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK  # utime, stime (fields 14 and 15)


class Server:
    def __init__(self, tcpstat: str):
        self.p = subprocess.Popen([tcpstat, "serve", "--listen", "127.0.0.1:0", "--min-interval", "0"],
                                  stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                  text=True)
        line = self.p.stderr.readline()
        m = re.search(r"serving http://127\.0\.0\.1:(\d+)/metrics", line)
        if not m:
            self.p.kill()
            raise RuntimeError(f"tcpstat serve did not start: {line.strip()}")
        self.port = int(m.group(1))

    def scrape(self) -> tuple[float, float, str]:
        """One GET /metrics on a new connection: (wall seconds, server CPU seconds, body)."""
        cpu0 = cpu_seconds(self.p.pid)
        t0 = time.monotonic()
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        c.request("GET", "/metrics")
        r = c.getresponse()
        body = r.read().decode()
        c.close()
        wall = time.monotonic() - t0
        if r.status != 200:
            raise RuntimeError(f"GET /metrics answered {r.status}")
        return wall, cpu_seconds(self.p.pid) - cpu0, body

    def stop(self) -> None:
        self.p.terminate()
        try:
            self.p.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.p.kill()
            self.p.wait()


def sample(body: str, name: str) -> float | None:
    m = re.search(rf"^{name} (\S+)$", body, re.M)
    return float(m.group(1)) if m else None


def measure_size(runner, tcpstat: str, n: int, reps: int) -> dict:
    pop = B.Population(n, hold=1800)
    server = None
    try:
        census = pop.topup()
        B.log(f"size {n}: {json.dumps(census['all'])}")
        server = Server(tcpstat)
        listing = [tcpstat, "-g", "state,process"]
        runner.once(listing)  # warm-ups, not counted
        server.scrape()
        lists, scrapes = [], []
        for _ in range(reps):
            pop.refill()
            lists.append(runner.once(listing))
            wall, cpu, body = server.scrape()
            scrapes.append({"wall_s": wall, "cpu_s": cpu,
                            "collection_s": sample(body, "tcpstat_exporter_collection_duration_seconds"),
                            "sockets_seen": sample(body, "tcpstat_exporter_sockets_seen"),
                            "bytes": len(body), "series": sum(1 for ln in body.splitlines() if ln and ln[0] != "#")})
        ok = [r for r in lists if not r["timeout"]]
        return {
            "census": census,
            "listing": {
                "argv": "tcpstat -g state,process",
                "wall_ms_median": round(statistics.median(r["wall_ns"] / 1e6 for r in ok), 2),
                "cpu_ms_mean": round(sum(r["user_us"] + r["sys_us"] for r in ok) / 1e3 / len(ok), 2),
                "maxrss_kb_median": int(statistics.median(r["maxrss_kb"] for r in ok)),
                "reps": len(ok),
            },
            "scrape": {
                "wall_ms_median": round(statistics.median(s["wall_s"] for s in scrapes) * 1e3, 2),
                "cpu_ms_mean": round(sum(s["cpu_s"] for s in scrapes) / len(scrapes) * 1e3, 2),
                "collection_ms_median": round(statistics.median(s["collection_s"] for s in scrapes) * 1e3, 2),
                "sockets_seen_median": statistics.median(s["sockets_seen"] for s in scrapes),
                "series_median": statistics.median(s["series"] for s in scrapes),
                "bytes_median": statistics.median(s["bytes"] for s in scrapes),
                "server_rss_kb": rss_kb(server.p.pid),
                "reps": len(scrapes),
            },
        }
    finally:
        if server:
            server.stop()
        pop.stop()


def rss_kb(pid: int) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def write_section(results: dict, path: str) -> None:
    m = results["machine"]
    L = [BEGIN, "## `tcpstat serve`: one scrape against one `tcpstat -g state,process`", ""]
    L.append(f"Measured with `bench/serve.py` on {results['date']} (`{os.path.relpath(path, B.ROOT)}`; "
             f"{m['nproc']} shared CPUs, load {' '.join(m['loadavg_at_start'])} at start, tcpstat at commit "
             f"{m['tcpstat_commit']}), on bench/run's population in a private network namespace. One "
             "`tcpstat serve --min-interval 0` stays up, so every scrape collects afresh; rounds alternate one "
             f"listing and one GET /metrics ({results['reps']} each per size). Scrape wall time is the client's "
             "(connect to last byte); scrape CPU is the server's user+sys from /proc/PID/stat, summed over all "
             "scrapes and divided by their number (the kernel counts it in 10 ms ticks); `collection` is the "
             "scrape's own `tcpstat_exporter_collection_duration_seconds`. The listing is timed like bench/run's "
             "commands (its CPU averaged the same way). Server RSS is the exporter's resident set after the last "
             "scrape, against the listing's peak.")
    L.append("")
    L.append("| sockets | listing ms | scrape ms | collection ms | listing CPU ms | scrape CPU ms | CPU ratio | "
             "listing peak RSS MiB | server RSS MiB | series | body KiB |")
    L.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n in results["sizes"]:
        b = results["by_size"][str(n)]
        li, sc = b["listing"], b["scrape"]
        r = sc["cpu_ms_mean"] / li["cpu_ms_mean"] if li["cpu_ms_mean"] > 0 else 0
        L.append(f"| {b['census']['total']} | {li['wall_ms_median']:.1f} | {sc['wall_ms_median']:.1f} | "
                 f"{sc['collection_ms_median']:.1f} | {li['cpu_ms_mean']:.1f} | {sc['cpu_ms_mean']:.1f} | {r:.2f} | "
                 f"{li['maxrss_kb_median'] / 1024:.1f} | {sc['server_rss_kb'] / 1024:.1f} | "
                 f"{sc['series_median']:.0f} | {sc['bytes_median'] / 1024:.1f} |")
    L.append("")
    L.append(results.get("note", "").strip())
    L.append(END)
    try:
        with open(B.DOC) as f:
            doc = f.read()
    except FileNotFoundError:
        doc = ""
    section = "\n".join(x for x in L if x is not None) + "\n"
    if BEGIN in doc and END in doc:
        doc = doc[:doc.index(BEGIN)] + section.rstrip("\n") + doc[doc.index(END) + len(END):]
    else:
        marker = "<!-- kept by bench/run: the sections below come from other bench scripts -->"
        if marker not in doc:
            doc = doc.rstrip("\n") + "\n\n" + marker + "\n"
        doc = doc.rstrip("\n") + "\n\n" + section
    with open(B.DOC, "w") as f:
        f.write(doc)
    B.log(f"wrote {os.path.relpath(B.DOC, B.ROOT)}")


# What the numbers mean, written by hand and carried into the section verbatim (like bench/changes.md).
NOTE_FILE = os.path.join(HERE, "serve-notes.md")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1k,10k,100k")
    ap.add_argument("--reps", type=int, default=15)
    ap.add_argument("--tcpstat", help="tcpstat binary (default: build/tcpstat, built if missing)")
    ap.add_argument("--report", metavar="JSON", help="only rewrite the docs section from a results file")
    args = ap.parse_args()
    if args.report:
        with open(args.report) as f:
            results = json.load(f)
        if os.path.exists(NOTE_FILE):
            results["note"] = open(NOTE_FILE).read()
        write_section(results, os.path.abspath(args.report))
        return 0
    if os.geteuid() != 0:
        B.log("needs root: the population lives in a private network namespace")
        return 2
    args.rebuild = False
    args.no_build = False
    tcpstat = B.find_tcpstat(args)
    if not tcpstat:
        return 1
    sizes = [B.parse_size(s) for s in args.sizes.split(",") if s.strip()]
    tmp = tempfile.mkdtemp(prefix="tcpstat-bench-serve-")
    try:
        runner = B.Runner(B.build_launcher(tmp), tcpstat, None)
        results = {"date": datetime.datetime.now().isoformat(timespec="seconds"), "machine": B.machine_info(tcpstat),
                   "sizes": sizes, "reps": args.reps, "by_size": {}}
        for n in sizes:
            B.enter_new_netns()  # a fresh one per size: the last size's TIME_WAIT goes with the old one
            results["by_size"][str(n)] = measure_size(runner, tcpstat, n, max(1, args.reps))
            b = results["by_size"][str(n)]
            B.log(f"  listing {b['listing']['wall_ms_median']} ms / {b['listing']['cpu_ms_mean']} ms CPU; "
                  f"scrape {b['scrape']['wall_ms_median']} ms / {b['scrape']['cpu_ms_mean']} ms CPU "
                  f"(collection {b['scrape']['collection_ms_median']} ms)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(B.RESULTS, exist_ok=True)
    date = datetime.datetime.now().strftime("%Y-%m-%d")
    path = os.path.join(B.RESULTS, f"{date}-serve-{'-'.join(B.size_name(n) for n in sizes)}.json")
    with open(path, "w") as f:
        json.dump(results, f, indent=1)
    B.log(f"wrote {os.path.relpath(path, B.ROOT)}")
    if os.path.exists(NOTE_FILE):
        results["note"] = open(NOTE_FILE).read()
    write_section(results, path)
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
# bench/populate.py: builds and holds a loopback TCP socket population (LISTEN/ESTABLISHED/CLOSE_WAIT/FIN_WAIT2/TIME_WAIT) for benchmarks.
"""Socket population generator for the tcpstat benchmarks.

Given a total N it builds, on loopback only, a mix of
  16 LISTEN, ~50% ESTABLISHED, ~1/6 CLOSE_WAIT, ~1/6 FIN_WAIT2, ~1/6 TIME_WAIT,
about 20% of it IPv6 (::1), owned by several holder processes (8 by default).

How each state is made (both ends of every connection live in the same holder):
  ESTABLISHED  connect + accept, both ends kept open (2 sockets per connection).
  CLOSE_WAIT / FIN_WAIT2
               connect + accept, the client calls shutdown(SHUT_WR) and keeps its fd
               (FIN_WAIT2 that is not orphaned never times out); the server never closes
               (CLOSE_WAIT). One pair gives one of each.
  TIME_WAIT    connect + accept, the client closes first, then the server closes: the
               client end sits in TIME_WAIT for 60 s, owned by nobody. They expire, so
               they are topped up on request ("topup" command, SIGUSR1, or every
               --tw-refresh seconds in standalone mode).

Clients bind to 127.0.1.<k> (IP_BIND_ADDRESS_NO_PORT, port chosen at connect time), servers
listen on 127.0.0.<k> and [::1], so every (source, destination) pair has its own 4-tuple space.

Control (--control): commands on stdin, one per line, answers on stdout as one JSON line:
  census   -> {"ok": true, "census": {...}}
  topup    -> tops TIME_WAIT back to its target, then as census
  refill   -> tops TIME_WAIT up, answers {"ok": true, "census": {"tw_made": n}} (no /proc read)
  quit     -> cleans up and exits (so does EOF on stdin)
Without --control it prints the census and holds until SIGINT/SIGTERM or --hold-seconds.

Cleanup: every held socket is closed with SO_LINGER {on, 0} (RST), so nothing lingers in
FIN_WAIT/TIME_WAIT afterwards except the TIME_WAIT population itself (60 s at most, or at once
when the network namespace that holds it goes away).
"""

from __future__ import annotations

import argparse
import collections
import ctypes
import json
import math
import os
import resource
import select
import signal
import socket
import struct
import sys
import time

LISTENERS_TOTAL = 16
MAX_HOLD_SECONDS = 1800
BATCH = 256  # connections in flight per batch; below any listen backlog
TW_LIFETIME = 59.0  # the kernel keeps TIME_WAIT for 60 s; count a little short

PR_SET_NAME = 15
PR_SET_PDEATHSIG = 1
IP_BIND_ADDRESS_NO_PORT = getattr(socket, "IP_BIND_ADDRESS_NO_PORT", 24)
LINGER_RST = struct.pack("ii", 1, 0)

TCP_STATES = {
    1: "ESTABLISHED", 2: "SYN_SENT", 3: "SYN_RECV", 4: "FIN_WAIT1", 5: "FIN_WAIT2",
    6: "TIME_WAIT", 7: "CLOSE", 8: "CLOSE_WAIT", 9: "LAST_ACK", 10: "LISTEN", 11: "CLOSING",
    12: "NEW_SYN_RECV",
}

_libc = ctypes.CDLL(None, use_errno=True)


def log(msg: str) -> None:
    print(f"populate: {msg}", file=sys.stderr, flush=True)


def set_proc_name(name: str) -> None:
    _libc.prctl(PR_SET_NAME, ctypes.c_char_p(name.encode()[:15]), 0, 0, 0)


# ---------------------------------------------------------------------------------------------
# The plan: how many of each kind, split over holders
# ---------------------------------------------------------------------------------------------

def make_plan(total: int, holders: int, v6_share: float) -> dict:
    if total < LISTENERS_TOTAL + 6:
        raise SystemExit(f"populate: --total must be at least {LISTENERS_TOTAL + 6}")
    rest = total - LISTENERS_TOTAL
    est_conn = (rest // 2) // 2           # ESTABLISHED connections (2 sockets each)
    tail = rest - 2 * est_conn            # CLOSE_WAIT + FIN_WAIT2 + TIME_WAIT sockets
    cw_pairs = tail // 3                  # one CLOSE_WAIT and one FIN_WAIT2 each
    tw = tail - 2 * cw_pairs              # TIME_WAIT sockets
    n_l6 = max(1, min(holders, round(LISTENERS_TOTAL * v6_share)))
    # Listeners: holder k always has one IPv4 listener; the first n_l6 holders get an IPv6 one,
    # the others a second IPv4 one; any listeners left over go round-robin as extra IPv4 ones.
    listeners = [[] for _ in range(holders)]
    for k in range(holders):
        listeners[k].append(4)
        listeners[k].append(6 if k < n_l6 else 4)
    extra = LISTENERS_TOTAL - 2 * holders
    k = 0
    while extra > 0:
        listeners[k % holders].append(4)
        k += 1
        extra -= 1
    while extra < 0:  # more than 8 holders: drop second IPv4 listeners from the end
        for kk in range(holders - 1, -1, -1):
            if extra == 0:
                break
            if listeners[kk].count(4) > 1:
                listeners[kk].remove(4)
                extra += 1
        else:
            break
    v6_holders = [k for k in range(holders) if 6 in listeners[k]]
    per = [{"E4": 0, "E6": 0, "C4": 0, "C6": 0, "T4": 0, "T6": 0} for _ in range(holders)]

    def spread(kind: str, count: int) -> None:
        n6 = round(count * v6_share)
        n4 = count - n6
        for i in range(holders):
            per[i][kind + "4"] += n4 // holders + (1 if i < n4 % holders else 0)
        for i, k6 in enumerate(v6_holders):
            per[k6][kind + "6"] += n6 // len(v6_holders) + (1 if i < n6 % len(v6_holders) else 0)

    spread("E", est_conn)
    spread("C", cw_pairs)
    spread("T", tw)
    return {
        "total": total,
        "holders": holders,
        "listeners": listeners,
        "per_holder": per,
        "expected": {
            "LISTEN": sum(len(x) for x in listeners),
            "ESTABLISHED": 2 * est_conn,
            "CLOSE_WAIT": cw_pairs,
            "FIN_WAIT2": cw_pairs,
            "TIME_WAIT": tw,
        },
    }


def fds_needed(per_holder: dict, n_listeners: int) -> int:
    held = 2 * (per_holder["E4"] + per_holder["E6"]) + 2 * (per_holder["C4"] + per_holder["C6"])
    return held + n_listeners + 2 * BATCH + 64


def raise_nofile(need: int) -> int:
    """Raises RLIMIT_NOFILE (soft to hard; as root the hard limit too, up to fs.nr_open)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = max(soft, need)
    if want > hard and os.geteuid() == 0:
        try:
            with open("/proc/sys/fs/nr_open") as f:
                nr_open = int(f.read())
        except OSError:
            nr_open = 1 << 20
        new_hard = min(max(hard, want), nr_open)
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (new_hard, new_hard))
            return new_hard
        except (ValueError, OSError):
            pass
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
        return hard
    except (ValueError, OSError):
        return soft


# ---------------------------------------------------------------------------------------------
# Census from /proc/net/tcp{,6} of the current network namespace
# ---------------------------------------------------------------------------------------------

def census(ports: set[int] | None = None) -> dict:
    """Counts per state: "all" in this network namespace, and "ours" (a listener port on either side)."""
    all_c: collections.Counter = collections.Counter()
    ours: collections.Counter = collections.Counter()
    for path, fam in (("/proc/net/tcp", "v4"), ("/proc/net/tcp6", "v6")):
        try:
            f = open(path, "rb")
        except OSError:
            continue
        with f:
            f.readline()
            for line in f:
                parts = line.split(None, 4)
                if len(parts) < 4:
                    continue
                st = TCP_STATES.get(int(parts[3], 16), "UNKNOWN")
                all_c[st] += 1
                all_c[fam] += 1
                if ports is not None:
                    lport = int(parts[1].rsplit(b":", 1)[1], 16)
                    rport = int(parts[2].rsplit(b":", 1)[1], 16)
                    if lport in ports or rport in ports:
                        ours[st] += 1
                        ours[fam] += 1
    out = {"all": dict(sorted(all_c.items())), "total": sum(v for k, v in all_c.items() if k not in ("v4", "v6"))}
    if ports is not None:
        out["ours"] = dict(sorted(ours.items()))
    return out


# ---------------------------------------------------------------------------------------------
# Holder process
# ---------------------------------------------------------------------------------------------

class Holder:
    def __init__(self, index: int, plan: dict, deadline: float):
        self.k = index
        self.want = plan["per_holder"][index]
        self.families = plan["listeners"][index]
        self.deadline = deadline
        self.held: list[socket.socket] = []
        self.listeners: dict[int, list[socket.socket]] = {4: [], 6: []}
        self.tw_times: collections.deque = collections.deque()
        self.src4 = f"127.0.1.{index + 1}"
        self.dst4 = f"127.0.0.{index + 2}"

    def open_listeners(self) -> list[int]:
        ports = []
        for fam in self.families:
            if fam == 4:
                s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                s.bind((self.dst4, 0))
            else:
                s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
                s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
                s.bind(("::1", 0))
            s.listen(4096)
            self.listeners[fam].append(s)
            ports.append(s.getsockname()[1])
        return ports

    def _client(self, fam: int) -> socket.socket:
        if fam == 4:
            c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            c.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            c.setsockopt(socket.SOL_IP, IP_BIND_ADDRESS_NO_PORT, 1)
            c.bind((self.src4, 0))
        else:
            c = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
            c.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        return c

    def make(self, kind: str, fam: int, count: int) -> int:
        """Makes `count` connections of one kind; returns how many were made."""
        lst = self.listeners[fam]
        if not lst or count <= 0:
            return 0
        made = 0
        li = 0
        while made < count:
            if time.monotonic() > self.deadline:
                raise TimeoutError("populate deadline passed while building")
            n = min(BATCH, count - made)
            listener = lst[li % len(lst)]
            li += 1
            addr = listener.getsockname()[:2]
            clients = []
            try:
                for _ in range(n):
                    c = self._client(fam)
                    c.connect(addr)
                    clients.append(c)
            except OSError as e:
                for c in clients:
                    c.close()
                raise RuntimeError(f"holder {self.k}: connect {kind}{fam} to {addr}: {e}") from e
            servers = [listener.accept()[0] for _ in clients]
            if kind == "E":
                self.held.extend(clients)
                self.held.extend(servers)
            elif kind == "C":
                for c in clients:
                    c.shutdown(socket.SHUT_WR)
                self.held.extend(clients)
                self.held.extend(servers)
            else:  # "T": client closes first -> client end in TIME_WAIT
                now = time.monotonic()
                for c, s in zip(clients, servers):
                    c.close()
                    s.close()
                    self.tw_times.append(now)
            made += n
        return made

    def build(self) -> dict:
        for kind in ("E", "C"):
            for fam in (4, 6):
                self.make(kind, fam, self.want[f"{kind}{fam}"])
        return self.topup()

    def topup(self) -> dict:
        now = time.monotonic()
        while self.tw_times and self.tw_times[0] < now - TW_LIFETIME:
            self.tw_times.popleft()
        made = 0
        total_want = self.want["T4"] + self.want["T6"]
        deficit = total_want - len(self.tw_times)
        if deficit > 0:
            share6 = self.want["T6"] / total_want if total_want else 0
            n6 = round(deficit * share6)
            made += self.make("T", 4, deficit - n6) + self.make("T", 6, n6)
        return {"tw_made": made, "held": len(self.held)}

    def cleanup(self) -> None:
        for s in self.held:
            try:
                s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, LINGER_RST)
                s.close()
            except OSError:
                pass
        self.held.clear()
        for fam in (4, 6):
            for s in self.listeners[fam]:
                s.close()


def holder_main(index: int, plan: dict, chan: socket.socket, deadline: float) -> None:
    set_proc_name(f"bench-holder-{index}")
    _libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when we stop
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    # Backstop: never outlive the hold bound by more than a minute.
    signal.alarm(int(max(1, deadline - time.monotonic())) + 60)
    h = Holder(index, plan, deadline)
    f = chan.makefile("rw", buffering=1)
    try:
        ports = h.open_listeners()
        f.write(json.dumps({"ports": ports}) + "\n")
        res = h.build()
        f.write(json.dumps({"built": res}) + "\n")
        for line in f:
            cmd = line.strip()
            if cmd == "topup":
                f.write(json.dumps(h.topup()) + "\n")
            elif cmd == "quit":
                break
    except Exception as e:  # report and die: the parent cleans up the rest
        try:
            f.write(json.dumps({"error": str(e)}) + "\n")
        except OSError:
            pass
    finally:
        h.cleanup()
        os._exit(0)


# ---------------------------------------------------------------------------------------------
# Parent: forks holders, answers control commands, cleans up
# ---------------------------------------------------------------------------------------------

class Population:
    def __init__(self, plan: dict, deadline: float):
        self.plan = plan
        self.deadline = deadline
        self.kids: list[tuple[int, socket.socket, object]] = []
        self.ports: set[int] = set()

    def start(self) -> None:
        for k in range(self.plan["holders"]):
            a, b = socket.socketpair()
            pid = os.fork()
            if pid == 0:
                a.close()
                holder_main(k, self.plan, b, self.deadline)
                os._exit(0)
            b.close()
            self.kids.append((pid, a, a.makefile("rw", buffering=1)))
        for _, _, f in self.kids:
            msg = self._read(f)
            self.ports.update(msg["ports"])
        for _, _, f in self.kids:
            self._read(f)  # {"built": ...}

    def _read(self, f) -> dict:
        line = f.readline()
        if not line:
            raise RuntimeError("a holder died")
        msg = json.loads(line)
        if "error" in msg:
            raise RuntimeError(msg["error"])
        return msg

    def topup(self) -> int:
        for _, _, f in self.kids:
            f.write("topup\n")
        return sum(self._read(f)["tw_made"] for _, _, f in self.kids)

    def census(self) -> dict:
        c = census(self.ports)
        c["expected"] = self.plan["expected"]
        c["holders"] = [pid for pid, _, _ in self.kids]
        c["listener_ports"] = sorted(self.ports)
        return c

    def stop(self) -> None:
        for pid, _, f in self.kids:
            try:
                f.write("quit\n")
                f.flush()
            except OSError:
                pass
        end = time.monotonic() + 30
        for pid, _, _ in self.kids:
            while True:
                try:
                    done, _ = os.waitpid(pid, os.WNOHANG)
                except ChildProcessError:
                    break
                if done:
                    break
                if time.monotonic() > end:
                    os.kill(pid, signal.SIGKILL)
                    os.waitpid(pid, 0)
                    break
                time.sleep(0.05)
        self.kids.clear()


class LineReader:
    """Line reader on a raw fd with a timeout (select and a buffered file do not mix)."""

    def __init__(self, fd: int):
        self.fd = fd
        self.buf = b""
        self.eof = False

    def readline(self, timeout: float) -> str | None:
        """A line, "" at EOF, or None when nothing complete arrived within timeout."""
        end = time.monotonic() + timeout
        while b"\n" not in self.buf and not self.eof:
            left = end - time.monotonic()
            if left <= 0:
                return None
            r, _, _ = select.select([self.fd], [], [], left)
            if not r:
                return None
            chunk = os.read(self.fd, 4096)
            if not chunk:
                self.eof = True
                break
            self.buf += chunk
        if b"\n" in self.buf:
            line, self.buf = self.buf.split(b"\n", 1)
            return line.decode() + "\n"
        if self.buf:
            line, self.buf = self.buf, b""
            return line.decode()
        return ""


def read_port_range() -> tuple[int, int]:
    with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
        lo, hi = f.read().split()
    return int(lo), int(hi)


def write_port_range(lo: int, hi: int) -> None:
    with open("/proc/sys/net/ipv4/ip_local_port_range", "w") as f:
        f.write(f"{lo} {hi}\n")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--total", "-n", type=int, required=True, help="total sockets wanted (e.g. 1000, 10000, 100000)")
    ap.add_argument("--holders", type=int, default=8, help="holder processes (default 8; more if fd limits demand)")
    ap.add_argument("--v6-share", type=float, default=0.2, help="share of IPv6 (::1) connections (default 0.2)")
    ap.add_argument("--hold-seconds", type=float, default=600, help=f"hold at most this long (max {MAX_HOLD_SECONDS})")
    ap.add_argument("--control", action="store_true", help="read commands (census/topup/quit) on stdin")
    ap.add_argument("--tw-refresh", type=float, default=10, help="standalone: top up TIME_WAIT every N s (0: never)")
    ap.add_argument("--netns", action="store_true", help="unshare into a private network namespace first")
    ap.add_argument("--port-range", default="auto",
                    help="auto (widen ip_local_port_range only if needed, restore after), keep, or LO-HI")
    args = ap.parse_args()

    hold = min(max(args.hold_seconds, 1), MAX_HOLD_SECONDS)
    deadline = time.monotonic() + hold

    if args.netns:
        if _libc.unshare(0x40000000) != 0:  # CLONE_NEWNET
            raise SystemExit(f"populate: unshare(CLONE_NEWNET): {os.strerror(ctypes.get_errno())}")
        os.system("ip link set lo up")

    holders = max(1, args.holders)
    plan = make_plan(args.total, holders, args.v6_share)
    need = max(fds_needed(p, len(l)) for p, l in zip(plan["per_holder"], plan["listeners"]))
    limit = raise_nofile(need)
    while need > limit and holders < LISTENERS_TOTAL:
        holders += 1
        plan = make_plan(args.total, holders, args.v6_share)
        need = max(fds_needed(p, len(l)) for p, l in zip(plan["per_holder"], plan["listeners"]))
    if need > limit:
        raise SystemExit(f"populate: a holder needs {need} fds but RLIMIT_NOFILE is {limit}")

    # Ephemeral ports: each holder has its own source address, so the demand per (src, dst) pair
    # is one holder's connections to one listener. Widen only if that gets near the range.
    old_range = read_port_range()
    new_range = None
    if args.port_range not in ("auto", "keep"):
        lo, hi = args.port_range.split("-")
        new_range = (int(lo), int(hi))
    elif args.port_range == "auto":
        per_pair = max(sum(p.values()) for p in plan["per_holder"])  # worst case: one listener
        usable = (old_range[1] - old_range[0]) // 2  # connect() prefers one parity
        if per_pair > usable * 0.7:
            new_range = (10000, 65000)
    if new_range:
        write_port_range(*new_range)
        log(f"ip_local_port_range {old_range} -> {new_range} (restored on exit)")

    pop = Population(plan, deadline)
    stopping = {"flag": False}

    def on_signal(signum, _frame):
        stopping["flag"] = True

    for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(s, on_signal)
    signal.signal(signal.SIGUSR1, lambda *_: pop.topup() if pop.kids else None)

    reader = LineReader(sys.stdin.fileno())
    t0 = time.monotonic()
    try:
        pop.start()
        built = time.monotonic() - t0
        c = pop.census()
        c["build_seconds"] = round(built, 3)
        if args.control:
            print(json.dumps({"ok": True, "census": c}), flush=True)
        else:
            log(f"built in {built:.1f} s, holders {c['holders']} (pid of this process: {os.getpid()})")
            log("census: " + json.dumps(c["ours"]) + f"  (whole netns: {c['total']} sockets)")
            log(f"holding for at most {hold:.0f} s; SIGINT/SIGTERM stops, SIGUSR1 tops up TIME_WAIT")
        last_refresh = time.monotonic()
        while not stopping["flag"] and time.monotonic() < deadline:
            if args.control:
                line = reader.readline(1.0)
                if line is None:
                    continue
                if line == "":
                    break
                cmd = line.strip()
                if cmd == "quit":
                    break
                if cmd == "topup":
                    t1 = time.monotonic()
                    made = pop.topup()
                    c = pop.census()
                    c["tw_made"] = made
                    c["topup_seconds"] = round(time.monotonic() - t1, 3)
                    print(json.dumps({"ok": True, "census": c}), flush=True)
                elif cmd == "refill":  # topup without the census (cheap, between repetitions)
                    print(json.dumps({"ok": True, "census": {"tw_made": pop.topup()}}), flush=True)
                elif cmd == "census":
                    print(json.dumps({"ok": True, "census": pop.census()}), flush=True)
                else:
                    print(json.dumps({"ok": False, "error": f"unknown command {cmd!r}"}), flush=True)
            else:
                time.sleep(0.5)
                if args.tw_refresh > 0 and time.monotonic() - last_refresh >= args.tw_refresh:
                    pop.topup()
                    last_refresh = time.monotonic()
    except Exception as e:
        log(f"error: {e}")
        if args.control:
            print(json.dumps({"ok": False, "error": str(e)}), flush=True)
        return 2
    finally:
        pop.stop()
        if new_range:
            write_port_range(*old_range)
    return 0


if __name__ == "__main__":
    sys.exit(main())

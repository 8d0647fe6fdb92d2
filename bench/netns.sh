#!/usr/bin/env bash
# Measures what --all-netns costs per network namespace: N namespaces with a few sockets each, timed against the host-only run.
#
#   bench/netns.sh [N=50] [PAIRS=2]      (root; TCPSTAT=path/to/tcpstat, RUNS=15)
#
# Runs in a private mount and pid namespace (unshare), so that neither other `ip netns`
# namespaces nor other containers on the machine enter the figure, and so that everything it
# creates -- holders, namespaces, the /run/netns it mounts -- disappears with it, even on Ctrl-C.
set -euo pipefail

N=${1:-50}
PAIRS=${2:-2}
RUNS=${RUNS:-15}
here=$(cd "$(dirname "$0")" && pwd)
BIN=$(readlink -f "${TCPSTAT:-$here/../build/tcpstat}")

if [[ $(id -u) -ne 0 ]]; then
  echo "bench/netns.sh: needs root (creates network namespaces)" >&2
  exit 2
fi
if [[ ! -x $BIN ]]; then
  echo "bench/netns.sh: no tcpstat binary at $BIN (build first, or set TCPSTAT=...)" >&2
  exit 2
fi
if ! [[ $N =~ ^[0-9]+$ && $PAIRS =~ ^[0-9]+$ && $RUNS =~ ^[1-9][0-9]*$ ]]; then
  echo "bench/netns.sh: N, PAIRS and RUNS are whole numbers, e.g. bench/netns.sh 50 2" >&2
  exit 2
fi

if [[ -z ${TCPSTAT_NETNS_BENCH_INNER:-} ]]; then
  # --fork: this script becomes pid 1 of the new pid namespace; when it exits, the kernel kills
  # every holder and the private mounts (and with them the namespaces) go away.
  exec unshare --mount --propagation private --pid --fork --mount-proc \
    env TCPSTAT_NETNS_BENCH_INNER=1 TCPSTAT="$BIN" RUNS="$RUNS" "$0" "$N" "$PAIRS"
fi

work=$(mktemp -d)
names=()
cleanup() {
  jobs -p | xargs -r kill 2>/dev/null || true
  for n in "${names[@]}"; do ip netns del "$n" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

mkdir -p /run/netns
mount -t tmpfs tmpfs /run/netns  # private to this mount namespace: only ours are listed

# Median wall time of RUNS runs, in microseconds.
median_us() {
  local i s e
  for ((i = 0; i < RUNS; i++)); do
    s=$(date +%s%N)
    "$@" >/dev/null
    e=$(date +%s%N)
    echo $(((e - s) / 1000))
  done | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

host=$(median_us "$BIN" -f tsv)
all0=$(median_us "$BIN" --all-netns -f tsv)

holder='
import socket, sys, time
pairs = int(sys.argv[1])
l = socket.socket(); l.bind(("127.0.0.1", 0)); l.listen(64)
keep = [l]
for _ in range(pairs):
    c = socket.create_connection(l.getsockname()); s, _ = l.accept(); keep += [c, s]
c = socket.create_connection(l.getsockname()); s, _ = l.accept(); c.close(); keep.append(s)  # one CLOSE_WAIT
open(sys.argv[2], "w").close()
time.sleep(3600)
'
for ((i = 0; i < N; i++)); do
  name="tcpstat-bench-$$-$i"
  ip netns add "$name"
  names+=("$name")
  ip -n "$name" link set lo up
  nsenter --net="/run/netns/$name" python3 -c "$holder" "$PAIRS" "$work/ready-$i" &
done
for ((i = 0; i < N; i++)); do
  t=0
  while [[ ! -e $work/ready-$i ]] && ((t++ < 300)); do sleep 0.05; done
  [[ -e $work/ready-$i ]] || { echo "bench/netns.sh: holder $i did not start" >&2; exit 1; }
done

sockets=$("$BIN" --all-netns --count -H || true)
allN=$(median_us "$BIN" --all-netns -f tsv)
countN=$(median_us "$BIN" --all-netns --count)
groupN=$(median_us "$BIN" --all-netns -s close_wait -g netns,process)

per_ns=$(((allN - all0) / (N > 0 ? N : 1)))
cat <<EOF
tcpstat --all-netns cost, $N namespaces x $((2 * PAIRS + 2)) sockets, median of $RUNS runs
  host only (tcpstat -f tsv)                       ${host} us
  --all-netns, host namespace only                 ${all0} us
  --all-netns -f tsv, $N more namespaces           ${allN} us   ($sockets sockets in all)
  --all-netns --count (no owner walk)              ${countN} us
  --all-netns -s close_wait -g netns,process       ${groupN} us
  per namespace: (${allN} - ${all0}) / $N          ${per_ns} us
EOF

#!/usr/bin/env bash
# Installs the Debian packages tcpstat needs to build and test; idempotent, as root or via sudo.
set -euo pipefail

TCPSTAT_PACKAGES=(
  cmake g++ make git
  libcli11-dev libfmt-dev libgtest-dev nlohmann-json3-dev
  libcpp-httplib-dev  # tcpstat serve: the HTTP server (src/app/serve_http.cpp); pkg-config finds it
  pkg-config
  iproute2 procps python3
  dpkg-dev man-db groff-base zsh fish  # scripts/package-test (dpkg-shlibdeps), man page and completion tests
  prometheus prometheus-node-exporter  # tests/live/monitoring_test.cpp: promtool, textfile collector (~23 MB, ~40 s)
  clang libclang-rt-dev  # scripts/fuzz: clang++ and libFuzzer
  netbase  # /etc/services: service names (--port ssh, -r) in tests/live/names_test.cpp
  libncurses-dev tmux  # tcpstat top (src/tui, curses); tests/live/top_test.cpp drives it through tmux
  clang libclang-rt-dev  # scripts/fuzz: clang++ and libFuzzer; clang -target bpf for src/platform/linux/bpf
  libbpf-dev bpftool libelf-dev zlib1g-dev  # tcpstat trace: libbpf loader, vmlinux.h and skeletons (bpftool)
)

missing=()
for p in "${TCPSTAT_PACKAGES[@]}" ${TCPSTAT_EXTRA_PACKAGES:-}; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  exit 0
fi

if [[ $(id -u) -eq 0 ]]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1; then
  as_root=(sudo)
else
  echo "tcpstat: missing packages (${missing[*]}) and neither root nor sudo to install them" >&2
  exit 2
fi

echo "tcpstat: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"

#!/bin/bash
# Owns tcpstat.exe's end-to-end checks with real Windows owners: run by scripts/windows-test inside the Wine 10 chroot.
#
#   bash e2e.sh DIR     DIR holds tcpstat.exe and winleak.exe; prints "ok: ..." / "FAILED: ..." lines
#                       and a last line "e2e: PASSED FAILED"; exit status 1 when a check failed.
#
# winleak.exe (tests/windows/tools) is a Windows process leaking CLOSE_WAIT sockets; Wine 10 lists
# the sockets of Wine processes with their owning pid, so PID and PROCESS are real here. Copies
# named with a non-ASCII letter and with a right-to-left override test the UTF-8 command line and
# the escaping of process names. Wine takes the Unix side's argv in the locale's charset: C.UTF-8.
set -u
cd "$1" || exit 1
export LC_ALL=C.UTF-8
W=/usr/lib/wine/wine64
passed=0 failed=0
RLO=$(printf '\u202e')
cp winleak.exe "wïnleak.exe"
cp winleak.exe "evil${RLO}txt.exe"
rm -f p1 p2 p3
("$W" ./winleak.exe p1 12 90 >/dev/null 2>&1 </dev/null &)
("$W" ./wïnleak.exe p2 2 90 >/dev/null 2>&1 </dev/null &)
("$W" "./evil${RLO}txt.exe" p3 1 90 >/dev/null 2>&1 </dev/null &)
for _ in $(seq 150); do [[ -s p1 && -s p2 && -s p3 ]] && break; sleep 0.2; done
port=$(tr -d "\r" <p1 2>/dev/null)

check() {  # what, expected exit code, ERE the stdout must match ('' = none), tcpstat.exe arguments...
  local what=$1 want=$2 pattern=$3 got=0
  shift 3
  timeout 120 "$W" ./tcpstat.exe "$@" >out 2>err </dev/null || got=$?
  out=$(tr -d '\r' <out)
  err=$(tr -d '\r' <err)
  if [[ $got -eq $want ]] && { [[ -z "$pattern" ]] || grep -Eq -- "$pattern" <<<"$out"; }; then
    passed=$((passed + 1)); echo "ok: tcpstat.exe $* ($what)"
  else
    failed=$((failed + 1)); echo "FAILED: tcpstat.exe $* ($what): exit $got, wanted $want${pattern:+ and /$pattern/}"
    sed 's/^/  stdout: /' <<<"$out" | head -20
    sed 's/^/  stderr: /' <<<"$err" | head -10
  fi
}
refute() {  # what, ERE that must not be in the last check's stdout+stderr
  if grep -Eq -- "$2" <<<"$out$err"; then
    failed=$((failed + 1)); echo "FAILED: $1: /$2/ found"; grep -E -- "$2" <<<"$out$err" | head -5 | sed 's/^/  /'
  else passed=$((passed + 1)); echo "ok: $1"; fi
}

if [[ -z "$port" ]]; then
  echo "FAILED: winleak.exe did not start"; echo "e2e: 0 1"; exit 1
fi
check "the leak's rows with a real pid and the image name" 0 "^CLOSE_WAIT	[1-9][0-9]*	winleak\.exe$" \
  -s close_wait --sport "$port" -f tsv -H --fields state,pid,process
[[ $(grep -c 'winleak\.exe' <<<"$out") -eq 12 ]] && { passed=$((passed + 1)); echo "ok: 12 rows"; } ||
  { failed=$((failed + 1)); echo "FAILED: wanted 12 CLOSE_WAIT rows of winleak.exe"; }
check "grouped by pid and process" 0 "^ *[1-9][0-9]* +winleak\.exe +12$" -s close_wait --sport "$port" -g pid,process
check "-c is case-insensitive on Windows" 0 "^12$" -s close_wait -c WinLeak --count
check "-c with a non-ASCII name (UTF-16 command line)" 0 "^2$" -s close_wait -c wïn --count
check "exe is the full image path" 0 '\\winleak\.exe$' -c winleak --sport "$port" -s listen -H --fields exe
check "-g process,service: a non-service has no service" 0 "^winleak\.exe +- +12$" -s close_wait --sport "$port" -g process,service
check "a right-to-left override in a name is escaped" 0 'evil\\u202etxt\.exe' -s close_wait -g process
refute "no raw U+202E in the output" "$RLO"
check "check --per process names the leaking process" 1 "worst process winleak\.exe 12" \
  check -s close_wait --per process --warn 5 --crit 100
check "doctor finds the leak and its owner" 1 "winleak\.exe" doctor
refute "doctor speaks no Linux" 'netlink|sock_diag|run as root|net\.ipv4|kernel.s TCP limits'
check "a UTF-8 argument is echoed as UTF-8" 2 '' --sport é
grep -q "'é'" <<<"$err" && { passed=$((passed + 1)); echo "ok: é echoed"; } ||
  { failed=$((failed + 1)); echo "FAILED: --sport é echoed as: $err"; }
check "--user is refused on Windows" 2 '' --user 1000
grep -q "only available on Linux" <<<"$err" && { passed=$((passed + 1)); echo "ok: --user says why"; } ||
  { failed=$((failed + 1)); echo "FAILED: --user message: $err"; }
check "netstat -ano -p TCP" 0 "LISTEN .*127\.0\.0\.1:$port" -ano -p TCP --sport "$port"
check "/? is help" 0 "Usage" "/?"
refute "help lists no Linux-only source options" '--proc-root|--all-netns|/var/lib/prometheus'
rm -f p1 p2 p3 out err "wïnleak.exe" "evil${RLO}txt.exe"
echo "e2e: $passed $failed"
[[ $failed -eq 0 ]]

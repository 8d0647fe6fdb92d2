# fish completion for tcpstat: subcommands, options and their values (comma lists item by item).

set -l __tcpstat_commands summary check explain doctor kill serve top trace record
set -l __tcpstat_single_states established syn_sent syn_recv fin_wait1 fin_wait2 time_wait close close_wait last_ack listen closing new_syn_recv delete_tcb unconn
set -l __tcpstat_sort_fields proto family state local remote laddr lport raddr rport pid process user uid inode recv_q send_q timer timer_ms retrans rtt_us rttvar_us cwnd ssthresh mss retrans_total bytes_sent bytes_received last_send_ms last_recv_ms idle_ms netns cmdline exe service age changed_by rmem_alloc rcvbuf wmem_alloc sndbuf fwd_alloc wmem_queued optmem sk_backlog sk_drops

# Prints each candidate prefixed by everything up to the last comma of the token being completed.
function __tcpstat_list
    set -l token (commandline -ct)
    set -l head (string replace -r '[^,]*$' '' -- $token)
    for item in $argv
        printf '%s%s\n' $head $item
    end
end

function __tcpstat_pids
    for d in /proc/[0-9]*
        string replace /proc/ '' -- $d
    end
end

# `ip netns` names (a glob in `for` may match nothing without an error).
function __tcpstat_netns
    for f in /run/netns/*
        string replace -r '.*/' '' -- $f
    end
end

set -l main "not __fish_seen_subcommand_from $__tcpstat_commands"
set -l filters "not __fish_seen_subcommand_from explain record"

complete -c tcpstat -f
complete -c tcpstat -n $main -a summary -d 'count sockets per state and protocol'
complete -c tcpstat -n $main -a check -d 'monitoring-plugin check: thresholds on socket counts'
complete -c tcpstat -n $main -a explain -d 'what a TCP state means and what to do'
complete -c tcpstat -n $main -a doctor -d 'diagnose leaks, port exhaustion, full queues'
complete -c tcpstat -n $main -a kill -d 'close the sockets a filter selects (a dry run unless --yes)'
complete -c tcpstat -n $main -a serve -d 'Prometheus exporter: HTTP server for /metrics'
complete -c tcpstat -n $main -a top -d 'live full-screen view by state and process'
complete -c tcpstat -n $main -a trace -d 'live TCP state transitions with the owner (Linux, eBPF)'
complete -c tcpstat -n $main -a record -d 'keep recording state changes so listings show ages (Linux, eBPF)'

complete -c tcpstat -s h -l help -d 'print help and exit'
complete -c tcpstat -n $main -s V -l version -d 'print the version and exit'

# Filters: every command but explain.
complete -c tcpstat -n $filters -s s -l state -x -a "(__tcpstat_list $__tcpstat_single_states all connected synchronized listening bucket big)" -d 'TCP states or groups'
complete -c tcpstat -n $filters -s t -l tcp -d 'TCP sockets (the default)'
complete -c tcpstat -n $filters -s u -l udp -d 'UDP sockets (with -t: both)'
complete -c tcpstat -n $filters -s 4 -l ipv4 -d 'IPv4 only'
complete -c tcpstat -n $filters -s 6 -l ipv6 -d 'IPv6 only'
complete -c tcpstat -n $filters -s l -l listening -d 'listening TCP and unconnected UDP sockets'
complete -c tcpstat -n $filters -s p -l pid -x -a '(__tcpstat_list (__tcpstat_pids))' -d 'sockets owned by these pids'
complete -c tcpstat -n $filters -s c -l process -x -a '(__tcpstat_list (cat /proc/[0-9]*/comm 2>/dev/null | sort -u))' -d 'process name prefix'
complete -c tcpstat -n $filters -l user -x -a '(__fish_complete_users)' -d 'user name or uid'
complete -c tcpstat -n $filters -l port -x -d 'local or remote port or range'
complete -c tcpstat -n $filters -l sport -x -d 'local port or range'
complete -c tcpstat -n $filters -l dport -x -d 'remote port or range'
complete -c tcpstat -n $filters -l src -x -d 'local address or prefix'
complete -c tcpstat -n $filters -l dst -x -d 'remote address or prefix'
complete -c tcpstat -n $filters -l addr -x -d 'local or remote address or prefix'
complete -c tcpstat -n $filters -l source -x -a 'auto netlink proc' -d 'where to read sockets'
complete -c tcpstat -n $filters -l proc-root -x -a '(__fish_complete_directories)' -d 'read a recorded /proc tree'
complete -c tcpstat -n $filters -l netns -x -a '(__tcpstat_netns)' -d 'read one other network namespace'
complete -c tcpstat -n $filters -l all-netns -d 'read every network namespace on the host'

# Monitoring: the listing and summary.
set -l repeated "not __fish_seen_subcommand_from check explain doctor kill serve top"
complete -c tcpstat -n $repeated -l output -r -F -d 'write to FILE, replaced atomically'
complete -c tcpstat -n $repeated -l watch -x -d 'repeat every SECONDS'
complete -c tcpstat -n $repeated -l iterations -x -d 'with --watch: stop after N samples'

# Output: the listing and summary; doctor has its own -f.
set -l listed "not __fish_seen_subcommand_from check explain doctor kill serve top"
complete -c tcpstat -n $listed -s f -l format -x -a '(__tcpstat_list table tsv json jsonl csv prometheus)' -d 'output format'
complete -c tcpstat -n $listed -s H -l no-header -d 'omit the header line'
complete -c tcpstat -n "__fish_seen_subcommand_from top" -l color -x -a 'auto always never' -d 'when to colour'
complete -c tcpstat -n "__fish_seen_subcommand_from top" -s d -l interval -x -d 'seconds between refreshes'
complete -c tcpstat -n $listed -l color -x -a 'auto always never' -d 'when to colour'
complete -c tcpstat -n $main -s g -l group-by -x -a "(__tcpstat_list $__tcpstat_sort_fields)" -d 'one row per group with its count'
complete -c tcpstat -n $main -l count -d 'print only the number of matching sockets'
complete -c tcpstat -n $main -l fields -x -a "(__tcpstat_list $__tcpstat_sort_fields owners)" -d 'columns to show, in order'
complete -c tcpstat -n $main -l sort -x -a "(__tcpstat_list $__tcpstat_sort_fields)" -d 'sort by fields, a leading - for descending'
complete -c tcpstat -n $main -l reverse -d 'reverse the --sort order'
complete -c tcpstat -n $main -s e -l extended -d 'queues, timers, rtt, cwnd, idle time'
complete -c tcpstat -n $main -s o -l timers -d 'the pending timer and its time left'
complete -c tcpstat -n $main -s i -l info -d 'TCP internals: rtt, cwnd, mss, bytes, idle time'
complete -c tcpstat -n $main -s m -l memory -d 'socket memory from netlink'
complete -c tcpstat -n $main -s r -l resolve -d 'host and service names instead of numbers'

# check
set -l check "__fish_seen_subcommand_from check"
complete -c tcpstat -n $check -l warn -x -d 'WARNING threshold range (10, 10:, ~:10, @10:20)'
complete -c tcpstat -n $check -l crit -x -d 'CRITICAL threshold range'
complete -c tcpstat -n $check -l per -x -a "(__tcpstat_list none $__tcpstat_sort_fields)" -d 'apply thresholds per group'

# doctor
set -l doctor "__fish_seen_subcommand_from doctor"
complete -c tcpstat -n $doctor -s f -l format -x -a 'table json jsonl' -d 'output format'
complete -c tcpstat -n $doctor -l close-wait -x -d 'CLOSE_WAIT sockets per process and port'
complete -c tcpstat -n $doctor -l time-wait-percent -x -d 'TIME_WAIT per destination, % of the port range'
complete -c tcpstat -n $doctor -l syn-recv -x -d 'SYN_RECV entries per listening port'
complete -c tcpstat -n $doctor -l fin-wait2 -x -d 'FIN_WAIT2 sockets per remote peer'
complete -c tcpstat -n $doctor -l orphan-percent -x -d 'orphans, % of tcp_max_orphans'
complete -c tcpstat -n $doctor -l for -x -a '30s 5m 1h' -d 'watch this long, then report growth'

# kill: a listing's filters and columns, then --yes to act
set -l kill "__fish_seen_subcommand_from kill"
complete -c tcpstat -n $kill -l yes -d 'close them (without it: a dry run that lists them)'
complete -c tcpstat -n $kill -s f -l format -x -a '(__tcpstat_list table tsv json jsonl csv)' -d 'output format'
complete -c tcpstat -n $kill -s H -l no-header -d 'omit the header line'
complete -c tcpstat -n $kill -l color -x -a 'auto always never' -d 'when to colour'
complete -c tcpstat -n $kill -l fields -x -a "(__tcpstat_list $__tcpstat_sort_fields owners)" -d 'columns to show, in order'
complete -c tcpstat -n $kill -l sort -x -a "$__tcpstat_sort_fields" -d 'sort the listing by one field'
complete -c tcpstat -n $kill -s e -l extended -d 'queues, timers, rtt, cwnd, idle time'
complete -c tcpstat -n $kill -l output -r -F -d 'write to FILE, replaced atomically'
# serve
set -l serve "__fish_seen_subcommand_from serve"
complete -c tcpstat -n $serve -l listen -x -d 'where to listen, ADDR:PORT (127.0.0.1:29100)'
complete -c tcpstat -n $serve -l ports -x -d 'server ports that keep their own label'
complete -c tcpstat -n $serve -l top -x -d 'processes by socket count that keep their name'
complete -c tcpstat -n $serve -l max-series -x -d 'hard cap on per-socket series'
complete -c tcpstat -n $serve -l min-interval -x -d 'at most one collection per SECONDS'

# explain: one state
complete -c tcpstat -n "__fish_seen_subcommand_from explain" -a "$__tcpstat_single_states" -d 'TCP state'

# trace
set -l trace "__fish_seen_subcommand_from trace"
complete -c tcpstat -n $trace -s f -l format -x -a 'table tsv csv json jsonl' -d 'output format'
complete -c tcpstat -n $trace -l duration -x -d 'stop after SECONDS'
complete -c tcpstat -n $trace -l count -x -d 'stop after N transitions'

# record: start, stop or status
set -l record "__fish_seen_subcommand_from record"
complete -c tcpstat -n $record -a 'start stop status' -d 'recorder action'
complete -c tcpstat -n $record -s f -l format -x -a 'table json' -d 'output format'

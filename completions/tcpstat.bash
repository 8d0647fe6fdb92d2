# bash completion for tcpstat: subcommands, options and their values; needs only bash's `complete -F`.

_tcpstat_single_states="established syn_sent syn_recv fin_wait1 fin_wait2 time_wait close close_wait last_ack listen closing new_syn_recv delete_tcb unconn"
_tcpstat_states="$_tcpstat_single_states all connected synchronized listening bucket big"
_tcpstat_formats="table tsv json jsonl csv prometheus"
_tcpstat_sort_fields="proto family state local remote laddr lport raddr rport pid process user uid inode recv_q send_q timer timer_ms retrans rtt_us rttvar_us cwnd ssthresh mss retrans_total bytes_sent bytes_received last_send_ms last_recv_ms idle_ms netns cmdline exe service age changed_by rmem_alloc rcvbuf wmem_alloc sndbuf fwd_alloc wmem_queued optmem sk_backlog sk_drops"
_tcpstat_fields="$_tcpstat_sort_fields owners"
# -g and --per take every field but owners, as --sort does.
_tcpstat_group_keys="$_tcpstat_sort_fields"
_tcpstat_commands="summary check explain doctor kill serve top trace record"

_tcpstat_opts_filter="-s --state -t --tcp -u --udp -4 --ipv4 -6 --ipv6 -l --listening -p --pid -c --process --user --port --sport --dport --src --dst --addr"
_tcpstat_opts_output="-f --format -H --no-header --color"
_tcpstat_opts_listing="-g --group-by --count --fields --sort --reverse -e --extended -o --timers -i --info -m --memory -r --resolve"
_tcpstat_opts_source="--source --proc-root --netns --all-netns"
_tcpstat_opts_monitor="--output --watch --iterations"
_tcpstat_opts_check="--warn --crit --per"
_tcpstat_opts_trace="--duration --count --all-netns"
_tcpstat_opts_doctor="--close-wait --time-wait-percent --syn-recv --fin-wait2 --orphan-percent --for"
_tcpstat_opts_serve="--listen --ports --top --max-series --min-interval"

# Options followed by a value (as a separate word), so a value is never mistaken for a subcommand.
_tcpstat_takes_value() {
    case "$1" in
        -s | --state | -p | --pid | -c | --process | --user | --port | --sport | --dport | --src | --dst | --addr | \
            -f | --format | --color | -g | --group-by | --fields | --sort | --source | --proc-root | \
            --warn | --crit | --per | --close-wait | --time-wait-percent | --syn-recv | --fin-wait2 | \
            --orphan-percent | --for | --netns | --output | --watch | --iterations | \
            --listen | --ports | --top | --max-series | --min-interval | -d | --interval) return 0 ;;
    esac
    return 1
}

# Completes the item after the last comma of "$2" from the words in "$1", keeping what precedes it.
_tcpstat_list() {
    local words="$1" cur="$2" head="" item="$2"
    if [[ $cur == *,* ]]; then
        head="${cur%,*},"
        item="${cur##*,}"
    fi
    local w
    COMPREPLY=()
    for w in $words; do
        [[ $w == "$item"* ]] && COMPREPLY+=("$head$w")
    done
}

_tcpstat_pids() {
    local d pids=""
    for d in /proc/[0-9]*; do
        pids+=" ${d#/proc/}"
    done
    printf '%s' "$pids"
}

_tcpstat_process_names() {
    local f name names=""
    for f in /proc/[0-9]*/comm; do
        read -r name <"$f" 2>/dev/null || continue
        # A name with blanks cannot be one completion word here; skip it rather than split it.
        [[ $name == *[[:space:]]* ]] && continue
        names+=" $name"
    done
    printf '%s' "$names" | tr ' ' '\n' | sort -u | tr '\n' ' '
}

_tcpstat() {
    local cword=$COMP_CWORD
    local cur="${COMP_WORDS[cword]}"
    local prev=""
    ((cword > 0)) && prev="${COMP_WORDS[cword - 1]}"
    # `--state=cl`: bash splits at '=', leaving the option two words back.
    if [[ $cur == "=" ]]; then
        prev="${COMP_WORDS[cword - 1]}"
        cur=""
    elif [[ $prev == "=" ]] && ((cword > 1)); then
        prev="${COMP_WORDS[cword - 2]}"
    fi

    local command="" i word
    for ((i = 1; i < cword; i++)); do
        word="${COMP_WORDS[i]}"
        if _tcpstat_takes_value "$word"; then
            ((i++))
            [[ ${COMP_WORDS[i]} == "=" ]] && ((i++))
            continue
        fi
        case " $_tcpstat_commands " in
            *" $word "*) command="$word" ;;
        esac
    done

    case "$prev" in
        -s | --state) _tcpstat_list "$_tcpstat_states" "$cur"; return ;;
        -f | --format)
            if [[ $command == doctor ]]; then
                _tcpstat_list "table json jsonl" "$cur"
            elif [[ $command == kill ]]; then
                _tcpstat_list "table tsv json jsonl csv" "$cur"
            else
                _tcpstat_list "$_tcpstat_formats" "$cur"
            fi
            return ;;
        -g | --group-by) _tcpstat_list "$_tcpstat_group_keys" "$cur"; return ;;
        --fields) _tcpstat_list "$_tcpstat_fields" "$cur"; return ;;
        --sort)
            # A field per item; one typed with a leading - (descending) completes as -FIELD.
            local sort_words="$_tcpstat_sort_fields" f
            if [[ ${cur##*,} == -* ]]; then
                sort_words=""
                for f in $_tcpstat_sort_fields; do sort_words+=" -$f"; done
            fi
            _tcpstat_list "$sort_words" "$cur"
            return ;;
        --source) _tcpstat_list "auto netlink proc" "$cur"; return ;;
        --color) _tcpstat_list "auto always never" "$cur"; return ;;
        --per) _tcpstat_list "none $_tcpstat_group_keys" "$cur"; return ;;
        -p | --pid) _tcpstat_list "$(_tcpstat_pids)" "$cur"; return ;;
        -c | --process) _tcpstat_list "$(_tcpstat_process_names)" "$cur"; return ;;
        --user) COMPREPLY=($(compgen -u -- "$cur")); return ;;
        --proc-root) COMPREPLY=($(compgen -d -- "$cur")); return ;;
        --output) COMPREPLY=($(compgen -f -- "$cur")); return ;;
        --netns)
            # `ip netns` names; a path or a pid is typed by hand.
            local names="" f
            for f in /run/netns/*; do
                [[ -e $f ]] && names+=" ${f##*/}"
            done
            COMPREPLY=($(compgen -W "$names" -- "$cur"))
            return ;;
    esac
    if _tcpstat_takes_value "$prev"; then
        # Ports, addresses, thresholds: nothing sensible to offer.
        COMPREPLY=()
        return
    fi

    local opts
    case "$command" in
        "") opts="-h --help -V --version $_tcpstat_opts_filter $_tcpstat_opts_output $_tcpstat_opts_listing $_tcpstat_opts_source $_tcpstat_opts_monitor" ;;
        summary) opts="-h --help $_tcpstat_opts_filter $_tcpstat_opts_output $_tcpstat_opts_source $_tcpstat_opts_monitor" ;;
        check) opts="-h --help $_tcpstat_opts_filter $_tcpstat_opts_check $_tcpstat_opts_source" ;;
        doctor) opts="-h --help $_tcpstat_opts_filter -f --format $_tcpstat_opts_doctor $_tcpstat_opts_source" ;;
        trace) opts="-h --help $_tcpstat_opts_filter -f --format -H --no-header --color $_tcpstat_opts_trace" ;;
        explain) opts="-h --help" ;;
        record) opts="-h --help -f --format -H --no-header" ;;
        kill) opts="-h --help --yes $_tcpstat_opts_filter $_tcpstat_opts_output --fields --sort -e --extended --source --netns --output" ;;
        serve) opts="-h --help $_tcpstat_opts_filter $_tcpstat_opts_serve $_tcpstat_opts_source" ;;
        top) opts="-h --help -d --interval --color $_tcpstat_opts_filter $_tcpstat_opts_source" ;;
    esac
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$opts" -- "$cur"))
    elif [[ $command == record ]]; then
        COMPREPLY=($(compgen -W "start stop status" -- "$cur"))
    elif [[ $command == explain ]]; then
        COMPREPLY=($(compgen -W "$_tcpstat_single_states" -- "$cur"))
    elif [[ -z $command ]]; then
        COMPREPLY=($(compgen -W "$_tcpstat_commands" -- "$cur"))
    fi
}

complete -F _tcpstat tcpstat

# SPDX-License-Identifier: GPL-2.0-or-later
# bench/lib.sh - shared by the network benchmarks (sourced, not run; bench/run skips it).
#
# The topology, all in network namespaces made here and named with a per-run prefix:
#
#   client 10.200.1.1 --veth-- 10.200.1.2 proxy 10.200.2.1 --veth-- 10.200.2.2 target
#
# "client" runs sluice and the baselines (default route via proxy, which forwards, so the
# target is reachable directly too); "proxy" runs dante on 10.200.1.2:1080 when asked;
# "target" runs benchd (http on 80, echo on 7) and an iperf3 server on 5201.  Every process is
# started here, stopped by its PID on exit, and every namespace is deleted; traffic goes only
# between these namespaces.  Needs root.

set -euo pipefail
SLUICE=${SLUICE:?set SLUICE to the sluice binary (bench/run does)}
SLUICE=$(realpath "$SLUICE")
HELPERS=${BENCH_HELPERS:-$(dirname "$SLUICE")/bench}
# More `sluice run` options for the sluice way of throughput and connrate (bench/README).
read -r -a SLUICE_ARGS <<<"${BENCH_SLUICE_ARGS:-}"
BENCH_UID=${BENCH_UID:-64123}
NAME=$(basename "$0")
PFX=slb$$ # interface names are PFX + 2 characters: at most 15
NS_C=${PFX}c NS_P=${PFX}p NS_T=${PFX}t
CLIENT=10.200.1.1 PROXY=10.200.1.2 TARGET=10.200.2.2
PROXY_URL=socks5://$PROXY:1080
bench_pids=()
bench_netns=()
bench_mounts=()

# skip WHY: this benchmark cannot run here; say why and end without failing.
skip() {
	echo "$NAME: not measured: $*"
	exit 0
}

[ "$(id -u)" = 0 ] || skip "needs root (network namespaces); run: sudo make bench"
for tool in ip jq "$SLUICE" "$HELPERS/benchd"; do
	command -v "$tool" >/dev/null || skip "$tool is missing (tools/install-deps, make bench)"
done

BTMP=$(mktemp -d /tmp/sluice-bench.XXXXXX)
chmod 0755 "$BTMP"

# zeros_file NAME: makes $BTMP/zeros/NAME, an endless source of zeros that every way reads at
# the same cost: a sparse file on a tmpfs of its own.  On /tmp's ext4 the holes of a sparse
# file are zero-filled into the page cache as they are read, so the first way to reach an
# offset paid for it.  Not to be called in a $(...): the mount goes on this shell's cleanup
# list.
zeros_file() {
	mkdir "$BTMP/zeros"
	mount -t tmpfs -o size=1m,mode=0755 sluice-bench "$BTMP/zeros"
	bench_mounts+=("$BTMP/zeros")
	truncate -s 1T "$BTMP/zeros/$1"
}

# kill_tree PID: SIGKILL PID and its descendants, found by parent PID.
kill_tree() {
	local child
	for child in $(pgrep -P "$1" 2>/dev/null); do kill_tree "$child"; done
	kill -KILL "$1" 2>/dev/null || true
}

bench_cleanup() {
	local i pid
	for ((i = ${#bench_pids[@]} - 1; i >= 0; i--)); do
		pid=${bench_pids[$i]}
		kill -TERM "$pid" 2>/dev/null || continue
	done
	sleep 0.2
	for pid in "${bench_pids[@]}"; do kill_tree "$pid"; done
	for pid in "${bench_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
	for i in "${bench_netns[@]}"; do ip netns del "$i" 2>/dev/null || true; done
	for i in "${bench_mounts[@]}"; do umount "$i" 2>/dev/null || true; done
	rm -rf "$BTMP"
}
trap bench_cleanup EXIT
trap 'exit 130' INT TERM HUP

# bg NS CMD...: start CMD in netns NS in the background; its PID goes on the cleanup list.
bg() {
	local ns=$1
	shift
	ip netns exec "$ns" "$@" &
	bench_pids+=($!)
}

# nsx NS CMD...: run CMD in netns NS.
nsx() {
	local ns=$1
	shift
	ip netns exec "$ns" "$@"
}

# sluice_cpu FILE NS SLUICE [ARGS...]: run sluice in netns NS (its output is this function's)
# and write the CPU seconds its supervisor used (utime + stime of the sluice process itself,
# not of the sandbox's processes) to FILE.  /proc/PID/stat is read every 50 ms with shell
# builtins only (no process started, so the sampling costs next to nothing); the last sample
# is at most 50 ms before sluice exits (bash reaps its children at once, so the zombie's own
# figure cannot be read): a few percent low at most for a run of seconds.
sluice_cpu() {
	local file=$1 ns=$2 job ticks=0 fd i f
	shift 2
	# nsenter, unlike `ip netns exec`, does not fork: the job's PID is sluice's.
	nsenter --net="/run/netns/$ns" "$@" &
	job=$!
	exec {fd}<> <(:)
	for ((i = 0; i < 12000; i++)); do # 10 minutes at most
		read -r -a f 2>/dev/null <"/proc/$job/stat" || break
		ticks=$((f[13] + f[14]))
		read -r -t 0.05 -u "$fd" _ || true
	done
	exec {fd}>&-
	wait "$job" || true
	awk -v t="$ticks" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.3f\n", t / hz }' >"$file"
}

# wait_until SECONDS CMD...: poll CMD every 50 ms until it succeeds; fail after SECONDS.
wait_until() {
	local deadline=$((SECONDS + $1))
	shift
	until "$@"; do
		[ $SECONDS -lt $deadline ] || return 1
		sleep 0.05
	done
}

# port_open NS PORT: something listens on PORT in NS.
port_open() { nsx "$1" ss -Htln "sport = :$2" | grep -q .; }

topology_up() {
	local ns
	for ns in "$NS_C" "$NS_P" "$NS_T"; do
		ip netns add "$ns"
		bench_netns+=("$ns")
		ip -n "$ns" link set lo up
		nsx "$ns" sysctl -qw net.ipv4.ip_local_port_range="10000 65000" net.ipv4.tcp_tw_reuse=1
	done
	ip link add "${PFX}c0" netns "$NS_C" type veth peer name "${PFX}p0" netns "$NS_P"
	ip link add "${PFX}p1" netns "$NS_P" type veth peer name "${PFX}t0" netns "$NS_T"
	ip -n "$NS_C" addr add "$CLIENT/24" dev "${PFX}c0"
	ip -n "$NS_P" addr add "$PROXY/24" dev "${PFX}p0"
	ip -n "$NS_P" addr add 10.200.2.1/24 dev "${PFX}p1"
	ip -n "$NS_T" addr add "$TARGET/24" dev "${PFX}t0"
	ip -n "$NS_C" link set "${PFX}c0" up
	ip -n "$NS_P" link set "${PFX}p0" up
	ip -n "$NS_P" link set "${PFX}p1" up
	ip -n "$NS_T" link set "${PFX}t0" up
	ip -n "$NS_C" route add default via "$PROXY"
	ip -n "$NS_T" route add default via 10.200.2.1
	nsx "$NS_P" sysctl -qw net.ipv4.ip_forward=1
}

# start_target [http] [echo] [iperf3]: the target's servers.
start_target() {
	local what
	for what in "$@"; do
		case $what in
		http) bg "$NS_T" "$HELPERS/benchd" http 80 ;;
		echo) bg "$NS_T" "$HELPERS/benchd" echo 7 ;;
		iperf3) bg "$NS_T" iperf3 -s -p 5201 >"$BTMP/iperf3.log" 2>&1 ;;
		esac
	done
	for what in "$@"; do
		case $what in
		http) wait_until 10 port_open "$NS_T" 80 ;;
		echo) wait_until 10 port_open "$NS_T" 7 ;;
		iperf3) wait_until 10 port_open "$NS_T" 5201 ;;
		esac
	done
}

# start_dante: a SOCKS5 proxy without authentication on $PROXY:1080, logging errors only.
start_dante() {
	command -v danted >/dev/null || [ -x /usr/sbin/danted ] || skip "danted is missing (apt-get install dante-server)"
	cat >"$BTMP/danted.conf" <<-EOF
		logoutput: /dev/null
		errorlog: stderr
		internal: $PROXY port = 1080
		external: 10.200.2.1
		socksmethod: none
		clientmethod: none
		user.privileged: root
		user.unprivileged: nobody
		client pass { from: 0.0.0.0/0 to: 0.0.0.0/0 }
		socks pass { from: 0.0.0.0/0 to: 0.0.0.0/0 command: connect }
	EOF
	bg "$NS_P" /usr/sbin/danted -f "$BTMP/danted.conf" -p "$BTMP/danted.pid" -N 2 2>"$BTMP/danted.log"
	wait_until 10 port_open "$NS_P" 1080
}

# as_user CMD...: CMD as BENCH_UID with no capabilities (rootless).
as_user() {
	HOME=$BTMP PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin setpriv --reuid="$BENCH_UID" \
		--regid="$BENCH_UID" --clear-groups --inh-caps=-all --bounding-set=-all -- "$@"
}

# ratio A B: A/B with two decimals.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }

# verdict RATIO GOAL: "goal met" when RATIO >= GOAL.
verdict() {
	awk -v r="$1" -v g="$2" 'BEGIN {
		if (r == "n/a") print "goal NOT met (no baseline)"
		else if (r + 0 >= g + 0) print "goal met"
		else print "goal NOT met" }'
}

# interleaved_means ROUNDS CMD... -- WAY...: per WAY, the mean over ROUNDS rounds of the number
# `CMD... WAY` prints, the ways taking turns within each round, so that a slow spell of the
# machine hits them alike.  Each round starts one way further on: the run that comes right
# after another way's (whose connections are still closing) is not always the same way's.
# One line per WAY, in order; with BENCH_RAW set, every round's figures go to stderr too.
interleaved_means() {
	local rounds=$1 round i way cmd=() all=""
	shift
	while [ "$1" != -- ]; do
		cmd+=("$1")
		shift
	done
	shift
	local ways=("$@")
	for ((round = 0; round < rounds; round++)); do
		for ((i = 0; i < ${#ways[@]}; i++)); do
			way=${ways[(round + i) % ${#ways[@]}]}
			all+="$way $("${cmd[@]}" "$way")"$'\n'
		done
	done
	[ -z "${BENCH_RAW:-}" ] || printf '%s' "$all" | sed 's/^/  round figure: /' >&2
	for way in "$@"; do
		awk -v w="$way" '$1 == w { sum += $2; n++ } END { printf "%.1f\n", n ? sum / n : 0 }' <<<"$all"
	done
}

# gbit BITS_PER_SECOND: in Gbit/s, two decimals.
gbit() { awk -v b="$1" 'BEGIN { printf "%.2f", b / 1e9 }'; }

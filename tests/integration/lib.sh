# SPDX-License-Identifier: GPL-2.0-or-later
# lib.sh - shared helpers of the integration tests (sourced, not run).
#
# Each test file is run twice by tests/run: SLUICE_TEST_MODE=root runs sluice as root,
# SLUICE_TEST_MODE=rootless as an unprivileged uid (TEST_UID) with no capabilities.  Output is
# TAP.  Every process a test starts is stopped by its PID and every namespace it makes is
# deleted, also when a check fails (see cleanup_push).

set -u
: "${SLUICE:?set SLUICE to the sluice binary (tests/run does)}"
MODE=${SLUICE_TEST_MODE:-root}
TEST_UID=${SLUICE_TEST_UID:-64123}
# Test helpers are tools, not product: always the plain build's, also in the ASan run.
HELPERS=${SLUICE_REPO:-.}/build/helpers
test_count=0
cleanups=()

TMP=$(mktemp -d /tmp/sluice-test.XXXXXX)
chmod 0777 "$TMP"
cleanup_push() { cleanups+=("$*"); }
run_cleanups() {
	local i
	for ((i = ${#cleanups[@]} - 1; i >= 0; i--)); do eval "${cleanups[$i]}" >/dev/null 2>&1; done
	rm -rf "$TMP"
}
trap run_cleanups EXIT

# as_user CMD...: run CMD as the mode's user (root, or TEST_UID without any capability, with a
# PATH of system directories only: root's PATH may hold directories TEST_UID cannot search).
as_user() {
	if [ "$MODE" = rootless ]; then
		HOME=$TMP PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin setpriv --reuid="$TEST_UID" --regid="$TEST_UID" --clear-groups \
			--inh-caps=-all --bounding-set=-all -- "$@"
	else
		"$@"
	fi
}

# SLUICE_TEST_FAST_PATH=1 (tests/run's second pass of a "# fast-path-suite" file): every
# `sluice run` that has a network runs with --fast-path, through a wrapper that adds it;
# SLUICE_BINARY stays the binary itself.
SLUICE_BINARY=$SLUICE
if [ "${SLUICE_TEST_FAST_PATH:-}" = 1 ]; then
	cat >"$TMP/sluice" <<EOF
#!/bin/bash
# sluice, with --fast-path added to \`run\` unless it asks for --net none
[ "\${1:-}" = run ] || exec $(printf %q "$SLUICE") "\$@"
prev=
for arg in "\${@:2}"; do
	case \$prev/\$arg in
	*/--) break ;;
	--net/none | -n/none | */--net=none) exec $(printf %q "$SLUICE") "\$@" ;;
	esac
	prev=\$arg
done
: >"$TMP/fast-path-run.\$\$" # counted by done_testing
exec $(printf %q "$SLUICE") run --fast-path "\${@:2}"
EOF
	chmod 0755 "$TMP/sluice"
	SLUICE=$TMP/sluice
fi

# sl ARGS...: sluice as the mode's user, with a time limit so no test can hang.
sl() { as_user timeout -k 5 30 "$SLUICE" "$@"; }

ok() { test_count=$((test_count + 1)); echo "ok $test_count - $*"; }
not_ok() { test_count=$((test_count + 1)); echo "not ok $test_count - $*"; }
skip() { test_count=$((test_count + 1)); echo "ok $test_count - $1 # SKIP $2"; }
diag() { printf '# %s\n' "$@"; }

# check DESC CMD...: pass when CMD succeeds.
check() {
	local desc=$1
	shift
	if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}

# check_eq DESC EXPECTED ACTUAL
check_eq() {
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		not_ok "$1"
		diag "expected: $(printf %q "$2")" "     got: $(printf %q "$3")"
	fi
}

# check_match DESC REGEX ACTUAL
check_match() {
	if [[ $3 =~ $2 ]]; then
		ok "$1"
	else
		not_ok "$1"
		diag "expected to match: $2" "got: $(printf %q "$3")"
	fi
}

# wait_until SECONDS CMD...: poll CMD every 50 ms until it succeeds or SECONDS pass.
wait_until() {
	local deadline=$((SECONDS + $1)) i
	shift
	for ((i = 0; i < 2000; i++)); do
		"$@" && return 0
		[ $SECONDS -ge $deadline ] && return 1
		sleep 0.05
	done
	return 1
}

# pids_with_cmdline "CMD ARGS": host pids whose whole command line is exactly that.
pids_with_cmdline() {
	local p line
	for p in /proc/[0-9]*; do
		line=$(tr '\0' ' ' 2>/dev/null <"$p/cmdline") || continue
		[ "$line" = "$1 " ] && echo "${p#/proc/}"
	done
	return 0
}

# sluice_pids: the pids of running processes of the sluice binary under test (by executable, so
# another build's or another suite's sluice does not count).
sluice_pids() {
	local p exe
	exe=$(readlink -f "$SLUICE_BINARY")
	for p in $(pgrep -x sluice); do
		[ "$(readlink "/proc/$p/exe" 2>/dev/null)" = "$exe" ] && echo "$p"
	done
	return 0
}

# has_cmdline "CMD ARGS": is a process with exactly that command line running?
has_cmdline() { [ -n "$(pids_with_cmdline "$1")" ]; }

# pid_gone PID: the process no longer exists, or is a zombie (it holds nothing any more).
pid_gone() {
	local state
	state=$(awk '/^State:/ {print $2}' "/proc/$1/status" 2>/dev/null)
	[ -z "$state" ] || [ "$state" = Z ]
}

# kill_tree PID: SIGKILL PID and all its descendants (children first found, then killed).
kill_tree() {
	local pid=$1 child
	for child in $(pgrep -P "$pid" 2>/dev/null); do kill_tree "$child"; done
	kill -KILL "$pid" 2>/dev/null
	return 0
}

done_testing() {
	local runs
	if [ "${SLUICE_TEST_FAST_PATH:-}" = 1 ]; then # else the pass proves nothing of the fast path
		runs=$(find "$TMP" -maxdepth 1 -name 'fast-path-run.*' | wc -l)
		check "the fast path was on for $runs sluice runs" test "$runs" -gt 0
	fi
	echo "1..$test_count"
	exit 0
}

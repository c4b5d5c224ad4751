#!/bin/bash
# t60_cleanup: nothing outlives the sandbox, not even when sluice or the program is killed
# with SIGKILL: no process, no namespace, no mount, no file; but for the state file and
# control socket of a session whose supervisor was killed, which `sluice gc` removes (the
# name stays taken until the supervisor is proven gone).
. "$(dirname "$0")/lib.sh"

# What earlier runs left for gc (a killed session's files, an empty runtime directory) is
# removed first, so that sluice removing it during this test is no difference.
sl gc >/dev/null 2>&1
mounts_before=$(wc -l </proc/self/mountinfo)
tmp_before=$(ls -A /tmp /dev/shm /run 2>/dev/null | grep -v "^$(basename "$TMP")$" | sort)

# ns_in_use INODE-LINK: is any process still in that namespace?
ns_in_use() {
	local p
	for p in /proc/[0-9]*/ns/net; do
		[ "$(readlink "$p" 2>/dev/null)" = "$1" ] && return 0
	done
	return 1
}
gone() { ! has_cmdline "$1"; }

for victim in sluice program init; do
	marker="sleep 31$RANDOM"
	as_user timeout -k 5 60 "$SLUICE" run -- $marker &
	runner=$!
	cleanup_push "kill_tree $runner"
	if ! wait_until 10 has_cmdline "$marker"; then
		not_ok "SIGKILL of the $victim: the program started"
		continue
	fi
	inner=$(pids_with_cmdline "$marker" | head -1)
	netns=$(readlink "/proc/$inner/ns/net")
	sluice_pid=$(pgrep -f "^$SLUICE run -- $marker" | head -1)
	init_pid=$(pgrep -P "$sluice_pid" | head -1)
	case $victim in
	sluice) kill -KILL "$sluice_pid" ;;
	program) kill -KILL "$inner" ;;
	init) kill -KILL "$init_pid" ;;
	esac
	wait "$runner"
	status=$?
	if [ $victim = sluice ]; then
		check_eq "SIGKILL of sluice: it dies of it" 137 "$status"
	else
		check_eq "SIGKILL of the $victim: sluice exits 137" 137 "$status"
	fi
	check "SIGKILL of the $victim: the program is gone" wait_until 5 gone "$marker"
	check "SIGKILL of the $victim: the sandbox's network namespace is gone" \
		wait_until 5 eval "! ns_in_use '$netns'"
	check "SIGKILL of the $victim: sluice's init is gone" wait_until 5 pid_gone "$init_pid"
done

# The killed sluice's session files were taken over by the next run of the same name (its
# supervisor provably gone); gc removes any left (t97 tests gc itself).
sl gc >/dev/null 2>&1
check_eq "no mount left in the host's namespace" "$mounts_before" "$(wc -l </proc/self/mountinfo)"
check_eq "no file left in /tmp, /dev/shm or /run" "$tmp_before" \
	"$(ls -A /tmp /dev/shm /run 2>/dev/null | grep -v "^$(basename "$TMP")$" | sort)"

# Normal end: many sandboxes in a row leave no process and no namespace behind.
for i in 1 2 3 4 5; do sl run -- true; done
# Zombies do not count: a sandbox init orphaned by the SIGKILL tests above waits for the host's
# pid 1 to reap it, which holds no namespace and nothing else.
# Only this binary's processes: another checkout's sluice (a benchmark, say) is not ours.
live_sluice() {
	local pid
	for pid in $(sluice_pids); do
		ps -o pid=,stat=,args= -p "$pid" | awk '$2 !~ /^Z/'
	done
	return 0
}
check_eq "after normal runs no sluice process remains" "" "$(live_sluice)"

done_testing

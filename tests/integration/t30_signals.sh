#!/bin/bash
# t30_signals: signals sent to sluice reach the program once; the init reaps orphans.
# fast-path-suite
. "$(dirname "$0")/lib.sh"

# sluice's own process, found by its command line: the binary itself (with --fast-path
# added in the fast-path pass, whose wrapper execs it).
running_sluice() { pgrep -f "^$SLUICE_BINARY run (--fast-path )?-- sh -c" | head -1; }

# The program traps SIG, writes its name to a file, exits 42.  Send SIG to sluice itself.
for sig in INT TERM HUP QUIT USR1 USR2 WINCH; do
	out=$TMP/got-$sig
	as_user timeout -k 5 30 "$SLUICE" run -- sh -c "
		trap 'echo $sig >>$out; exit 42' $sig
		echo ready >$out.ready
		i=0; while [ \$i -lt 200 ]; do sleep 0.05; i=\$((i + 1)); done; exit 7" &
	pid=$!
	cleanup_push "kill_tree $pid"
	wait_until 10 test -e "$out.ready"
	# The sandbox's sh reports its killed sleep ("Terminated"), as it would without sluice.
	sluice_pid=$(running_sluice)
	kill -s "$sig" "$sluice_pid"
	wait "$pid"
	status=$?
	check_eq "SIG$sig reaches the program (exit 42)" "42" "$status"
	check_eq "SIG$sig is delivered exactly once" "$sig" "$(cat "$out" 2>/dev/null)"
done

# A shell's Ctrl-C in a pipeline signals the whole process group: the program must see it once.
out=$TMP/group-int
as_user timeout -k 5 30 setsid "$SLUICE" run -- sh -c "
	trap 'echo INT >>$out; exit 42' INT
	echo ready >$out.ready
	i=0; while [ \$i -lt 200 ]; do sleep 0.05; i=\$((i + 1)); done; exit 7" &
pid=$!
cleanup_push "kill_tree $pid"
wait_until 10 test -e "$out.ready"
sluice_pid=$(running_sluice)
kill -INT -- "-$sluice_pid"
wait "$pid"
check_eq "SIGINT to sluice's process group: program exits 42" 42 "$?"
check_eq "SIGINT to sluice's process group: delivered once" "INT" "$(cat "$out")"

# Orphans: a grandchild whose parent exits is reaped by the sandbox init, no zombie remains.
out=$(sl run -- sh -c '(sleep 0.2 & exit 0); sh -c "exit 0" & sleep 0.6
	for s in /proc/[0-9]*/stat; do cut -d" " -f3 "$s"; done | grep -c Z')
check_eq "orphans are reaped (no zombies)" "0" "$out"

out=$(sl run -- sh -c 'cat /proc/1/comm; cut -d" " -f4 /proc/self/stat')
check_match "pid 1 is sluice's init" '^sluice' "$out"

# When the program exits, what it left running in the sandbox is killed with it.
sl run -- sh -c "sleep 300.$$ & exit 0"
check_eq "background processes die with the program" "" "$(pids_with_cmdline "sleep 300.$$")"

done_testing

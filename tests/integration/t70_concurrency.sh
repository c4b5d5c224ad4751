#!/bin/bash
# t70_concurrency: sandboxes side by side, from scripts without a terminal, and inside a
# network namespace someone else made.
. "$(dirname "$0")/lib.sh"

# Two at once, each sees its own host name and its own pid namespace.
sl run --hostname one -- sh -c 'sleep 0.5; hostname; ls -d /proc/[0-9]* | wc -l' >"$TMP/one" &
a=$!
sl run --hostname two -- sh -c 'sleep 0.5; hostname; ls -d /proc/[0-9]* | wc -l' >"$TMP/two" &
b=$!
cleanup_push "kill_tree $a; kill_tree $b"
wait $a
ra=$?
wait $b
rb=$?
check_eq "two sandboxes at once both succeed" "0 0" "$ra $rb"
check_eq "the first sees its own host name" "one" "$(head -1 "$TMP/one")"
check_eq "the second sees its own host name" "two" "$(head -1 "$TMP/two")"
check_match "neither sees the other's processes" '^[2-4]$' "$(tail -1 "$TMP/one")"

# Ten at once.
pids=()
for i in $(seq 1 10); do
	sl run --hostname "n$i" -- hostname >"$TMP/n$i" &
	pids+=($!)
done
cleanup_push "for p in ${pids[*]}; do kill_tree \$p; done"
fails=0
for p in "${pids[@]}"; do wait "$p" || fails=$((fails + 1)); done
check_eq "ten sandboxes at once all succeed" 0 "$fails"
check_eq "each of the ten got its own host name" "n7" "$(cat "$TMP/n7")"

# From a script with no controlling terminal at all (setsid: new session, no tty).
check_eq "no controlling terminal" "ok" "$(as_user setsid -w timeout 30 "$SLUICE" run -- echo ok </dev/null)"

# Inside a network namespace the test made (as a user would inside someone else's).
ns=sluice-t70-$$
ip netns add "$ns"
cleanup_push "ip netns delete $ns"
ip -n "$ns" link set lo up
out=$(ip netns exec "$ns" setpriv --reuid=$([ "$MODE" = rootless ] && echo "$TEST_UID" || echo 0) \
	--regid=$([ "$MODE" = rootless ] && echo "$TEST_UID" || echo 0) --clear-groups \
	env PATH=/usr/bin:/bin:/usr/sbin:/sbin timeout 30 "$SLUICE" run -- readlink /proc/self/ns/net)
check_match "works inside a namespace someone else made" '^net:\[[0-9]+\]$' "$out"
check "and its own network namespace differs from that one" \
	test "$out" != "$(ip netns exec "$ns" readlink /proc/self/ns/net)"
ip netns delete "$ns"

done_testing

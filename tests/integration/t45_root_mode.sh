#!/bin/bash
# t45_root_mode: root mode is not a way out.  As root, sluice used to run the program as the
# host's uid 0 without capabilities; the kernel checks many writes by owner alone, so that uid
# could set kernel.core_pattern to a pipe helper (which the kernel then ran as full root in the
# host's namespaces), read root's private files and sockets, and write any root-owned file.
# Now, in every mode and with or without --map-root: no write to /proc/sys, /sys or any
# host-global setting, and nothing of root's is reachable.  Each probe has its anti-test: a
# uid 0 without capabilities outside sluice (what the program used to be) succeeds.
. "$(dirname "$0")/lib.sh"

# uid0_nocaps CMD...: what the program was before: uid 0, every capability gone.
uid0_nocaps() { setpriv --reuid=0 --regid=0 --clear-groups --inh-caps=-all --bounding-set=-all -- "$@"; }

pattern=/proc/sys/kernel/core_pattern
orig_pattern=$(cat $pattern)
restore_pattern() { [ "$(cat $pattern)" = "$orig_pattern" ] || printf '%s\n' "$orig_pattern" >$pattern; }
cleanup_push restore_pattern

helper=$TMP/core-helper
printf '#!/bin/sh\ntouch %s/helper-ran\n' "$TMP" >"$helper"
chmod 0755 "$helper"
# The probe: set a pipe helper, then crash (no core file: ulimit 0 does not stop a pipe).
crash_probe="echo '|$helper' >$pattern; ulimit -c 0; sh -c 'kill -SEGV \$\$'; true"

# Named for the escape the review found: the core_pattern pipe helper of a crashed program.
for variant in "" -r; do
	label="root-mode escape via core_pattern${variant:+ ($variant)}"
	rm -f "$TMP/helper-ran"
	out=$(sl run $variant -- sh -c "$crash_probe" 2>&1)
	check_eq "$label: the host's core_pattern is unchanged" "$orig_pattern" "$(cat $pattern)"
	restore_pattern
	sleep 0.5 # a pipe helper would have been started at the crash, before sluice ended
	check "$label: no helper ran outside" test ! -e "$TMP/helper-ran"
	check_match "$label: the write was refused" 'Read-only file system|Permission denied' "$out"
done
# Anti-test: uid 0 without capabilities, outside sluice, sets it and the helper runs as root.
rm -f "$TMP/helper-ran"
uid0_nocaps sh -c "$crash_probe" >/dev/null 2>&1
check_eq "anti-test: uid 0 without capabilities can set core_pattern" "|$helper" "$(cat $pattern)"
wait_until 5 test -e "$TMP/helper-ran"
restore_pattern
check "anti-test: ... and the kernel runs its helper on a crash" test -e "$TMP/helper-ran"
check_eq "the host's core_pattern is restored" "$orig_pattern" "$(cat $pattern)"

# /proc/sys (also the sysctls of the sandbox's own netns), /sys: read-only in every variant.
for variant in "" -r; do
	out=$(sl run $variant -- sh -c '{ echo 99 >/proc/sys/net/ipv4/ip_default_ttl; } 2>/dev/null;
		cat /proc/sys/net/ipv4/ip_default_ttl;
		awk "\$5 == \"/sys\" || \$5 == \"/proc/sys\" {print \$5, \$6}" /proc/self/mountinfo | sort -u')
	check_eq "netns sysctl not writable${variant:+ ($variant)}" "64" "$(head -1 <<<"$out")"
	check_match "/proc/sys is mounted read-only${variant:+ ($variant)}" $'/proc/sys ro,' "$out"
	check_match "/sys is mounted read-only${variant:+ ($variant)}" $'/sys ro,' "$out"
done
# Anti-tests: a fresh netns's sysctl is writable by uid 0 without capabilities (root), and by
# the mapped root of a new user namespace (what --map-root is, rootless).
check_eq "anti-test: uid 0 without capabilities writes a netns sysctl" "99" \
	"$(unshare --net sh -c 'uid0_sh() { setpriv --reuid=0 --regid=0 --clear-groups --inh-caps=-all --bounding-set=-all -- "$@"; }
		uid0_sh sh -c "echo 99 >/proc/sys/net/ipv4/ip_default_ttl"; cat /proc/sys/net/ipv4/ip_default_ttl')"
check_eq "anti-test: a user namespace's root writes its netns sysctl" "99" \
	"$(as_user unshare -Urn sh -c 'echo 99 >/proc/sys/net/ipv4/ip_default_ttl; cat /proc/sys/net/ipv4/ip_default_ttl')"

# Masked kernel files: an empty mount covers each one present on this kernel.
masked=$(sl run -- awk '$5 ~ "^/proc/(timer_list|keys|kcore|sched_debug)$" {print $5}' /proc/self/mountinfo | sort | tr '\n' ' ')
expect=""
for f in /proc/keys /proc/kcore /proc/sched_debug /proc/timer_list; do [ -e $f ] && expect+="$f "; done
check_eq "kernel files are masked inside" "$expect" "$masked"
check_eq "anti-test: they are not mount points outside" "" \
	"$(awk '$5 ~ "^/proc/(timer_list|keys|kcore|sched_debug)$"' /proc/self/mountinfo)"

# Root's own files and sockets.
secret=$TMP/root-only-secret
echo s3cret >"$secret"
chown root:root "$secret"
chmod 0600 "$secret"
rootfile=$TMP/root-owned
echo original >"$rootfile"
chown root:root "$rootfile"
chmod 0644 "$rootfile"
sockdir=$TMP/root-daemon
mkdir -m 0700 "$sockdir"
socat UNIX-LISTEN:"$sockdir/control",fork SYSTEM:'echo private-key' </dev/null >/dev/null 2>&1 &
socat_pid=$!
cleanup_push "kill $socat_pid"
wait_until 5 test -S "$sockdir/control"
for variant in "" -r; do
	v=${variant:+ ($variant)}
	check_eq "root's 0600 file is unreadable$v" "" "$(sl run $variant -- cat "$secret" 2>/dev/null)"
	sl run $variant -- sh -c "echo changed >$rootfile" 2>/dev/null
	check_eq "a root-owned file is not writable$v" original "$(cat "$rootfile")"
	check_eq "root's 0700 control socket is unreachable$v" "" \
		"$(sl run $variant -- socat -T2 - UNIX-CONNECT:"$sockdir/control" </dev/null 2>/dev/null)"
done
check_eq "anti-test: uid 0 without capabilities reads root's 0600 file" s3cret "$(uid0_nocaps cat "$secret")"
check_eq "anti-test: ... reaches root's control socket" private-key \
	"$(uid0_nocaps socat -T2 - UNIX-CONNECT:"$sockdir/control" </dev/null)"
uid0_nocaps sh -c "echo changed >$rootfile"
check_eq "anti-test: ... writes a root-owned file" changed "$(cat "$rootfile")"

# sluice inside sluice as uid 0 (--map-root): the real cause is named, not a seccomp filter.
out=$(sl run -r -- "$SLUICE" run -- true 2>&1)
check_match "sluice inside sluice as uid 0: names CAP_SETFCAP" 'cannot map uid 0.*CAP_SETFCAP' "$out"
check_eq "... and does not blame a seccomp filter" "" "$(grep -i seccomp <<<"$out")"

done_testing

#!/bin/bash
# t43_secrets: SLUICE_PASSWORD and SLUICE_PASSWORD_N stay with sluice.  The program's
# environment does not hold them, no process inside can read them from /proc/*/environ, and
# sluice's own processes (supervisor and sandbox init) no longer hold the values in their
# environment blocks while they run.  Anti-tests: a non-secret variable set the same way is
# seen everywhere the secrets are looked for, so every search would find what it looks for.
# fast-path-suite: runs again with --fast-path (tests/run)
. "$(dirname "$0")/lib.sh"

export SLUICE_PASSWORD=secretXYZ-$$ SLUICE_PASSWORD_1=secretONE-$$ SLUICE_NOT_SECRET=visibleXYZ-$$
secrets="-e secretXYZ-$$ -e secretONE-$$"

out=$(sl run -- env)
check_match "anti-test: a non-secret variable reaches the program" "SLUICE_NOT_SECRET=visibleXYZ-$$" "$out"
check_eq "the program's environment has no SLUICE_PASSWORD*" 0 \
	"$(grep -c -e '^SLUICE_PASSWORD=' -e '^SLUICE_PASSWORD_1=' <<<"$out")"
check_eq "... nor their values" 0 "$(grep -c $secrets <<<"$out")"

# Every /proc/PID/environ the program can read (its own, its shell's; the init's if allowed).
out=$(sl run -- sh -c 'for f in /proc/[0-9]*/environ; do cat "$f" 2>/dev/null; echo; done' | tr '\0' '\n')
check_match "anti-test: /proc/*/environ inside shows the non-secret value" "visibleXYZ-$$" "$out"
check_eq "/proc/*/environ inside shows no secret" 0 "$(grep -c $secrets <<<"$out")"

# From outside, while sluice runs: its processes' environment blocks (the kernel shows the
# initial block, which unsetenv() alone does not clear).
marker="sleep 25.$RANDOM"
sl run -- $marker >/dev/null 2>&1 &
bg=$!
cleanup_push "kill_tree $bg"
if wait_until 20 pgrep -xf "$marker" >/dev/null; then
	sluices=$(sluice_pids)
	n=$(wc -w <<<"$sluices")
	check "sluice's supervisor and init are found (by their executable): $n" test "$n" -ge 2
	envs=$(for p in $sluices; do tr '\0' '\n' <"/proc/$p/environ"; done)
	check_eq "anti-test: each sluice process shows the non-secret value" "$n" \
		"$(grep -c "visibleXYZ-$$" <<<"$envs")"
	check_eq "no sluice process holds a secret value in its environment block" 0 \
		"$(grep -c $secrets <<<"$envs")"
else
	not_ok "sluice starts a program (to look at its processes)"
fi
kill_tree $bg
wait $bg 2>/dev/null

done_testing

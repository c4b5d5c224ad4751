#!/bin/bash
# t97_sessions: named sessions with the real sluice: run --name, exec, ls, status, stop, gc.
# An exec'd program must be inside all of the session's namespaces (compared with the first
# program's, with an anti-test outside) and get the first one's treatment (capabilities,
# no_new_privs, seccomp, fds, secrets); its exit status comes back; the session outlives its
# first program while an exec'd one runs and ends with the last; a program inside cannot
# reach the control socket (it is there outside: the anti-test); a forged request gets an
# error and the session carries on; SIGKILL of a supervisor, then gc, leaves nothing.  With
# the lab, an exec'd program reaches the far end through the session's hop.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lab.sh"

S=t97s$$ # session names of this run: nobody else's
if [ "$MODE" = root ]; then BASE=/run/sluice; else BASE=/tmp/sluice-$TEST_UID; fi
# The mode's user sees no XDG_RUNTIME_DIR here (tests/run starts from a bare environment).
unset XDG_RUNTIME_DIR

# bg_run NAME ARGS...: `sluice run --name NAME ARGS...` in the background; its pid in BG_PID.
bg_run() {
	local name=$1
	shift
	as_user timeout -k 5 60 "$SLUICE" run --name "$name" "$@" </dev/null >"$TMP/$name.out" \
		2>"$TMP/$name.err" &
	BG_PID=$!
	cleanup_push "kill_tree $BG_PID"
}
session_up() { sl ls --json 2>/dev/null | grep -q "\"name\": \"$1\""; }
session_gone() { ! session_up "$1" && [ ! -e "$BASE/$1.sock" ] && [ ! -e "$BASE/$1.json" ]; }
quiet() { "$@" >/dev/null 2>&1; }
# sup_pid NAME: the session's supervisor pid, as its status tells it.
sup_pid() { sl status "$1" --json | sed -n 's/.*"supervisor_pid": \([0-9]*\).*/\1/p'; }

# --- run, ls, status -------------------------------------------------------------------------
bg_run "$S-a" --net none --hostname boxa -- sh -c "readlink /proc/self/ns/net > $TMP/first.ns; readlink /proc/self/ns/mnt >> $TMP/first.ns; exec sleep 30"
if wait_until 10 session_up "$S-a"; then ok "run --name: the session is listed by ls --json"; else
	not_ok "run --name: the session is listed by ls --json"; diag "$(cat "$TMP/$S-a.err")"; fi
SUP=$(sup_pid "$S-a")
check_eq "status --json: the supervisor pid is sluice's" "$(readlink -f "$SLUICE")" \
	"$(readlink "/proc/$SUP/exe" 2>/dev/null)"
check_match "ls: one line with name and pid" "$S-a +$SUP +[0-9]+s +0 +0 B +direct" "$(sl ls)"
status=$(sl status "$S-a" --json)
check_match "status --json: no hops, the first program running, no exec'd one" \
	"\"program_running\": true, *\"exec_pids\": \[\], *\"hops\": \[\], *\"published\": \[\]" "$(tr -d '\n' <<<"$status")"
check "the control socket and the state file exist, in a 0700 directory" \
	test -S "$BASE/$S-a.sock" -a -f "$BASE/$S-a.json" -a "$(stat -c %a "$BASE")" = 700

# --- exec: same namespaces, same treatment -----------------------------------------------------
wait_until 5 test -s "$TMP/first.ns"
inner=$(sl exec "$S-a" -- sh -c 'readlink /proc/self/ns/net; readlink /proc/self/ns/mnt')
check_eq "exec: the program is in the first program's network and mount namespaces" \
	"$(cat "$TMP/first.ns")" "$inner"
check_match "anti-test: outside, the namespaces differ" "." \
	"$([ "$(as_user sh -c 'readlink /proc/self/ns/net; readlink /proc/self/ns/mnt')" != "$inner" ] && echo differ)"
check_eq "exec: the session's host name and pid namespace (its init is pid 1)" "boxa 1" \
	"$(sl exec "$S-a" -- sh -c 'echo $(hostname) $(cut -d" " -f1 /proc/1/stat)')"
treat=$(sl exec "$S-a" -- grep -E '^(CapEff|CapPrm|NoNewPrivs|Seccomp):' /proc/self/status | awk '{print $2}' | tr '\n' ' ')
check_eq "exec: no capabilities, no_new_privs, seccomp filter" "0000000000000000 0000000000000000 1 2 " "$treat"
check_eq "anti-test: a plain process has no seccomp filter" "0" \
	"$(as_user awk '/^Seccomp:/ {print $2}' /proc/self/status)"
fds=$(as_user sh -c "exec 7>$TMP/fd7; '$SLUICE' exec '$S-a' -- ls /proc/self/fd" | sort -n | tr '\n' ' ')
check_eq "exec: only fds 0-2 reach the program (fd 7 of the caller does not)" "0 1 2 3 " "$fds"
check_match "anti-test: without sluice fd 7 is inherited" " 7 " \
	" $(as_user sh -c "exec 7>$TMP/fd7; ls /proc/self/fd" | tr '\n' ' ')"
check_eq "exec: SLUICE_PASSWORD is not inherited" "unset" \
	"$(as_user env SLUICE_PASSWORD=hunter2 "$SLUICE" exec "$S-a" -- sh -c 'echo ${SLUICE_PASSWORD-unset}')"
check_eq "exec: the caller's working directory, where it exists inside" "$TMP" \
	"$(cd "$TMP" && sl exec "$S-a" -- pwd)"
uid_inside=$(sl exec "$S-a" -- id -u)
if [ "$MODE" = root ]; then
	check_eq "exec as root: the program runs as nobody, as the first one does" 65534 "$uid_inside"
else
	check_eq "exec rootless: the program runs as the caller" "$TEST_UID" "$uid_inside"
fi

# Exit status passed back, as for run.
sl exec "$S-a" -- sh -c 'exit 7'
check_eq "exec: the program's exit status" 7 $?
sl exec "$S-a" -- sh -c 'kill -9 $$'
check_eq "exec: killed by signal 9 -> 137" 137 $?
sl exec "$S-a" -- no-such-program-t97 2>"$TMP/e.err"
check_eq "exec: a missing program -> 127" 127 $?
check_match "  ... with the message" "no-such-program-t97: command not found" "$(cat "$TMP/e.err")"
sl exec "t97-no-such-session" -- true 2>"$TMP/e.err"
check_eq "exec: no such session -> 125" 125 $?
check_match "  ... with the message" "no session named 't97-no-such-session'; 'sluice ls' lists them" "$(cat "$TMP/e.err")"

# --- shell, on a terminal (tmux), as a person would use it ------------------------------------
sock=$TMP/tmux.sock
tm() { as_user tmux -S "$sock" "$@"; }
screen() { tm capture-pane -p -t t -S -100 | sed -e 's/ *$//'; }
screen_has() { screen | grep -Eq -- "$1"; }
step() {
	if wait_until 10 screen_has "$2"; then ok "$1"; else not_ok "$1"; screen | tail -8 | sed 's/^/#   | /'; fi
}
run_line() { tm send-keys -t t -l "$1"; tm send-keys -t t Enter; }
tm -f /dev/null new-session -d -s t -x 100 -y 30 \
	"env PS1='outer\$ ' HISTFILE=/dev/null bash --norc --noprofile -i"
cleanup_push "as_user tmux -S '$sock' kill-server"
step "shell: the outer shell is ready" '^outer\$$'
run_line "env PS1='inner\$ ' SHELL=/bin/sh $SLUICE shell $S-a"
step "shell: \$SHELL starts inside, on the terminal" '^inner\$$'
run_line 'echo host=$(hostname) tty=$(test -t 0 && echo yes)'
step "shell: it is in the session (its host name), stdin a terminal" '^host=boxa tty=yes$'
run_line 'stty size'
step "shell: the terminal's real size" '^30 100$'
run_line 'sleep 100'
sleep 0.5
tm send-keys -t t C-c
run_line 'echo after-sleep=$?'
step "shell: Ctrl-C reaches the program inside, not sluice" '^after-sleep=130$'
run_line 'exit 3'
run_line 'echo shell-rc=$?'
step "shell: its exit status comes back" '^shell-rc=3$'

# --- cp and mv, both ways --------------------------------------------------------------------
as_user mkdir -p "$TMP/out" "$TMP/here"
sl exec "$S-a" -- sh -c "mkdir -p $TMP/in/sub && echo hello > $TMP/in/a.txt && echo deep > $TMP/in/sub/b && ln -s /etc/hostname $TMP/in/link"
sl cp "$S-a:$TMP/in/a.txt" "$TMP/out/"
check_eq "cp NAME:/FILE DIR: the file comes out" "hello" "$(cat "$TMP/out/a.txt" 2>/dev/null)"
sl cp "$S-a:$TMP/in" "$TMP/out/x" 2>"$TMP/e.err"
check_eq "cp of a directory without -r: exit 1" 1 $?
check_match "  ... with the message" "$TMP/in: a directory \(use -r\)" "$(cat "$TMP/e.err")"
sl cp -r "$S-a:$TMP/in" "$TMP/out/tree"
check_eq "cp -r: the tree comes out" "a.txt link sub sub/b" \
	"$(cd "$TMP/out/tree" 2>/dev/null && find . -mindepth 1 | sed 's|^\./||' | sort | tr '\n' ' ' | sed 's/ $//')"
check "cp -r: a symbolic link stays a link (never followed)" test -L "$TMP/out/tree/link"
echo "from the host" | as_user sh -c "cat > '$TMP/here/h.txt'"
sl cp "$TMP/here/h.txt" "$S-a:$TMP/in/h2.txt"
check_eq "cp FILE NAME:/PATH: the file goes in, under the new name" "from the host" \
	"$(sl exec "$S-a" -- cat "$TMP/in/h2.txt")"
check_eq "  ... owned by the session's program user" \
	"$(sl exec "$S-a" -- id -u)" "$(stat -c %u "$TMP/in/h2.txt")"
sl mv "$S-a:$TMP/in/h2.txt" "$TMP/out/moved.txt"
check "mv NAME:/FILE DIR: moved out" test -f "$TMP/out/moved.txt" -a ! -e "$TMP/in/h2.txt"
sl mv "$TMP/out/moved.txt" "$S-a:$TMP/in/"
check "mv FILE NAME:/DIR: moved back in" test -f "$TMP/in/moved.txt" -a ! -e "$TMP/out/moved.txt"
# A link planted inside where the copy goes: written through, it would reach outside.
as_user sh -c "echo untouched > '$TMP/victim'"
sl exec "$S-a" -- ln -s "$TMP/victim" "$TMP/in/trap"
sl cp "$TMP/here/h.txt" "$S-a:$TMP/in/trap" 2>"$TMP/e.err"
check_eq "cp onto a symbolic link planted inside: refused (exit 1)" 1 $?
check_eq "  ... the link's target is untouched" "untouched" "$(cat "$TMP/victim")"
as_user cp "$TMP/here/h.txt" "$TMP/in/trap"
check_eq "anti-test: a plain cp writes through the link" "from the host" "$(cat "$TMP/victim")"
sl cp "$TMP/here/h.txt" "$TMP/out/" 2>"$TMP/e.err"
check_eq "cp with no session path: exit 125" 125 $?

# --- the control socket is not reachable from inside ------------------------------------------
check_eq "inside, sluice's runtime directory is empty (the control sockets are covered)" "" \
	"$(sl exec "$S-a" -- ls -A "$BASE" 2>&1)"
sl exec "$S-a" -- "$SLUICE" status "$S-a" >/dev/null 2>&1
check "inside, 'sluice status' cannot reach the session" test $? -ne 0
check "anti-test: outside, it can" quiet sl status "$S-a"

# A session whose directory is not covered in this sandbox (another XDG_RUNTIME_DIR): the
# supervisor itself refuses a peer from inside a sandbox.  (As root the directory is always
# /run/sluice, and a program inside never runs as root.)
if [ "$MODE" = rootless ]; then
as_user mkdir -m 0700 "$TMP/xdg"
as_user env XDG_RUNTIME_DIR="$TMP/xdg" timeout -k 5 60 "$SLUICE" run --name "$S-g" --net none \
	-- sleep 30 </dev/null >/dev/null 2>&1 &
cleanup_push "kill_tree $!"
wait_until 10 test -S "$TMP/xdg/sluice/$S-g.sock"
as_user env XDG_RUNTIME_DIR="$TMP/xdg" "$SLUICE" status "$S-g" >/dev/null 2>&1
check_eq "anti-test: outside, a session in another XDG_RUNTIME_DIR answers" 0 $?
sl exec "$S-a" -- env XDG_RUNTIME_DIR="$TMP/xdg" "$SLUICE" status "$S-g" >"$TMP/e.out" 2>&1
check "inside another sandbox, where its socket is visible, it does not answer" \
	test $? -ne 0 -a -S "$TMP/xdg/sluice/$S-g.sock"
as_user env XDG_RUNTIME_DIR="$TMP/xdg" "$SLUICE" stop "$S-g"
fi

# A forged and a malformed request: an error answer, and the session carries on.
forge() {
	as_user python3 - "$BASE/$S-a.sock" "$1" <<'EOF'
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
s.settimeout(5)
s.connect(sys.argv[1])
s.send(sys.argv[2].encode())
print(s.recv(65536).decode())
EOF
}
check_match "a request with a foreign key gets an error answer" '"ok":false.*unexpected key' \
	"$(forge '{"sluice": 1, "op": "join", "argv": ["sh"]}')"
check_match "a malformed request gets an error answer" '"ok":false.*not JSON' \
	"$(forge '{"sluice": 1, "op": ')"
check_match "'started' without a join is refused" '"ok":false' \
	"$(forge '{"sluice": 1, "op": "started", "pid": 1}')"
check "the session still answers" quiet sl status "$S-a"

# --- names: taken, generated ---------------------------------------------------------------
sl run --name "$S-a" --net none -- touch "$TMP/second-started" 2>"$TMP/e.err"
check_eq "a second session of a running name: exit 125" 125 $?
check_match "  ... with the message" "a session named '$S-a' runs already \(pid $SUP\)" "$(cat "$TMP/e.err")"
check "  ... and nothing started" test ! -e "$TMP/second-started"

# Two sessions of one program (or profile) do not clobber each other: NAME, then NAME-2.
as_user mkdir -p "$TMP/bin"
as_user ln -s "$(command -v sleep)" "$TMP/bin/t97p$$"
bg_run_gen() {
	as_user timeout -k 5 60 "$SLUICE" run --net none -- "$TMP/bin/t97p$$" 20 </dev/null \
		>/dev/null 2>&1 &
	cleanup_push "kill_tree $!"
}
bg_run_gen
wait_until 10 session_up "t97p$$"
bg_run_gen
wait_until 10 session_up "t97p$$-2"
check "a name made from the program: t97p$$, then t97p$$-2 for a second one" \
	eval 'session_up "t97p$$" && session_up "t97p$$-2"'
check "  ... each its own supervisor" \
	test "$(sup_pid "t97p$$")" != "$(sup_pid "t97p$$-2")" -a -n "$(sup_pid "t97p$$-2")"
sl stop --time 1 "t97p$$"
sl stop --time 1 "t97p$$-2"

# --- the first program ends while an exec'd one runs: the session stays ------------------------
first_pid=$BG_PID
as_user timeout -k 5 60 "$SLUICE" exec "$S-a" -- sh -c "sleep 2; echo exec-done > $TMP/exec.done" &
exec_pid=$!
cleanup_push "kill_tree $exec_pid"
sleep 0.5
sl exec "$S-a" -- sh -c 'kill $(pgrep -x sleep | head -1)' # the first program's sleep: pid 2..
wait_until 5 grep -q "stays" "$TMP/$S-a.err"
check "the first program ended, the session stays while the exec'd one runs" session_up "$S-a"
wait "$exec_pid"
check_eq "  ... the exec'd program ran to its end" "exec-done" "$(cat "$TMP/exec.done" 2>/dev/null)"
wait_until 10 session_gone "$S-a"
check "  ... then the session ended, its socket and state file removed" session_gone "$S-a"
wait "$first_pid"
check_eq "  ... and run exits with the first program's status (SIGTERM: 143)" 143 $?

# ... and a SIGTERM to that waiting `sluice run` ends them, as stop does.
bg_run "$S-h" --net none -- sleep 1
wait_until 10 session_up "$S-h"
h_sup=$(sup_pid "$S-h")
as_user timeout -k 5 60 "$SLUICE" exec "$S-h" -- sleep 50 &
exec_pid=$!
cleanup_push "kill_tree $exec_pid"
wait_until 10 grep -q "stays" "$TMP/$S-h.err"
kill -TERM "$h_sup"
wait "$exec_pid"
check_eq "SIGTERM to a run that waits for an exec'd program: that program ends (143)" 143 $?
wait_until 10 session_gone "$S-h"
check "  ... and the session is gone" session_gone "$S-h"

# --- stop ----------------------------------------------------------------------------------
bg_run "$S-b" --net none -- sleep 50
wait_until 10 session_up "$S-b"
as_user timeout -k 5 60 "$SLUICE" exec "$S-b" -- sleep 50 &
exec_pid=$!
cleanup_push "kill_tree $exec_pid"
wait_until 5 sh -c "sl status '$S-b' --json | grep -q '\"exec_pids\": \[$'" 2>/dev/null
sleep 0.3
start=$SECONDS
sl stop "$S-b"
check_eq "stop: exit 0" 0 $?
check "stop: it returned at once (the programs obey SIGTERM)" test $((SECONDS - start)) -le 3
check "stop: the session is gone, files removed" session_gone "$S-b"
wait "$BG_PID"
check_eq "stop: run's program ended by SIGTERM (143)" 143 $?
wait "$exec_pid"
check_eq "stop: the exec'd program too (143)" 143 $?

bg_run "$S-c" --net none -- sh -c 'trap "" TERM; while :; do sleep 0.1; done'
wait_until 10 session_up "$S-c"
start=$SECONDS
sl stop --time 1 "$S-c"
check_eq "stop --time 1 of a program that ignores SIGTERM: exit 0" 0 $?
elapsed=$((SECONDS - start))
check "  ... killed after the grace period (1-4 s, took ${elapsed}s)" test "$elapsed" -ge 1 -a "$elapsed" -le 4
check "  ... and the session is gone" session_gone "$S-c"

# --- SIGKILL of the supervisor, then gc ------------------------------------------------------
bg_run "$S-d" --net none -- sleep 50
wait_until 10 session_up "$S-d"
real_sup=$(sup_pid "$S-d")
check_match "  (its supervisor: pid $real_sup, sluice)" "sluice run --name $S-d " \
	"$(tr '\0' ' ' <"/proc/$real_sup/cmdline" 2>/dev/null)"
kill -KILL "$real_sup"
wait_until 5 pid_gone "$real_sup"
check "after SIGKILL of the supervisor its state file is left" test -e "$BASE/$S-d.json"
sl status "$S-d" 2>"$TMP/e.err"
check_match "  ... status says it is gone" "session '$S-d' is gone" "$(cat "$TMP/e.err")"
echo '{"pid": 1}' | as_user sh -c "cat > '$BASE/$S-x.json'"
sl gc 2>"$TMP/gc.err"
check_eq "gc: exit 0" 0 $?
check_match "  ... it says what it removed" "removed session '$S-d'" "$(cat "$TMP/gc.err")"
check "  ... the killed session's files are gone" test ! -e "$BASE/$S-d.json" -a ! -e "$BASE/$S-d.sock"
check "  ... a state file it cannot judge is left alone" test -e "$BASE/$S-x.json"
check_match "  ... and named" "left alone: .*$S-x.json" "$(cat "$TMP/gc.err")"
rm -f "$BASE/$S-x.json"
rmdir "$BASE" 2>/dev/null

# --- --ip-netns: the session's network namespace where `ip netns` looks (root only) ---------
if [ "$MODE" = root ]; then
	bg_run "$S-n" --ip-netns -- sleep 30
	wait_until 10 session_up "$S-n"
	wait_until 10 test -e "/run/netns/sluice-$S-n" # bound once the sandbox exists
	check_match "--ip-netns: 'ip netns list' shows sluice-NAME" "sluice-$S-n" "$(ip netns list 2>/dev/null)"
	inner_ns=$(sl exec "$S-n" -- readlink /proc/self/ns/net)
	check_eq "  ... it is the session's network namespace" "$inner_ns" \
		"net:[$(stat -L -c %i "/run/netns/sluice-$S-n")]"
	check_match "  ... 'ip netns exec' reaches the sandbox's interfaces" "198\.18\.0\.2/30" \
		"$(ip netns exec "sluice-$S-n" ip -br addr)"
	n_sup=$(sup_pid "$S-n")
	kill -KILL "$n_sup"
	wait_until 5 pid_gone "$n_sup"
	check "  ... after SIGKILL of the supervisor the binding is left (it holds the namespace)" \
		test -e "/run/netns/sluice-$S-n"
	echo '{"sluice": 1, "name": "'"$S-m"'", "profile": "", "pid": 999999999, "start_time": 1, "started": 1, "netns_inode": 1}' \
		>"/run/sluice/$S-m.json"
	touch "/run/netns/sluice-$S-m"
	sl gc 2>/dev/null
	check "  ... gc removes it: no binding, no mount" \
		test ! -e "/run/netns/sluice-$S-n" -a -z "$(grep "sluice-$S-n" /proc/self/mountinfo)"
	check "  ... but leaves a file of that name that is not the recorded namespace" \
		test -e "/run/netns/sluice-$S-m"
	rm -f "/run/netns/sluice-$S-m"
else
	sl run --ip-netns -- true 2>"$TMP/e.err"
	check_eq "--ip-netns rootless: exit 125" 125 $?
	check_match "  ... with the message" "--ip-netns needs root" "$(cat "$TMP/e.err")"
fi

# --- exec through the session's hop, seen at the far end ------------------------------------
if lab_up && lab_target_http && lab_socks_dante px1 1080; then
	bg_run "$S-e" --via "socks5://$LAB_PX1:1080" -- sleep 30
	wait_until 15 session_up "$S-e"
	check_eq "exec: curl arrives at the far end from the session's socks5 hop" "$LAB_PX1" \
		"$(sl exec "$S-e" -- curl -s -m 5 "http://$LAB_TARGET/")"
	check_eq "anti-test: without sluice the target sees the client" "$LAB_CLIENT" \
		"$(as_user curl -s -m 5 "http://$LAB_TARGET/")"
	check_match "status: the hop, up, with that connection counted" \
		'"kind": "socks5".*"state": "up".*"connections": 1' \
		"$(sl status "$S-e" --json | tr -d '\n')"
	sl stop "$S-e"
	wait "$BG_PID"
else
	not_ok "the lab comes up"
fi
check "no session of this test is left" test -z "$(ls "$BASE" 2>/dev/null | grep "^$S")"

done_testing

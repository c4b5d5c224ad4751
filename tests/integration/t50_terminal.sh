#!/bin/bash
# t50_terminal: an interactive shell inside sluice, driven through tmux as a person would:
# terminal size, Ctrl-C, Ctrl-Z / jobs / fg inside, Ctrl-Z of sluice itself from the outer
# shell, resizing, and the terminal restored afterwards.
. "$(dirname "$0")/lib.sh"

if ! command -v tmux >/dev/null; then
	skip "terminal tests" "tmux is not installed"
	done_testing
fi

sock=$TMP/tmux.sock
tm() { as_user tmux -S "$sock" "$@"; }
tm -f /dev/null new-session -d -s t -x 120 -y 40 \
	"env PS1='outer\$ ' HISTFILE=/dev/null bash --norc --noprofile -i"
cleanup_push "as_user tmux -S '$sock' kill-server"
# The pane's text, trailing blank lines and trailing spaces dropped.
screen() { tm capture-pane -p -t t -S -200 | sed -e 's/ *$//' -e :a -e '/^\n*$/{$d;N;ba' -e '}'; }
send() { tm send-keys -t t "$@"; }
# expect REGEX: wait until a line of the screen matches REGEX (extended).
screen_has() { screen | grep -Eq -- "$1"; }
expect() { wait_until 10 screen_has "$1"; }
# run_line TEXT: type TEXT and Enter.
run_line() { send -l "$1"; send Enter; }
step() {
	local desc=$1 regex=$2
	if expect "$regex"; then ok "$desc"; else not_ok "$desc"; screen | sed 's/^/#   | /' | tail -15; fi
}

step "the outer shell is ready" '^outer\$$'
run_line "stty -g > $TMP/stty.before"
run_line "$SLUICE run -- env PS1='inner\$ ' HISTFILE=/dev/null bash --norc --noprofile -i"
step "an interactive shell starts inside" '^inner\$$'
run_line "echo host=\$(hostname)"
step "the shell runs in the sandbox" '^host=sluice$'
run_line "stty size"
step "the terminal size is the real one" '^40 120$'

run_line "sleep 100"
sleep 0.3
send C-c
run_line "echo alive-1"
step "Ctrl-C stops the foreground job, the shell lives on" '^alive-1$'

run_line "sleep 101"
sleep 0.3
send C-z
step "Ctrl-Z stops a job inside" 'Stopped +sleep 101'
run_line "jobs"
step "the shell's job table has it" '^\[1\]\+ +Stopped +sleep 101'
run_line "fg"
sleep 0.3
send C-c
run_line "echo alive-2"
step "fg resumes it, Ctrl-C ends it" '^alive-2$'

tm resize-window -t t -x 100 -y 30 2>/dev/null || tm resize-pane -t t -x 100 -y 30
sleep 0.3
run_line "stty size"
step "a resize reaches the program" '^30 100$'

run_line "exit 7"
step "exit returns to the outer shell" '^outer\$$'
run_line "echo rc=\$?"
step "the outer shell sees the exit status" '^rc=7$'

run_line "$SLUICE run -- sleep 102"
sleep 0.5
send C-z
step "Ctrl-Z of a plain program stops sluice for the outer shell" 'Stopped +.*sluice run -- sleep 102'
run_line "fg"
sleep 0.5
send C-c
run_line "echo rc2=\$?"
step "fg resumes, Ctrl-C ends the program: 130" '^rc2=130$'

run_line "$SLUICE run -- sh -c 'stty raw -echo; kill -KILL \$\$'; echo rc3=\$?"
step "a program killed in raw mode: 137" 'rc3=137'
run_line "stty -g > $TMP/stty.after"
wait_until 5 test -s "$TMP/stty.after"
check_eq "the terminal settings are restored" "$(cat "$TMP/stty.before" 2>/dev/null)" \
	"$(cat "$TMP/stty.after" 2>/dev/null)"

done_testing

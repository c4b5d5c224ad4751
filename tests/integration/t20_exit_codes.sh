#!/bin/bash
# t20_exit_codes: sluice run exits with the program's status, 128+N for signal N, 125 for its
# own failures, 126 for "cannot execute", 127 for "not found"; -q and -v shape its messages.
. "$(dirname "$0")/lib.sh"

status_of() { sl "$@" >/dev/null 2>&1; echo $?; }

check_eq "exit 0" 0 "$(status_of run -- true)"
check_eq "exit 1" 1 "$(status_of run -- false)"
check_eq "exit 3" 3 "$(status_of run -- sh -c 'exit 3')"
check_eq "exit 255" 255 "$(status_of run -- sh -c 'exit 255')"
check_eq "killed by SIGTERM: 143" 143 "$(status_of run -- sh -c 'kill -TERM $$')"
check_eq "killed by SIGKILL: 137" 137 "$(status_of run -- sh -c 'kill -KILL $$')"
check_eq "killed by SIGSEGV: 139" 139 "$(status_of run -- sh -c 'kill -SEGV $$')"

check_eq "command not found: 127" 127 "$(status_of run -- no-such-command-xyz)"
check_match "command not found: says so" '^sluice: no-such-command-xyz: command not found$' \
	"$(sl run -- no-such-command-xyz 2>&1)"
check_eq "missing path: 127" 127 "$(status_of run -- /no/such/file)"
printf '#!/bin/sh\necho hi\n' >"$TMP/not-executable"
chmod 0644 "$TMP/not-executable"
check_eq "not executable: 126" 126 "$(status_of run -- "$TMP/not-executable")"
check_match "not executable: says so" 'permission denied' "$(sl run -- "$TMP/not-executable" 2>&1)"
check_eq "a directory: 126" 126 "$(status_of run -- /etc)"

check_eq "bad usage: 125" 125 "$(status_of run --no-such-option -- true)"
check_match "bad usage: says which option" "unknown option '--no-such-option'" \
	"$(sl run --no-such-option -- true 2>&1)"
check_eq "no program: 125" 125 "$(status_of run)"
check_eq "--pass-fd of a closed fd: 125" 125 "$(status_of run --pass-fd 77 -- true)"
check_match "--pass-fd of a closed fd: says which" '--pass-fd 77: not an open file descriptor' \
	"$(sl run --pass-fd 77 -- true 2>&1)"
check_eq "unknown command: 125" 125 "$(status_of frobnicate)"

check_eq "-q: nothing from sluice on success" "" "$(sl -q run -- true 2>&1)"
check_match "-q: a fatal error is still printed" 'command not found' "$(sl -q run -- no-such-command-xyz 2>&1)"
verbose=$(sl -v run -- true 2>&1)
check_match "-v: shows the namespace step" 'creating .*network, mount, pid, uts and ipc namespaces' "$verbose"
check_match "-v: shows the /proc step" 'mounting a new /proc' "$verbose"
check_match "-v: shows loopback" 'bringing up loopback' "$verbose"
check_eq "no -v: silent on success" "" "$(sl run -- true 2>&1)"

done_testing

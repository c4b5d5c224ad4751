#!/bin/bash
# t42_host_sockets: no name lookup inside the sandbox reaches a name-service daemon of the host
# (nscd, systemd-resolved, avahi), which would resolve outside, around sluice's hops.
#
# Nothing on the real host changes: the test runs in a mount namespace of its own (unshare -m)
# with a tmpfs over /run, where it puts stub listeners at the daemons' socket paths (each logs
# any connection), and later a real nscd.  sluice runs in that mount namespace too, so the
# sockets are "the host's" for it.  Every "not reached inside" has its anti-test: the same
# lookup or connect outside sluice, in the same namespace, as the same user, reaches the stub.
# fast-path-suite: runs again with --fast-path (tests/run)
if [ -z "${SLUICE_T42_MNTNS:-}" ]; then
	# Re-run in a private mount namespace (before lib.sh: its EXIT trap must run in there).
	SLUICE_T42_MNTNS=1 exec unshare --mount --propagation private -- "$0" "$@"
fi
. "$(dirname "$0")/lib.sh"

if ! mount -t tmpfs -o mode=0755,size=4m slc-t42-run /run; then
	not_ok "a private /run for the stubs"
	done_testing
fi
ok "a private /run for the stubs (in the test's own mount namespace)"
mkdir -p /run/nscd /run/systemd/resolve /run/avahi-daemon
# A symlink target in a hidden directory, as on hosts with systemd-resolved's stub resolver.
echo "nameserver 10.99.99.99" >/run/systemd/resolve/stub-resolv.conf

# The stubs: unix stream listeners that log "PATH COMM" per connection and close it (COMM: the
# connecting process's name, from its credentials; the probes wait for the close, so it is
# still there).  Wrappers such as setpriv may look names up too; the checks count the probes'
# own connections (getent, socat).
cat >"$TMP/stub.py" <<'PY'
import os, select, socket, sys
log = open(sys.argv[1], "a", buffering=1)
socks = {}
for path in sys.argv[2:]:
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(path)
    os.chmod(path, 0o777)
    s.listen(16)
    socks[s.fileno()] = (s, path)
print("ready", file=log)
while True:
    for fd in select.select(list(socks), [], [])[0]:
        s, path = socks[fd]
        c, _ = s.accept()
        pid = int.from_bytes(c.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, 12)[:4], "little")
        try:
            comm = open("/proc/%d/comm" % pid).read().strip()
        except OSError:
            comm = "?"
        print(path, comm, file=log)
        c.close()
PY
stub_paths="/run/nscd/socket /run/systemd/resolve/io.systemd.Resolve /run/avahi-daemon/socket"
log=$TMP/stub.log
: >"$log"
chmod 0666 "$log"
/usr/bin/python3 "$TMP/stub.py" "$log" $stub_paths &
stub=$!
# kill_if PID NAME: stop PID if it is still that process (a recycled PID is left alone).
kill_if() { grep -qF "$2" "/proc/$1/cmdline" 2>/dev/null && kill "$1"; }
cleanup_push "kill_if $stub stub.py"
if ! wait_until 10 grep -q ready "$log"; then
	not_ok "the stub listeners start"
	done_testing
fi
ok "the stub listeners start"
# connections PATH COMM: how many connections COMM made to PATH so far.  The stub logs after
# the client is gone: more_than waits (bounded) for a new one; settled lets a late one arrive.
connections() { grep -c "^$1 $2\$" "$log"; }
more_than() {
	local i
	for ((i = 0; i < 50; i++)); do
		[ "$(connections "$2" "$3")" -gt "$1" ] && return 0
		sleep 0.1
	done
	return 1
}
settled() { sleep 0.5; connections "$@"; }

name=slc-probe-$$.test
# nscd: glibc asks it for every lookup, whatever nsswitch.conf says.
# --dns none: the lookup inside ends at once (no DNS), after asking nscd if it could.
before=$(connections /run/nscd/socket getent)
as_user timeout 10 getent hosts "$name" >/dev/null
check "anti-test: getent outside sluice connects to the nscd stub" \
	more_than "$before" /run/nscd/socket getent
before=$(connections /run/nscd/socket getent)
sl run --dns none -- timeout 10 getent hosts "$name" >/dev/null 2>&1
rc=$?
check "getent inside sluice ran (exit $rc: 2 is 'not found')" test $rc = 2
check_eq "getent inside sluice does not connect to the nscd stub" "$before" \
	"$(settled /run/nscd/socket getent)"

# Each socket directly (what nss-resolve, nss-mdns or any program asking the daemon does).
for path in $stub_paths; do
	before=$(connections "$path" socat)
	as_user socat -u "UNIX-CONNECT:$path" /dev/null 2>/dev/null
	check "anti-test: a connect to $path outside reaches the stub" \
		more_than "$before" "$path" socat
	before=$(connections "$path" socat)
	out=$(sl run -- socat -u "UNIX-CONNECT:$path" /dev/null 2>&1)
	check_match "a connect to $path inside fails: no such file" 'No such file' "$out"
	check_eq "... and the stub saw nothing" "$before" "$(settled "$path" socat)"
done
check_eq "the hidden directories are empty inside but for stand-ins of regular files" \
	"/run/systemd/resolve/stub-resolv.conf" \
	"$(sl run -- sh -c 'ls -d /run/nscd/* /run/avahi-daemon/* /run/systemd/resolve/* 2>/dev/null')"
check "the stub's sockets are still there outside (hidden, not deleted)" \
	eval 'for p in $stub_paths; do [ -S "$p" ] || exit 1; done'
kill_if "$stub" stub.py
wait "$stub" 2>/dev/null

# /etc/resolv.conf as a symlink into a hidden directory (systemd-resolved's stub resolver) still
# gets sluice's file: the test's namespace gets a copy of /etc with that symlink.
cp -a /etc "$TMP/etc"
ln -sf ../run/systemd/resolve/stub-resolv.conf "$TMP/etc/resolv.conf"
mount --bind "$TMP/etc" /etc
check_eq "anti-test: outside, /etc/resolv.conf leads into the hidden directory" \
	"nameserver 10.99.99.99" "$(cat /etc/resolv.conf)"
check_match "inside, /etc/resolv.conf is sluice's" '^# written by sluice' \
	"$(sl run -- cat /etc/resolv.conf 2>&1)"
umount /etc

# nsswitch.conf: the test's (in its namespace) asks resolve and mdns; inside it is files dns.
printf 'passwd: files systemd\ngroup: files\nhosts: files mdns4_minimal [NOTFOUND=return] resolve dns\n' \
	>"$TMP/nsswitch.conf"
mount --bind "$TMP/nsswitch.conf" /etc/nsswitch.conf
out=$(sl run -- cat /etc/nsswitch.conf)
check_eq "inside, nsswitch.conf says hosts: files dns, in its only hosts: line" \
	"hosts:          files dns" "$(grep '^hosts:' <<<"$out")"
check_eq "... and keeps the other lines as they are" "passwd: files systemd|group: files" \
	"$(grep -e '^passwd:' -e '^group:' <<<"$out" | paste -sd '|')"
check_match "anti-test: outside, nsswitch.conf asks resolve" 'hosts: .*resolve' \
	"$(cat /etc/nsswitch.conf)"
umount /etc/nsswitch.conf
# Root mode runs the program as nobody (tests/run clears SUDO_UID and the like).
if [ "$MODE" = root ]; then expected_user=nobody; else expected_user=$(as_user id -un 2>&1); fi
check_eq "user names still resolve inside" "$expected_user" "$(sl run -- id -un 2>&1)"

# A real nscd, with a host entry only it can give inside (the sandbox has its own /etc/hosts).
if ! command -v nscd >/dev/null; then
	not_ok "nscd is installed (tools/install-deps installs it)"
	done_testing
fi
mount -t tmpfs -o mode=0755,size=4m slc-t42-nscd /var/cache/nscd
printf '127.0.0.1 localhost\n10.99.7.7 %s\n' "$name" >"$TMP/hosts"
mount --bind "$TMP/hosts" /etc/hosts
mkdir -p /run/nscd
nscd -d >"$TMP/nscd.log" 2>&1 &
nscd=$!
cleanup_push "kill_if $nscd nscd"
if wait_until 10 test -S /run/nscd/socket; then
	ok "nscd starts in the test's namespace"
	out=$(as_user timeout 10 getent hosts "$name")
	check_match "anti-test: getent outside gets the entry from nscd's view" '^10\.99\.7\.7 ' "$out"
	# Its socket may exist a moment before it serves: ask again (bounded) until it logs one.
	for ((i = 0; i < 20; i++)); do
		grep -q "$name" "$TMP/nscd.log" && break
		as_user timeout 10 getent hosts "$name" >/dev/null
		sleep 0.25
	done
	check "anti-test: nscd logged the lookup" grep -q "$name" "$TMP/nscd.log"
	sleep 0.5 # its log is written by worker threads: let them finish
	requests=$(grep -c "$name" "$TMP/nscd.log")
	out=$(sl run --dns none -- timeout 10 getent hosts "$name" 2>&1)
	check_eq "getent inside sluice does not get nscd's answer" "" "$out"
	sleep 0.5
	check_eq "nscd saw no lookup from inside" "$requests" "$(grep -c "$name" "$TMP/nscd.log")"
else
	not_ok "nscd starts in the test's namespace"
	diag "$(tail -5 "$TMP/nscd.log")"
fi
kill_if "$nscd" nscd
wait "$nscd" 2>/dev/null
umount /etc/hosts
umount /var/cache/nscd

done_testing

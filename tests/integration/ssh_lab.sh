# SPDX-License-Identifier: GPL-2.0-or-later
# ssh_lab.sh - a real OpenSSH server in a lab host and an ssh user set up the ordinary way
# (~/.ssh/config, keys, known_hosts), for the ssh hop's tests and benchmark (sourced after
# lib.sh and lab.sh, not run).  It owns the sshd, its host key and authorized keys, and the
# login user's passwd entry and ~/.ssh; it does not own the lab itself (lab.sh) or sluice.
#
# The user.  ssh runs as the mode's user: root, or TEST_UID, which has no passwd entry on the
# host, and the ssh client refuses to run for a uid without one; it also reads ~/.ssh from
# the passwd home, never from $HOME.  So a test that uses this file runs in a private mount
# namespace of its own, where /etc/passwd and /etc/group are bind-mounted copies: one with an
# entry "sluicetest" for TEST_UID, and root's home moved, both to SSH_LAB_HOME ($TMP/home),
# owned by the mode's user.  Nothing changes outside the test's namespaces; everything the
# test starts (as_user, sl, sluice, ssh, the lab's servers through `ip netns exec`) sees the
# copies.  A test file opens with (before lib.sh, whose EXIT trap must run in there):
#
#	if [ -z "${SLUICE_SSH_LAB_MNTNS:-}" ]; then
#		SLUICE_SSH_LAB_MNTNS=1 exec unshare --mount --propagation private -- "$0" "$@"
#	fi
#
# The server.  ssh_lab_sshd runs /usr/sbin/sshd -D -e as root in a lab host, with a config,
# a host key and authorized keys of its own under $LAB_DIR/ssh (nothing of /etc/ssh, no system
# service), in one more mount namespace with a tmpfs over /run (sshd's privilege separation
# directory /run/sshd, which only a running system service would have made) and an empty
# /etc/ssh (so it cannot read the host's config or keys by accident).  Public keys
# only, TCP forwarding allowed, LogLevel VERBOSE: each connection's client address is in the
# log (ssh_lab_sshd_log).
#
# The client side.  ssh_lab_user_setup writes, in SSH_LAB_HOME/.ssh (mode 0700, the user's):
#   id_ed25519        the identity the server accepts (no passphrase)
#   id_ed25519_pass   a second accepted key, with the passphrase SSH_LAB_PASSPHRASE
#   config            Host $SSH_LAB_ALIAS: the lab server, id_ed25519, strict host-key
#                     checking; Host $SSH_LAB_ALIAS-pass: the same with id_ed25519_pass
#   known_hosts       the server's real host key
# ssh_lab_wrong_hostkey, ssh_lab_unknown_hostkey and ssh_lab_wrong_key break one of them;
# ssh_lab_user_restore mends them.  ssh_lab_agent starts an ssh-agent of the user's holding
# the passphrase key (ssh_lab_agent_stop ends it).  Tests run ssh, and sluice, with as_user
# as always (SSH_AUTH_SOCK is unset: no agent of the caller's takes part).  ssh does not read
# $HOME (as_user sets it to $TMP); it finds ~/.ssh through the passwd home.

SSH_LAB_DIR=$LAB_DIR/ssh
SSH_LAB_HOME=$TMP/home
SSH_LAB_ALIAS=sluice-lab
SSH_LAB_PASSPHRASE=lab-pass-phrase-8
SSH_LAB_HOST="" SSH_LAB_PORT=""
if [ "$MODE" = rootless ]; then SSH_LAB_USER=sluicetest; else SSH_LAB_USER=root; fi
unset SSH_AUTH_SOCK SSH_AGENT_PID

# ssh_lab_private_mounts: is this shell in a mount namespace of its own, not the one it was
# started from (its parent's; pid 1's may be unreadable, as in some VMs), with no shared
# propagation at /etc (a bind mount there would reach other namespaces)?
ssh_lab_private_mounts() {
	local self
	self=$(readlink /proc/self/ns/mnt) || return 1
	[ "$self" != "$(readlink "/proc/$PPID/ns/mnt" 2>/dev/null)" ] &&
		[ "$self" != "$(readlink /proc/1/ns/mnt 2>/dev/null)" ] &&
		[[ $(findmnt -n -o PROPAGATION --target /etc/passwd) != *shared* ]]
}

# ssh_lab_init: the passwd and group copies, bind-mounted (once per test).  Refuses to run
# outside a private mount namespace: the bind mounts would change the host.
ssh_lab_init() {
	[ -e "$SSH_LAB_DIR/passwd" ] && return 0
	if ! ssh_lab_private_mounts; then
		lab_fail "ssh_lab: not in a private mount namespace of its own (see the head of ssh_lab.sh)"
		return 1
	fi
	mkdir -p "$SSH_LAB_DIR/authorized_keys" "$SSH_LAB_HOME" || return 1
	chmod 0755 "$SSH_LAB_DIR" "$SSH_LAB_DIR/authorized_keys"
	if [ "$MODE" = rootless ]; then
		if getent passwd "$TEST_UID" >/dev/null; then
			lab_fail "ssh_lab: uid $TEST_UID has a passwd entry already; the lab adds its own"
			return 1
		fi
		cp /etc/passwd "$SSH_LAB_DIR/passwd"
		cp /etc/group "$SSH_LAB_DIR/group"
		echo "$SSH_LAB_USER:x:$TEST_UID:$TEST_UID:sluice test user:$SSH_LAB_HOME:/bin/sh" \
			>>"$SSH_LAB_DIR/passwd"
		echo "$SSH_LAB_USER:x:$TEST_UID:" >>"$SSH_LAB_DIR/group"
		chown "$TEST_UID:$TEST_UID" "$SSH_LAB_HOME"
	else
		awk -F: -v OFS=: -v home="$SSH_LAB_HOME" '$3 == 0 { $6 = home } { print }' \
			/etc/passwd >"$SSH_LAB_DIR/passwd"
		cp /etc/group "$SSH_LAB_DIR/group"
	fi
	chmod 0644 "$SSH_LAB_DIR/passwd" "$SSH_LAB_DIR/group"
	chmod 0700 "$SSH_LAB_HOME"
	mount --bind "$SSH_LAB_DIR/passwd" /etc/passwd || return 1
	cleanup_push "umount /etc/passwd"
	mount --bind "$SSH_LAB_DIR/group" /etc/group || return 1
	cleanup_push "umount /etc/group"
	[ "$(getent passwd "$SSH_LAB_USER" | cut -d: -f6)" = "$SSH_LAB_HOME" ] ||
		{ lab_fail "ssh_lab: the passwd copy does not give $SSH_LAB_USER the home $SSH_LAB_HOME"; return 1; }
}

# ssh_lab_sshd HOST PORT: sshd in lab host HOST, on all of its addresses, port PORT; returns
# once it listens.  The first call makes the host key ($SSH_LAB_DIR/host_ed25519), later ones
# (a restart after lab_kill HOST:PORT) reuse it.  Its log is ssh_lab_sshd_log HOST PORT.
ssh_lab_sshd() {
	local h=$1 port=$2 conf=$SSH_LAB_DIR/sshd-$1-$2.conf
	ssh_lab_init || return 1
	[ -x /usr/sbin/sshd ] || { lab_fail "ssh_lab: /usr/sbin/sshd is missing (openssh-server)"; return 1; }
	if [ ! -e "$SSH_LAB_DIR/host_ed25519" ]; then
		ssh-keygen -q -t ed25519 -N '' -C sluice-lab-host -f "$SSH_LAB_DIR/host_ed25519" || return 1
	fi
	cat >"$conf" <<EOF
# sluice test lab: nothing from /etc/ssh, public keys only.
Port $port
ListenAddress 0.0.0.0
ListenAddress ::
HostKey $SSH_LAB_DIR/host_ed25519
PidFile none
UsePAM no
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
AuthenticationMethods publickey
PermitRootLogin prohibit-password
AuthorizedKeysFile $SSH_LAB_DIR/authorized_keys/%u
# \$TMP is world-writable (the test user writes there); StrictModes would refuse the keys.
StrictModes no
AllowTcpForwarding yes
AllowAgentForwarding no
AllowStreamLocalForwarding no
X11Forwarding no
PermitTunnel no
UseDNS no
PrintMotd no
LogLevel VERBOSE
MaxStartups 100:30:200
EOF
	# A tmpfs over /run in a mount namespace of sshd's own: /run/sshd must exist and the host's
	# /run must not change.  An empty /etc/ssh there too, so nothing of the host's is read.
	cat >"$SSH_LAB_DIR/sshd-run.sh" <<'EOF'
#!/bin/sh
mount -t tmpfs -o mode=0755,size=1m sl-ssh-lab-run /run && mkdir -m 0755 /run/sshd || exit 1
if [ -d /etc/ssh ]; then mount -t tmpfs -o mode=0755,size=1m sl-ssh-lab-etc /etc/ssh || exit 1; fi
exec /usr/sbin/sshd -D -e -E "$2" -f "$1"
EOF
	chmod 0755 "$SSH_LAB_DIR/sshd-run.sh"
	lab_start "$h" "$port" "sshd-$h-$port" unshare --mount --propagation private -- \
		"$SSH_LAB_DIR/sshd-run.sh" "$conf" "$SSH_LAB_DIR/sshd-$h-$port.log" || return 1
	SSH_LAB_HOST=$h SSH_LAB_PORT=$port
}

# ssh_lab_sshd_log HOST PORT: the sshd's log so far (all its starts), e.g. lines
# "Connection from 10.77.0.1 port 40000 on 10.77.0.11 port 22 rdomain """ and
# "Accepted publickey for root from 10.77.0.1 port 40000 ssh2: ED25519 SHA256:...".
# (sshd ends its stderr lines with CR LF; the CRs are taken out.)
ssh_lab_sshd_log() { tr -d '\r' <"$SSH_LAB_DIR/sshd-$1-$2.log" 2>/dev/null; }

# ssh_lab_sshd_clients HOST PORT: the client address of each connection so far, one a line.
ssh_lab_sshd_clients() {
	ssh_lab_sshd_log "$1" "$2" | sed -n 's/.*Connection from \([^ ]*\) port [0-9]* on .*/\1/p'
}

# ssh_lab_as_owner CMD...: CMD as the mode's user (who owns SSH_LAB_HOME).
ssh_lab_as_owner() {
	if [ "$MODE" = rootless ]; then
		setpriv --reuid="$TEST_UID" --regid="$TEST_UID" --clear-groups -- "$@"
	else
		"$@"
	fi
}

# ssh_lab_known_hosts KEYFILE.pub: the known_hosts line for the lab server with that key.
ssh_lab_known_hosts() {
	local a name
	a=$(lab_addr "$SSH_LAB_HOST") || return 1
	name=$a
	[ "$SSH_LAB_PORT" = 22 ] || name="[$a]:$SSH_LAB_PORT"
	echo "$name $(cut -d' ' -f1,2 "$1")"
}

# ssh_lab_user_setup: the mode's user's ~/.ssh for the sshd last started (see the head of
# this file); the server accepts both keys.  Run again, it starts afresh.
ssh_lab_user_setup() {
	local d=$SSH_LAB_HOME/.ssh a
	[ -n "$SSH_LAB_HOST" ] || { lab_fail "ssh_lab_user_setup: start ssh_lab_sshd first"; return 1; }
	ssh_lab_init || return 1
	a=$(lab_addr "$SSH_LAB_HOST") || return 1
	rm -rf "$d" "$SSH_LAB_DIR/spare"
	ssh_lab_as_owner mkdir -m 0700 "$d" || return 1
	# Keys are made by the user, so they are the user's with the modes ssh insists on.
	ssh_lab_as_owner ssh-keygen -q -t ed25519 -N '' -C "$SSH_LAB_USER@lab" -f "$d/id_ed25519" &&
		ssh_lab_as_owner ssh-keygen -q -t ed25519 -N "$SSH_LAB_PASSPHRASE" -C "$SSH_LAB_USER@lab-pass" \
			-f "$d/id_ed25519_pass" || return 1
	# Spares for ssh_lab_wrong_key and ssh_lab_user_restore.
	mkdir -p "$SSH_LAB_DIR/spare"
	ssh-keygen -q -t ed25519 -N '' -C wrong-host -f "$SSH_LAB_DIR/spare/wrong_host_ed25519" &&
		ssh_lab_as_owner ssh-keygen -q -t ed25519 -N '' -C "$SSH_LAB_USER@not-authorized" \
			-f "$d/not_authorized_ed25519" || return 1
	cp -p "$d/id_ed25519" "$d/good_ed25519" && cp -p "$d/id_ed25519.pub" "$d/good_ed25519.pub" || return 1
	cat "$d/id_ed25519.pub" "$d/id_ed25519_pass.pub" >"$SSH_LAB_DIR/authorized_keys/$SSH_LAB_USER"
	chmod 0644 "$SSH_LAB_DIR/authorized_keys/$SSH_LAB_USER"
	ssh_lab_as_owner sh -c 'cat >"$1"' - "$d/config" <<EOF || return 1
# The sluice test lab's ssh server (tests/integration/ssh_lab.sh).
Host $SSH_LAB_ALIAS $SSH_LAB_ALIAS-pass
	HostName $a
	Port $SSH_LAB_PORT
	User $SSH_LAB_USER
	IdentitiesOnly yes
	StrictHostKeyChecking yes
	UserKnownHostsFile ~/.ssh/known_hosts
	GlobalKnownHostsFile /dev/null
	UpdateHostKeys no
	ConnectTimeout 5
	ServerAliveInterval 5
	ServerAliveCountMax 3
	ExitOnForwardFailure yes
Host $SSH_LAB_ALIAS
	IdentityFile ~/.ssh/id_ed25519
Host $SSH_LAB_ALIAS-pass
	IdentityFile ~/.ssh/id_ed25519_pass
EOF
	ssh_lab_user_restore
}

# ssh_lab_user_restore: known_hosts with the server's real host key, and the accepted key as
# the configured identity (undoes ssh_lab_wrong_hostkey and ssh_lab_wrong_key).
ssh_lab_user_restore() {
	local d=$SSH_LAB_HOME/.ssh
	ssh_lab_known_hosts "$SSH_LAB_DIR/host_ed25519.pub" | ssh_lab_as_owner sh -c 'cat >"$1"' - "$d/known_hosts" &&
		ssh_lab_as_owner cp -p "$d/good_ed25519" "$d/id_ed25519" &&
		ssh_lab_as_owner cp -p "$d/good_ed25519.pub" "$d/id_ed25519.pub"
}

# ssh_lab_wrong_hostkey: known_hosts names another key of the same type for the server, so
# ssh reports "REMOTE HOST IDENTIFICATION HAS CHANGED" and "Host key verification failed."
ssh_lab_wrong_hostkey() {
	ssh_lab_known_hosts "$SSH_LAB_DIR/spare/wrong_host_ed25519.pub" |
		ssh_lab_as_owner sh -c 'cat >"$1"' - "$SSH_LAB_HOME/.ssh/known_hosts"
}

# ssh_lab_unknown_hostkey: an empty known_hosts: ssh with StrictHostKeyChecking yes (the
# config's) or BatchMode refuses ("Host key verification failed."); with "ask" and a terminal
# it asks.
ssh_lab_unknown_hostkey() {
	ssh_lab_as_owner sh -c ': >"$1"' - "$SSH_LAB_HOME/.ssh/known_hosts"
}

# ssh_lab_wrong_key: the configured identity (~/.ssh/id_ed25519) becomes a key the server does
# not accept: "Permission denied (publickey)".
ssh_lab_wrong_key() {
	local d=$SSH_LAB_HOME/.ssh
	ssh_lab_as_owner cp -p "$d/not_authorized_ed25519" "$d/id_ed25519" &&
		ssh_lab_as_owner cp -p "$d/not_authorized_ed25519.pub" "$d/id_ed25519.pub"
}

# ssh_lab_askpass: prints the path of an SSH_ASKPASS program that answers SSH_LAB_PASSPHRASE,
# for a test that gives ssh the second key's passphrase without a terminal
# (SSH_ASKPASS=PATH SSH_ASKPASS_REQUIRE=force).
ssh_lab_askpass() {
	printf '#!/bin/sh\necho %s\n' "$SSH_LAB_PASSPHRASE" >"$SSH_LAB_DIR/askpass"
	chmod 0755 "$SSH_LAB_DIR/askpass"
	echo "$SSH_LAB_DIR/askpass"
}

# ssh_lab_agent: an ssh-agent as the mode's user (started and stopped by PID), holding the
# passphrase key (added through ssh_lab_askpass); sets SSH_LAB_AGENT_SOCK, its socket, for a
# test to pass as SSH_AUTH_SOCK.  Not exported: no process sees it unless a test says so.
ssh_lab_agent() {
	local sock=$TMP/ssh-agent.sock pid askpass
	askpass=$(ssh_lab_askpass)
	rm -f "$sock"
	as_user ssh-agent -D -a "$sock" >"$SSH_LAB_DIR/agent.out" 2>&1 </dev/null &
	pid=$!
	SSH_LAB_AGENT_PID=$pid
	cleanup_push "kill_tree $pid"
	wait_until 10 test -S "$sock" ||
		{ lab_fail "ssh-agent did not start: $(tail -3 "$SSH_LAB_DIR/agent.out")"; return 1; }
	as_user env SSH_AUTH_SOCK="$sock" SSH_ASKPASS="$askpass" SSH_ASKPASS_REQUIRE=force DISPLAY=none \
		timeout 10 ssh-add -q "$SSH_LAB_HOME/.ssh/id_ed25519_pass" </dev/null ||
		{ lab_fail "ssh-add of the passphrase key failed"; return 1; }
	SSH_LAB_AGENT_SOCK=$sock
}

# ssh_lab_agent_stop: stop the agent of ssh_lab_agent (SIGTERM to the ssh-agent process,
# checked by its name, so it removes its socket; SIGKILL after 5 s) and reap it.
ssh_lab_agent_stop() {
	local p pid=${SSH_LAB_AGENT_PID:-}
	[ -n "$pid" ] || return 0
	for p in "$pid" $(pgrep -P "$pid"); do
		[ "$(cat "/proc/$p/comm" 2>/dev/null)" = ssh-agent ] && kill -TERM "$p"
	done
	wait_until 5 pid_gone "$pid" || kill_tree "$pid"
	wait "$pid" 2>/dev/null
	SSH_LAB_AGENT_PID="" SSH_LAB_AGENT_SOCK=""
}

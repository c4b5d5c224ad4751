#!/bin/bash
# t95_pallium: pallium's profile format (sluice-profile(5), PALLIUM COMPATIBILITY) with the
# real sluice against the lab's real SOCKS5 servers.  The pallium profiles are those of
# pallium's own documentation (its README's "Network Chaining" hop, overview's socks hop,
# extra/profiles/tor.json, doc/examples.md), with the lab's addresses.  Where the traffic
# went is read at the far end (the address the target's HTTP server saw; the packet counters
# of the second proxy for a chain), with anti-tests: the same probe without sluice arrives
# from the client, and a one-hop run reaches the second proxy from the client.  Profiles
# sluice cannot run must fail with exit 125 and the exact message before anything starts
# (their command would create a marker file, which must not appear).
LAB_PREFIX=slpal-$$
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lab.sh"
LAB_CLIENT_IF=pal$$c

if ! lab_up || ! lab_target_http || ! lab_socks_dante px1 1080 ||
	! lab_socks_microsocks px2 1080 || ! lab_socks_microsocks px2 1081 jane.doe pass1234; then
	not_ok "the lab comes up"
	done_testing
fi
ok "the lab comes up"

T=$LAB_TARGET
P=$TMP/pallium
mkdir -p "$P"
chmod 0755 "$P"
CURL='["curl", "-s", "-m", "5", "http://'$T'/"]'

slrun() {
	sl "$@" <"${SL_IN:-/dev/null}" >"$TMP/sl.out" 2>"$TMP/sl.err"
	SL_RC=$?
	SL_OUT=$(cat "$TMP/sl.out") SL_ERR=$(cat "$TMP/sl.err")
}
why() { [ -n "$SL_ERR" ] && diag "sluice (exit $SL_RC) said: $(head -c 600 <<<"$SL_ERR")"; return 0; }
out_eq() { check_eq "$1" "$2" "$SL_OUT"; [ "$SL_OUT" = "$2" ] || why; }
# put NAME TEXT: a profile file the mode's user can read (0644: pallium's users' files are
# often so), in $P.
put() { printf '%s\n' "$2" >"$P/$1"; chmod 0644 "$P/$1"; }

check_eq "anti-test: without sluice, the target sees the client" "$LAB_CLIENT" \
	"$(as_user curl -s -m 5 "http://$T/")"

# pallium's README "Network Chaining" socks hop (address, username, password), in the older
# top-level "chain", with the lab's server.
put readme_socks.json '{
  "chain": [
    {"type": "socks", "address": "'$LAB_PX2':1081", "username": "jane.doe", "password": "pass1234"}
  ],
  "run": {"command": '"$CURL"'}
}'
slrun run --profile "$P/readme_socks.json"
out_eq "run --profile PALLIUM: the socks hop with its credentials (the target sees px2)" "$LAB_PX2"
check_match "... and a warning that others can read its password (no more)" \
	"^sluice: warning: .*readme_socks\.json holds a password and others can read it; chmod 600 it$" "$SL_ERR"

# The same hop, wrong password: it fails, nothing goes direct.
sed 's/pass1234/wrong/' "$P/readme_socks.json" >"$P/wrongpw.json"
chmod 0644 "$P/wrongpw.json"
slrun run --profile "$P/wrongpw.json"
check "a wrong password: the program gets nothing from the target" [ "$SL_OUT" != "$LAB_PX2" ] 
check "... and certainly not the client's own address" [ "$SL_OUT" != "$LAB_CLIENT" ]

# network.chain (and its alias networking): dante, then microsocks with credentials.
put chain2.json '{
  "network": {
    "chain": [
      {"type": "socks", "address": "'$LAB_PX1':1080"},
      {"type": "socks", "address": "'$LAB_PX2':1081", "username": "jane.doe", "password": "pass1234"}
    ],
    "kill_switch": true
  },
  "sandbox": {"hostname": "palbox"},
  "run": {"command": ["sh", "-c", "curl -s -m 5 http://'$T'/; hostname"]}
}'
lab_counters_reset
slrun run --profile "$P/chain2.json"
out_eq "network.chain of two socks hops: the target sees the last; sandbox.hostname is set" \
	"$LAB_PX2"$'\n'palbox
check "... px2 was reached from px1" test "$(lab_seen px2 px1 tcp)" -gt 0
check_eq "... and never from the client" 0 "$(lab_seen px2 client tcp)"
lab_counters_reset
slrun run --profile "$P/readme_socks.json"
check "anti-test: with one hop, px2 is reached from the client (so the counter can see it)" \
	test "$(lab_seen px2 client tcp)" -gt 0
sed 's/"network"/"networking"/' "$P/chain2.json" >"$P/networking.json"
chmod 0644 "$P/networking.json"
slrun run --profile "$P/networking.json"
out_eq "networking, another name of network: the same" "$LAB_PX2"$'\n'palbox
slrun run --via "socks5://$LAB_PX1:1080" --profile "$P/chain2.json" -- curl -s -m 5 "http://$T/"
out_eq "the command line's --via and program win over the pallium profile" "$LAB_PX1"

# import-pallium: stdout, then -o (mode 0600, never over a file without --force); the
# output passes profile check and runs the same way.
slrun profile import-pallium "$P/readme_socks.json"
want='{
  "description": "translated from the pallium profile readme_socks.json",
  "hops": [
    "socks5://jane.doe:pass1234@'$LAB_PX2':1081"
  ],
  "command": [
    "curl",
    "-s",
    "-m",
    "5",
    "http://'$T'/"
  ]
}'
out_eq "import-pallium FILE: the sluice profile on stdout" "$want"
check_eq "... exit 0, nothing on stderr" "0:" "$SL_RC:$SL_ERR"
OUTDIR=$TMP/out
mkdir -p "$OUTDIR"
[ "$MODE" = rootless ] && chown "$TEST_UID" "$OUTDIR"
slrun profile import-pallium "$P/chain2.json" -o "$OUTDIR/chain2.json"
check_eq "import-pallium -o OUT: exit 0" 0 "$SL_RC"
check_eq "... OUT has mode 0600 (it may hold passwords)" 600 "$(stat -c %a "$OUTDIR/chain2.json")"
slrun profile check "$OUTDIR/chain2.json"
check_eq "... and passes sluice profile check" "ok: $OUTDIR/chain2.json" "$SL_OUT"
slrun run --profile "$OUTDIR/chain2.json"
out_eq "... and runs as the pallium profile does" "$LAB_PX2"$'\n'palbox
before=$(sha256sum <"$OUTDIR/chain2.json")
slrun profile import-pallium "$P/readme_socks.json" -o "$OUTDIR/chain2.json"
check_eq "import-pallium over an existing file: exit 125" 125 "$SL_RC"
check_eq "... saying so" "sluice: $OUTDIR/chain2.json exists; give --force to replace it, or another -o FILE" "$SL_ERR"
check_eq "... the file is unchanged" "$before" "$(sha256sum <"$OUTDIR/chain2.json")"
check_eq "... and no temporary file is left" "chain2.json" "$(ls "$OUTDIR")"
slrun profile import-pallium "$P/readme_socks.json" -o "$OUTDIR/chain2.json" --force
check_eq "--force replaces it" "0:600" "$SL_RC:$(stat -c %a "$OUTDIR/chain2.json")"
slrun run --profile "$OUTDIR/chain2.json"
out_eq "... with the new profile" "$LAB_PX2"

# pallium's own extra/profiles/tor.json: sluice's tor hop, pallium's default command (the
# user's shell).  Not run here: it needs the Tor network (s91 runs tor hops).
put tor.json '{
  "chain": [
    {
      "type": "tor"
    }
  ]
}'
slrun profile import-pallium "$P/tor.json"
out_eq "pallium's extra/profiles/tor.json imports as sluice's tor hop and \$SHELL" '{
  "description": "translated from the pallium profile tor.json",
  "hops": [
    "tor"
  ],
  "command": "exec \"${SHELL:-/bin/sh}\""
}'

# What sluice does its own way: a warning, and the profile runs.
put killswitch.json '{"network": {"chain": [{"type": "socks", "address": "'$LAB_PX1':1080"}],
  "kill_switch": false}, "run": {"command": '"$CURL"'}}'
slrun run --profile "$P/killswitch.json"
out_eq "kill_switch false: runs (sluice always fails closed)" "$LAB_PX1"
check_eq "... and says so" "sluice: warning: $P/killswitch.json: network.kill_switch: false cannot be honoured: sluice always fails closed, no traffic ever bypasses the hops" "$SL_ERR"

# The examples of pallium's documentation that sluice cannot run yet: exit 125, the exact
# message, nothing started; import leaves the keys out, one warning each.
marker=$TMP/marker
refused() {
	local desc=$1 name=$2 text=$3 want=$4
	put "$name" "$text"
	rm -f "$marker"
	slrun run --profile "$P/$name"
	check_eq "$desc: exit 125" 125 "$SL_RC"
	check_eq "... the message names every key sluice has no equivalent for" "sluice: $P/$name: $want" "$SL_ERR"
	check "... the program never started" [ ! -e "$marker" ]
}
cmd='"run": {"command": ["touch", "'$marker'"]}'
tail_msg="remove them, or import the profile (sluice profile import-pallium), which leaves them out (see PALLIUM COMPATIBILITY in sluice-profile(5))"
refused "README Network Chaining (socks, tor, openvpn; virtuser, gui, audio)" readme_chain.json \
	'{"sandbox": {"virtuser": "janedoe", "gui": true, "audio": true},
	  "chain": [{"type": "socks", "address": "'$LAB_PX1':1080", "username": "jane.doe", "password": "pass1234"},
	            {"type": "tor"}, {"type": "openvpn", "config": "/path/to/conf.ovpn"}], '"$cmd"'}' \
	"a pallium profile; sluice has no equivalent yet for sandbox.gui, sandbox.audio, sandbox.virtuser; $tail_msg"
refused "examples.md Hardened browser" browser.json \
	'{"sandbox": {"gvisor": true, "gui": true, "audio": true, "virtuser": "browser",
	  "paths": {"bind": [["/home/browser/Downloads", "/home/you/Downloads"]]}}, '"$cmd"'}' \
	"a pallium profile; sluice has no equivalent yet for sandbox.gui, sandbox.audio, sandbox.gvisor, sandbox.virtuser, sandbox.paths; $tail_msg"
refused "examples.md Virtual users" john.json \
	'{"sandbox": {"files": {"bind": [["/mnt", "/home/you/Downloads"]]}, "virtuser": "johndoe"}, '"$cmd"'}' \
	"a pallium profile; sluice has no equivalent yet for sandbox.files, sandbox.virtuser; $tail_msg"
refused "a hop sluice has none of (openconnect), a tunnel hop's key other than config" vpn.json \
	'{"network": {"chain": [{"type": "openconnect"},
	  {"type": "openvpn", "config": "/home/you/openvpn.ovpn", "username": "u"}]}, '"$cmd"'}' \
	"a pallium profile; sluice has no equivalent yet for network.chain[0] (openconnect hop), network.chain[1].username; $tail_msg"
refused "examples.md virtual machine behind Tor (bridge)" vm.json \
	'{"network": {"chain": [{"type": "tor"}], "bridge": {"name": "torbr", "dhcp": true}}, '"$cmd"'}' \
	"a pallium profile; sluice has no equivalent yet for network.bridge; $tail_msg"
refused "a wireguard hop, a socks hop's dns (the published port maps)" wg.json \
	'{"network": {"chain": [{"type": "socks", "address": "'$LAB_PX1':1080", "dns": ["tcp://1.1.1.1"]},
	  {"type": "wireguard", "config": "/etc/wg.conf"}],
	  "port_forwarding": {"local": ["tcp://127.0.0.1:8080:10.0.0.2:80"]}}, '"$cmd"'}' \
	"a pallium profile; sluice has no equivalent yet for network.chain[0].dns; $tail_msg"
slrun profile check "$P/vpn.json"
check_eq "profile check on one of them: exit 125 too" 125 "$SL_RC"

slrun profile import-pallium "$P/readme_chain.json" -o "$OUTDIR/readme_chain.json"
check_eq "import of README Network Chaining: exit 0" 0 "$SL_RC"
check_eq "... one warning per key left out" "sluice: warning: $P/readme_chain.json: sandbox.gui: no equivalent in sluice yet; left out
sluice: warning: $P/readme_chain.json: sandbox.audio: no equivalent in sluice yet; left out
sluice: warning: $P/readme_chain.json: sandbox.virtuser: no equivalent in sluice yet; left out" "$SL_ERR"
slrun profile check "$OUTDIR/readme_chain.json"
check_eq "... the output passes profile check" "ok: $OUTDIR/readme_chain.json" "$SL_OUT"
check_match "... and says in its description what was left out" \
	'"description": "translated from the pallium profile readme_chain.json; left out: sandbox.gui, sandbox.audio, sandbox.virtuser"' \
	"$(cat "$OUTDIR/readme_chain.json")"

# Not valid pallium, and a profile in both formats: exit 125, the pallium path named.
put bad.json '{"chain": [{"type": "socks", "address": "'$LAB_PX1':0"}], '"$cmd"'}'
rm -f "$marker"
slrun run --profile "$P/bad.json"
check_eq "an invalid address: exit 125 with the path" \
	"125:sluice: $P/bad.json: chain[0].address: '$LAB_PX1:0': expected IP:PORT, [IPv6]:PORT, an IP, or [IP, PORT]" \
	"$SL_RC:$SL_ERR"
check "... the program never started" [ ! -e "$marker" ]
put mixed.json '{"chain": [], "hops": [], '"$cmd"'}'
slrun run --profile "$P/mixed.json"
check_eq "pallium's and sluice's keys in one profile: exit 125" \
	"125:sluice: $P/mixed.json: holds pallium's key 'chain' and sluice's key 'hops'; a profile is in one format or the other (see PALLIUM COMPATIBILITY in sluice-profile(5))" \
	"$SL_RC:$SL_ERR"
slrun profile import-pallium "$P/killswitch.json" -o "$OUTDIR/x.json" -o "$OUTDIR/y.json"
check_eq "import-pallium with two -o: a usage error" 125 "$SL_RC"

# sluice run NAME does not read pallium's directory unasked; it names the file there.
named_run() {
	if [ "$MODE" = root ]; then
		mkdir -p "$TMP/etc-up" "$TMP/etc-work"
		unshare --mount --propagation private -- bash -c '
			mount -t overlay overlay -o "lowerdir=/etc,upperdir=$1,workdir=$2" /etc || exit 99
			mkdir -p /etc/pallium/profiles && cp "$3" /etc/pallium/profiles/palonly.json
			shift 3
			exec timeout -k 5 30 "$SLUICE" "$@"' _ "$TMP/etc-up" "$TMP/etc-work" "$P/killswitch.json" "$@" \
			</dev/null >"$TMP/sl.out" 2>"$TMP/sl.err"
		SL_RC=$?
		SL_OUT=$(cat "$TMP/sl.out") SL_ERR=$(cat "$TMP/sl.err")
		pdir=/etc/pallium/profiles sdir=/etc/sluice/profiles
	else
		mkdir -p "$TMP/.config/pallium/profiles"
		cp "$P/killswitch.json" "$TMP/.config/pallium/profiles/palonly.json"
		chmod -R a+rX "$TMP/.config"
		slrun "$@"
		pdir=$TMP/.config/pallium/profiles sdir=$TMP/.config/sluice/profiles
	fi
}
unset XDG_CONFIG_HOME
named_run run palonly -- true
check_eq "run NAME with only pallium's NAME: exit 125, naming pallium's file and what to do" \
	"125:sluice: no profile 'palonly' (no file $sdir/palonly.json); pallium has one: run it with 'sluice run --profile $pdir/palonly.json', or import it with 'sluice profile import-pallium $pdir/palonly.json -o $sdir/palonly.json'" \
	"$SL_RC:$SL_ERR"
check_eq "/etc was not touched" "" "$(ls -d /etc/pallium /etc/sluice 2>/dev/null)"

done_testing

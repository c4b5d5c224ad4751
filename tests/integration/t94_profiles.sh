#!/bin/bash
# t94_profiles: JSON profiles (sluice-profile(5)) with the real sluice against the lab's real
# proxies.  Where the traffic went is read at the far end (the address the target's HTTP
# server saw), with an anti-test that shows the same probe without sluice arriving from the
# client itself.  `sluice run NAME` reads ~/.config/sluice/profiles (rootless: HOME is the
# test's directory) or, as root, /etc/sluice/profiles, which the test never touches for real:
# it runs sluice in a private mount namespace with an overlay over /etc whose upper layer is
# in the test's directory.  Bad profiles must fail with exit 125 before anything starts: their
# command would create a marker file, which must not appear.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lab.sh"

if ! lab_up || ! lab_target_http || ! lab_socks_dante px1 1080 ||
	! lab_socks_microsocks px2 1080 || ! lab_socks_microsocks px2 1081 alice s3cr3t-pw; then
	not_ok "the lab comes up"
	done_testing
fi
ok "the lab comes up"

T=$LAB_TARGET
P=$TMP/profiles
mkdir -p "$P"
CURL='["curl", "-s", "-m", "5", "http://'$T'/"]'

# slrun ARGS...: sluice as the mode's user, stdin from $SL_IN (default /dev/null); sets SL_RC,
# SL_OUT, SL_ERR.
slrun() {
	sl "$@" <"${SL_IN:-/dev/null}" >"$TMP/sl.out" 2>"$TMP/sl.err"
	SL_RC=$?
	SL_OUT=$(cat "$TMP/sl.out") SL_ERR=$(cat "$TMP/sl.err")
}
why() { [ -n "$SL_ERR" ] && diag "sluice (exit $SL_RC) said: $(head -c 400 <<<"$SL_ERR")"; return 0; }
out_eq() { check_eq "$1" "$2" "$SL_OUT"; [ "$SL_OUT" = "$2" ] || why; }

# Anti-test: without sluice the probe arrives from the client itself.
check_eq "without sluice, the target sees the client" "$LAB_CLIENT" \
	"$(as_user curl -s -m 5 "http://$T/")"

cat >"$P/dante.json" <<EOF2
{"description": "through dante", "hops": [{"type": "socks5", "host": "$LAB_PX1", "port": 1080}],
 "command": $CURL}
EOF2
slrun run --profile "$P/dante.json"
out_eq "--profile FILE: the profile's hop and command (the target sees dante's host)" "$LAB_PX1"

SL_IN=$P/dante.json slrun run --profile -
out_eq "--profile -: the profile read from stdin" "$LAB_PX1"

slrun run --via "socks5://$LAB_PX2:1080" --profile "$P/dante.json"
out_eq "the command line's --via replaces the profile's hops" "$LAB_PX2"

slrun run --profile "$P/dante.json" -- curl -s -m 5 -o /dev/null -w '%{http_code}' "http://$T/"
out_eq "a program after -- replaces the profile's command" "200"

# A password from a variable: it authenticates, and the program does not inherit the variable.
cat >"$P/auth.json" <<EOF2
{"hops": [{"type": "socks5", "host": "$LAB_PX2", "port": 1081, "user": "alice",
           "password_env": "T94_PW"}],
 "command": ["sh", "-c", "curl -s -m 5 http://$T/; echo \${T94_PW-unset}"]}
EOF2
T94_PW=s3cr3t-pw slrun run --profile "$P/auth.json"
out_eq "password_env: the hop authenticates; the program does not see the variable" \
	"$LAB_PX2"$'\n'unset
check_eq "anti-test: without sluice, a program does inherit the variable" "s3cr3t-pw" \
	"$(T94_PW=s3cr3t-pw as_user sh -c 'echo ${T94_PW-unset}')"
printf 's3cr3t-pw\n' >"$P/auth.pw"
chmod 0644 "$P/auth.pw"
sed 's/"password_env": "T94_PW"/"password_file": "auth.pw"/' "$P/auth.json" >"$P/auth-file.json"
slrun run --profile "$P/auth-file.json"
out_eq "password_file, relative to the profile's directory: the hop authenticates" \
	"$LAB_PX2"$'\n'unset
slrun run --profile "$P/auth.json"
check_eq "password_env unset: exit 125" 125 "$SL_RC"
check_match "... naming the key and the variable" "auth.json: hops\[0\]\.password_env: the variable T94_PW is not set" "$SL_ERR"

# Environment additions reach the program.
cat >"$P/env.json" <<'EOF2'
{"net": "none", "environment": {"T94_GREETING": "hello world", "T94_OTHER": "x=y"},
 "command": ["sh", "-c", "printf '%s|%s' \"${T94_GREETING-none}\" \"${T94_OTHER-none}\""]}
EOF2
slrun run --profile "$P/env.json"
out_eq "environment: the additions reach the program" "hello world|x=y"
sed 's/"environment": {[^}]*},//' "$P/env.json" >"$P/noenv.json"
slrun run --profile "$P/noenv.json"
out_eq "anti-test: without them the program has neither" "none|none"

# sluice run NAME, from where a NAME is looked up.
named_run() {
	if [ "$MODE" = root ]; then
		mkdir -p "$TMP/etc-up" "$TMP/etc-work"
		unshare --mount --propagation private -- bash -c '
			mount -t overlay overlay -o "lowerdir=/etc,upperdir=$1,workdir=$2" /etc || exit 99
			mkdir -p /etc/sluice/profiles && cp "$3"/work.json "$3"/true.json /etc/sluice/profiles/
			shift 3
			exec timeout -k 5 30 "$SLUICE" "$@"' _ "$TMP/etc-up" "$TMP/etc-work" "$P" "$@" \
			</dev/null >"$TMP/sl.out" 2>"$TMP/sl.err"
		SL_RC=$?
		SL_OUT=$(cat "$TMP/sl.out") SL_ERR=$(cat "$TMP/sl.err")
	else
		mkdir -p "$TMP/.config/sluice/profiles"
		cp "$P/work.json" "$P/true.json" "$TMP/.config/sluice/profiles/"
		chmod -R a+rX "$TMP/.config"
		SL_IN=/dev/null slrun "$@"
	fi
}
cp "$P/dante.json" "$P/work.json"
printf '{"net": "none", "command": ["echo", "the profile true"]}\n' >"$P/true.json"
unset XDG_CONFIG_HOME
named_run run work
out_eq "sluice run NAME: the profile from the user's (root: /etc's) profile directory" "$LAB_PX1"
named_run run --via "socks5://$LAB_PX2:1080" work -- curl -s -m 5 "http://$T/"
out_eq "sluice run --via ... NAME -- PROGRAM: options and program over the profile" "$LAB_PX2"
named_run run true
out_eq "sluice run WORD, with a profile WORD: the profile" "the profile true"
named_run run -- true
check_eq "sluice run -- WORD: always the program (exit 0, no output)" "0:" "$SL_RC:$SL_OUT"
named_run run nosuch -- true
check_eq "sluice run NAME -- PROGRAM without that profile: exit 125" 125 "$SL_RC"
check_match "... saying how to run a program of that name" "no profile 'nosuch'.*sluice run -- nosuch" "$SL_ERR"
named_run profile check work
check_match "sluice profile check NAME" "^ok: .*/sluice/profiles/work\.json$" "$SL_OUT"
check_eq "/etc was not touched" "" "$(ls -d /etc/sluice 2>/dev/null)"

# Every example of sluice-profile(5) loads.
man=${SLUICE_REPO:-.}/docs/sluice-profile.5
mkdir -p "$TMP/examples"
awk -v dir="$TMP/examples" '/^\.\\" profile-example/ { n++; on = 1; next }
	on && /^\.EX/ { grab = 1; next }
	on && /^\.EE/ { on = 0; grab = 0; next }
	grab { print > (dir "/example" n ".json") }' "$man"
echo secret >"$TMP/examples/proxy.pw"
chmod -R a+rX "$TMP/examples"
n_examples=$(ls "$TMP/examples"/example*.json 2>/dev/null | wc -l)
check "the man page has examples ($n_examples)" [ "$n_examples" -ge 5 ]
for f in "$TMP/examples"/example*.json; do
	OFFICE_PW=x slrun profile check "$f"
	check_eq "sluice-profile(5) example $(basename "$f") loads" "ok: $f" "$SL_OUT"
	[ "$SL_OUT" = "ok: $f" ] || why
done

# Bad profiles: exit 125, the message names file, path and what was expected; nothing runs.
marker=$TMP/marker
bad() {
	local desc=$1 text=$2 want=$3
	printf '%s' "$text" >"$P/bad.json"
	rm -f "$marker"
	slrun run --profile "$P/bad.json"
	check_eq "bad profile, $desc: exit 125" 125 "$SL_RC"
	check_match "... message: $want" "$want" "$SL_ERR"
	check "... the program never started" [ ! -e "$marker" ]
}
cmd='"command": ["touch", "'$marker'"]'
bad "unknown key" "{\"dnss\": \"none\", $cmd}" "bad\.json: dnss: unknown key; expected description, hops"
bad "wrong type" "{\"ipv6\": \"off\", $cmd}" "bad\.json: ipv6: expected true or false, not a string"
bad "out of range" "{\"hops\": [{\"type\": \"socks5\", \"host\": \"$LAB_PX1\", \"port\": 0}], $cmd}" \
	"bad\.json: hops\[0\]\.port: 0: expected an integer 1-65535"
bad "bad value" "{\"dns\": \"bogus\", $cmd}" \
	"bad\.json: dns bogus: expected fakeip, forward, forward=ADDR or none"
bad "duplicate key" "{\"dns\": \"none\", \"dns\": \"none\", $cmd}" "not valid JSON: duplicate object key"
bad "truncated" "{$cmd" "not valid JSON: .*expected"
bad "not UTF-8" "{\"hostname\": \"$(printf '\xff')\", $cmd}" "not valid JSON: unable to decode byte 0xff"
bad "too deep" "{\"x\": [[[[[[[[[1]]]]]]]]], $cmd}" "nested deeper than 8 levels"
bad "a name key" "{\"name\": \"w\", $cmd}" "bad\.json: name: a profile's name is its file's; a session's is given with --name"
bad "bad published port" "{\"publish\": [\"80\"], $cmd}" \
	"bad\.json: publish\[0\] 80: expected \[ADDR:\]HOSTPORT:SANDBOXPORT\[/udp\]"
bad "refused across keys" "{\"net\": \"none\", \"hops\": [\"socks5://$LAB_PX1:1080\"], $cmd}" \
	"--net none and --via exclude each other"
head -c $((1024 * 1024 + 1)) /dev/zero | tr '\0' ' ' >"$P/big.json"
rm -f "$marker"
slrun run --profile "$P/big.json" -- touch "$marker"
check_eq "a profile over 1 MiB: exit 125" 125 "$SL_RC"
check_match "... saying so" "big\.json: larger than 1048576 bytes" "$SL_ERR"
check "... the program never started" [ ! -e "$marker" ]
slrun profile check "$P/bad.json"
check_eq "sluice profile check on a bad profile: exit 125" 125 "$SL_RC"
slrun run --profile "$P/noenv.json" -- true
check_eq "a good profile still runs (the failures above are the profiles')" 0 "$SL_RC"

done_testing

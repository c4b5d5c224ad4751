#!/bin/bash
# t15_install: sluice as an installed package.  `make install` into a staging DESTDIR puts
# exactly the expected files under PREFIX (the binary, man pages, completions, the unit file
# pointing at the installed binary), the installed binary runs and says the version of VERSION
# (and debian/changelog says the same); `make uninstall` removes every one of them.  The bash
# completion, sourced in a non-interactive bash and driven through COMP_WORDS/COMP_CWORD,
# completes subcommands, options, option values, a profile sluice itself finds (`sluice profile
# check`) and a running session's name (as `sluice ls` lists it); the zsh completion loads
# and registers itself.  Run as the mode's user: installing into a DESTDIR needs no root.
. "$(dirname "$0")/lib.sh"

repo=${SLUICE_REPO:-$(cd "$(dirname "$0")/../.." && pwd)}
version=$(cat "$repo/VERSION")
# The build under test, never rebuilt by `make install` (-o): ASan's binary for the ASan run.
build_dir=$(basename "$(dirname "$SLUICE")")
make_install() { as_user make -s -C "$repo" BUILD="$build_dir" -o "$build_dir/sluice" "$@"; }
files_under() { (cd "$1" && find . -type f -o -type l | sort); }

# --- version ---------------------------------------------------------------------------------
check_eq "sluice --version: first line is 'sluice' and VERSION" "sluice $version" \
	"$(sl --version | head -1)"
check_match "... then the libraries it was built with, each with a version" \
	"^libraries: libmnl [0-9.]+, libnftnl [0-9.]+, jansson [0-9.]+, libcap [0-9.]+, libseccomp [0-9.]+" \
	"$(sl --version | sed -n 2p)"
if [ "$build_dir" = build-asan ]; then expect_build="ASan\+UBSan$"; else expect_build="no sanitizers$"; fi
check_match "... and whether it is a sanitizer build" "^build: .*$expect_build" \
	"$(sl --version | sed -n 3p)"
check_eq "debian/changelog's version is VERSION's" "$version" \
	"$(sed -n '1s/^sluice (\([^)]*\)).*/\1/p' "$repo/debian/changelog")"

# --- make install / uninstall ----------------------------------------------------------------
dest=$TMP/dest
as_user mkdir -p "$dest"
check "make install DESTDIR=... (PREFIX /usr/local by default)" make_install install DESTDIR="$dest"
check_eq "... installs exactly the binary, man pages, completions and unit file" \
	"./usr/local/bin/sluice
./usr/local/lib/systemd/system/sluice.service
./usr/local/share/bash-completion/completions/sluice
./usr/local/share/man/man1/sluice.1
./usr/local/share/man/man5/sluice-profile.5
./usr/local/share/zsh/site-functions/_sluice" "$(files_under "$dest")"
check_eq "the installed binary runs and says the version" "sluice $version" \
	"$(as_user "$dest/usr/local/bin/sluice" --version | head -1)"
check_eq "the installed binary is executable by all, the others read-only" \
	"755 644 644 644" "$(stat -c %a "$dest/usr/local/bin/sluice" \
	"$dest/usr/local/share/man/man1/sluice.1" "$dest/usr/local/lib/systemd/system/sluice.service" \
	"$dest/usr/local/share/zsh/site-functions/_sluice" | tr '\n' ' ' | sed 's/ $//')"
check "the man pages are docs/'s" cmp -s "$repo/docs/sluice-profile.5" \
	"$dest/usr/local/share/man/man5/sluice-profile.5"
check_eq "the unit file starts the installed binary" "ExecStart=/usr/local/bin/sluice daemon --syslog" \
	"$(grep '^ExecStart=' "$dest/usr/local/lib/systemd/system/sluice.service")"
check "make uninstall DESTDIR=..." make_install uninstall DESTDIR="$dest"
check_eq "... leaves none of the installed files" "" "$(files_under "$dest")"

check "make install PREFIX=/opt/sl DESTDIR=..." make_install install PREFIX=/opt/sl DESTDIR="$dest"
check_eq "... puts the binary under PREFIX, and the unit file names it there" \
	"./opt/sl/bin/sluice|ExecStart=/opt/sl/bin/sluice daemon --syslog" \
	"$(files_under "$dest" | grep /bin/)|$(grep '^ExecStart=' "$dest/opt/sl/lib/systemd/system/sluice.service")"
make_install uninstall PREFIX=/opt/sl DESTDIR="$dest"
check_eq "make uninstall PREFIX=/opt/sl leaves none" "" "$(files_under "$dest")"

# --- bash completion -------------------------------------------------------------------------
# complete_words WORD...: the completions of the last WORD (may be ""), one per line, sorted:
# the completion sourced in a non-interactive bash, _sluice driven by COMP_WORDS/COMP_CWORD.
cat >"$TMP/complete.sh" <<'EOF'
source "$1"
shift
COMP_WORDS=("$@")
COMP_CWORD=$(($# - 1))
COMPREPLY=()
_sluice
printf '%s\n' "${COMPREPLY[@]}"
EOF
completion=$repo/contrib/completion/sluice.bash
mkdir -p "$TMP/xdg/sluice/profiles"
complete_words() {
	as_user env XDG_CONFIG_HOME="$TMP/xdg" bash "$TMP/complete.sh" "$completion" "$@" | sort
}
check_eq "bash: 'sluice r<TAB>' gives run" "run" "$(complete_words "$SLUICE" r)"
check_eq "bash: 'sluice -v s<TAB>': the commands with s, past a global option" \
	"$(printf 'shell\nstatus\nstop')" "$(complete_words "$SLUICE" -v s)"
check_eq "bash: 'sluice run --vi<TAB>' gives --via" "--via" "$(complete_words "$SLUICE" run --vi)"
check_eq "bash: 'sluice run --via socks5://a:1 --tor-i<TAB>': options after a hop" \
	"--tor-isolate" "$(complete_words "$SLUICE" run --via socks5://a:1 --tor-i)"
check_eq "bash: 'sluice run --dns <TAB>': the DNS modes" "$(printf 'fakeip\nforward\nforward=\nnone')" \
	"$(complete_words "$SLUICE" run --dns "")"
check_eq "bash: 'sluice run --udp=p<TAB>' gives proxy" "proxy" "$(complete_words "$SLUICE" run --udp=p)"
check_eq "bash: 'sluice run --via t<TAB>': tor and tor://" "$(printf 'tor\ntor://')" \
	"$(complete_words "$SLUICE" run --via t)"
# As in an interactive shell with bash-completion: "--dns=f" arrives split at '=' and ':'.
cat >"$TMP/complete-bc.sh" <<'EOF'
source /usr/share/bash-completion/bash_completion
source "$1"
COMP_LINE=$2 COMP_POINT=${#2}
read -ra COMP_WORDS <<<"$3"
COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
_sluice
printf '%s\n' "${COMPREPLY[@]}"
EOF
if [ -f /usr/share/bash-completion/bash_completion ]; then
	check_eq "bash-completion: 'sluice run --ipv6=o<TAB>', split by bash at '='" \
		"$(printf 'off\non')" "$(as_user bash "$TMP/complete-bc.sh" "$completion" \
		"$SLUICE run --ipv6=o" "$SLUICE run --ipv6 = o" | sort)"
	check_eq "bash-completion: 'sluice run --via openvpn:$TMP/x<TAB>': files after the kind" \
		"$TMP/xdg" "$(as_user bash "$TMP/complete-bc.sh" "$completion" \
		"$SLUICE run --via openvpn:$TMP/x" "$SLUICE run --via openvpn : $TMP/x")"
else
	skip "bash-completion: option values after '='" "bash-completion is not installed"
	skip "bash-completion: files after openvpn:" "bash-completion is not installed"
fi
check_eq "bash: 'sluice profile <TAB>'" "$(printf 'check\nimport-pallium\nlist')" \
	"$(complete_words "$SLUICE" profile "")"
check_eq "bash: 'sluice daemon --s<TAB>'" "$(printf -- '--socket\n--syslog')" \
	"$(complete_words "$SLUICE" daemon --s)"

# A profile where sluice looks for it: the mode user's XDG_CONFIG_HOME; as root /etc, which is
# overlaid in a mount namespace of the check's own, never written for real.
mkdir -p "$TMP/etc-up" "$TMP/etc-work"
printf '{"net": "none"}\n' >"$TMP/xdg/sluice/profiles/t15prof$$.json"
printf '{}\n' >"$TMP/xdg/sluice/profiles/t15 no name.json" # no profile name has a space
chmod -R a+rX "$TMP/xdg"
in_profile_world() {
	if [ "$MODE" = root ]; then
		unshare --mount --propagation private -- bash -c '
			mount -t overlay overlay -o "lowerdir=/etc,upperdir=$1,workdir=$2" /etc || exit 99
			mkdir -p /etc/sluice/profiles && cp "$3"/*.json /etc/sluice/profiles/
			shift 3
			"$@"' _ "$TMP/etc-up" "$TMP/etc-work" "$TMP/xdg/sluice/profiles" "$@"
	else
		as_user env XDG_CONFIG_HOME="$TMP/xdg" "$@"
	fi
}
check_eq "bash: 'sluice run t15p<TAB>': the profile" "t15prof$$" \
	"$(in_profile_world bash "$TMP/complete.sh" "$completion" "$SLUICE" run t15p 2>&1)"
check_eq "bash: 'sluice profile check t15p<TAB>': the profile" "t15prof$$" \
	"$(in_profile_world bash "$TMP/complete.sh" "$completion" "$SLUICE" profile check t15p 2>&1)"
check_match "... which sluice itself finds by that name" "^ok: .*/t15prof$$\.json$" \
	"$(in_profile_world "$SLUICE" profile check "t15prof$$" 2>&1)"
check_eq "sluice profile list: that profile, not a file whose name is none" "t15prof$$" \
	"$(in_profile_world "$SLUICE" profile list 2>&1 | grep '^t15')"
if [ "$MODE" = root ]; then
	check_eq "anti-test: as root, not the XDG directory's (sluice reads /etc's)" "" \
		"$(complete_words "$SLUICE" run t15p)"
else
	check_eq "anti-test: no profile offered for a prefix none has" "" \
		"$(complete_words "$SLUICE" run t15nothing)"
fi

# A running session, offered where a session name goes.
S=t15s$$
unset XDG_RUNTIME_DIR
as_user timeout -k 5 60 "$SLUICE" run --name "$S" --net none -- sleep 30 </dev/null \
	>/dev/null 2>"$TMP/run.err" &
run_pid=$!
cleanup_push "kill_tree $run_pid"
session_up() { sl ls 2>/dev/null | grep -q "^$S "; }
if wait_until 10 session_up; then
	check_eq "bash: 'sluice stop t15s<TAB>': the session, from sluice ls" "$S" \
		"$(complete_words "$SLUICE" stop "$S")"
	check_eq "bash: 'sluice exec t15s<TAB>' too" "$S" "$(complete_words "$SLUICE" exec "${S%$$}")"
	sl stop "$S" >/dev/null 2>&1
	wait_until 10 bash -c "! kill -0 $run_pid 2>/dev/null"
else
	not_ok "the session $S started (for the session completion)"
	diag "$(cat "$TMP/run.err")"
	not_ok "bash: 'sluice exec t15s<TAB>' too"
fi
check_eq "anti-test: the stopped session is offered no more" "" \
	"$(complete_words "$SLUICE" stop "$S")"

# --- zsh completion --------------------------------------------------------------------------
if command -v zsh >/dev/null; then
	out=$(as_user env HOME="$TMP" zsh -fc 'autoload -U compinit; compinit -u -D
		source "$1" && print -r -- "$_comps[sluice]"' _ "$repo/contrib/completion/_sluice" 2>&1)
	check_eq "zsh: sourced after compinit, _sluice loads without error and completes sluice" \
		"_sluice" "$out"
	out=$(as_user env HOME="$TMP" zsh -fc 'fpath=("$1" $fpath); autoload -U compinit
		compinit -u -D; autoload +X _sluice && print -r -- "$_comps[sluice]"' _ \
		"$repo/contrib/completion" 2>&1)
	check_eq "zsh: found through fpath by compinit (as installed)" "_sluice" "$out"
else
	skip "zsh: the completion loads" "zsh is not installed (tools/install-deps installs it)"
	skip "zsh: found through fpath" "zsh is not installed"
fi

echo "1..$test_count"

# bash completion for sluice(1): every subcommand and option of `sluice --help`,
# `sluice run --help` and the session commands' usages.  Session names come from `sluice ls`
# (the sluice being completed, so a build's own sessions for build/sluice), profile names from
# its `sluice profile list`.  Works alone (bash's COMP_WORDS) and uses bash-completion's
# helpers when they are loaded, so that HOP values with ':' complete as one word.
#
# Installed as share/bash-completion/completions/sluice (make install), loaded on demand.

# The running sessions' names: the first column of `sluice ls` below its header.
_sluice_sessions()
{
	"$_sluice_cmd" ls 2>/dev/null | awk 'NR > 1 && $1 != "" { print $1 }'
}

# The profiles' names: those `sluice run NAME` finds.
_sluice_profiles()
{
	"$_sluice_cmd" profile list 2>/dev/null
}

# Add the words of $1 (newline-separated) that start with $cur to COMPREPLY.
_sluice_add()
{
	local IFS=$'\n'
	COMPREPLY+=($(compgen -W "$1" -- "$cur"))
}

_sluice_files()
{
	if declare -F _filedir >/dev/null; then
		_filedir "$@"
	else
		local IFS=$'\n'
		COMPREPLY+=($(compgen -f -- "$cur"))
	fi
}

_sluice_dirs()
{
	if declare -F _filedir >/dev/null; then
		_filedir -d
	else
		local IFS=$'\n'
		COMPREPLY+=($(compgen -d -- "$cur"))
	fi
}

# A value for run's option $1 (or for the profile's key), with $cur the value typed so far.
_sluice_run_value()
{
	case $1 in
	--profile) _sluice_add "-"; _sluice_files ;;
	--via)
		case $cur in
		wireguard:* | openvpn:*)
			local kind=${cur%%:*} file IFS=$'\n'
			for file in $(compgen -f -- "${cur#*:}"); do COMPREPLY+=("$kind:$file"); done
			;;
		*) _sluice_add $'socks5://\nhttp://\ntor\ntor://\nssh://\nwireguard:\nopenvpn:\nexec:\ndirect' ;;
		esac
		;;
	--dns) _sluice_add $'fakeip\nforward\nforward=\nnone' ;;
	--udp) _sluice_add $'block\ndirect\nproxy' ;;
	--ipv6) _sluice_add $'on\noff' ;;
	--net) _sluice_add none ;;
	--tor-isolate) _sluice_add $'sandbox\ndestination\nnone' ;;
	--tor-config | --openvpn-auth) _sluice_files ;;
	--user) COMPREPLY+=($(compgen -u -- "$cur")) ;;
	esac
}

# The run options (sluice run --help); those in _sluice_run_takes_value take one.
_sluice_run_options='--profile --via --dns --udp --tor-option --tor-config --tor-timeout
--tor-isolate --ssh-option --openvpn-auth --ipv6 --allow-host-loopback --fast-path --net --name --ip-netns
--publish --hostname -r --map-root --user --pass-fd -v -vv --verbose -q --quiet -h --help'
_sluice_run_takes_value='|--profile|--via|--dns|--udp|--tor-option|--tor-config|--tor-timeout|--tor-isolate|--ssh-option|--openvpn-auth|--ipv6|--net|--name|--publish|--hostname|--user|--pass-fd|'

# sluice run: options, their values, then PROGRAM or a profile NAME, then the program's words.
_sluice_run()
{
	local i=$1 word
	for ((; i < cword; i++)); do
		word=${words[i]}
		if [ "$word" = -- ]; then
			if ((i + 1 == cword)); then
				COMPREPLY+=($(compgen -c -- "$cur"))
			else
				_sluice_files
			fi
			return
		elif [[ $word == -* ]]; then
			[[ $word != *=* && $_sluice_run_takes_value == *"|$word|"* ]] && ((i++))
		else
			# A profile NAME or the program: after NAME comes "--", else the program's words.
			((i + 1 == cword)) && _sluice_add "--"
			_sluice_files
			return
		fi
	done
	if [[ $cur == --*=* ]]; then
		# The value alone (bash replaces what follows the '='); _sluice's $cur stays whole.
		local option=${cur%%=*} cur=${cur#*=}
		_sluice_run_value "$option"
		return
	fi
	if ((cword > $1)) && [[ $_sluice_run_takes_value == *"|$prev|"* ]]; then
		_sluice_run_value "$prev"
		return
	fi
	if [[ $cur == -* ]]; then
		_sluice_add "$(printf '%s\n' $_sluice_run_options)"
	else
		_sluice_add "$(_sluice_profiles)"
		COMPREPLY+=($(compgen -c -- "$cur"))
	fi
}

# cp and mv: SRC and DST, one of them NAME:/PATH (a path in the session cannot be listed).
_sluice_copy()
{
	if [[ $cur == -* && $1 == cp ]]; then
		_sluice_add $'-r\n-R\n--recursive\n--'
		return
	fi
	local name
	for name in $(_sluice_sessions); do
		[[ "$name:/" == "$cur"* ]] && COMPREPLY+=("$name:/")
	done
	_sluice_files
	declare -F compopt >/dev/null && compopt -o nospace 2>/dev/null
}

_sluice()
{
	local cur prev words cword _sluice_cmd
	COMPREPLY=()
	if declare -F _get_comp_words_by_ref >/dev/null; then
		_get_comp_words_by_ref -n =: cur prev words cword
	else
		words=("${COMP_WORDS[@]}")
		cword=$COMP_CWORD
		cur=${words[cword]}
		prev=${words[cword - 1]}
		# Without bash-completion, "--dns=f" arrives as "--dns" "=" "f" (or "--dns" "=").
		if [ "$cur" = = ]; then
			cur=""
		elif [ "$prev" = = ] && ((cword >= 2)); then
			prev=${words[cword - 2]}
		fi
	fi
	_sluice_cmd=${words[0]}

	# The subcommand: the first word that is not a global option.
	local i command="" at=0
	for ((i = 1; i < cword; i++)); do
		case ${words[i]} in
		-v | -vv | -q | --verbose | --quiet) ;;
		*) command=${words[i]}; at=$i; break ;;
		esac
	done

	case $command in
	"")
		if [[ $cur == -* ]]; then
			_sluice_add $'-v\n-vv\n--verbose\n-q\n--quiet\n-h\n--help\n-V\n--version'
		else
			_sluice_add $'run\nexec\nshell\nls\nstatus\nstop\ncp\nmv\ndaemon\ngc\nprofile\nhelp'
		fi
		;;
	run) _sluice_run $((at + 1)) ;;
	exec)
		local dashes=0
		for ((i = at + 1; i < cword; i++)); do [ "${words[i]}" = -- ] && dashes=$i; done
		if ((cword == at + 1)); then
			_sluice_add "$(_sluice_sessions)"
		elif ((dashes == 0 && cword == at + 2)); then
			_sluice_add "--"
			COMPREPLY+=($(compgen -c -- "$cur"))
		elif ((dashes && cword == dashes + 1)); then
			COMPREPLY+=($(compgen -c -- "$cur"))
		else
			_sluice_files
		fi
		;;
	shell) ((cword == at + 1)) && _sluice_add "$(_sluice_sessions)" ;;
	status)
		if [[ $cur == -* ]]; then _sluice_add --json; else _sluice_add "$(_sluice_sessions)"; fi
		;;
	stop)
		if [[ $prev == --time || $prev == -t ]]; then
			:
		elif [[ $cur == -* ]]; then
			_sluice_add $'--time\n-t'
		else
			_sluice_add "$(_sluice_sessions)"
		fi
		;;
	ls) _sluice_add --json ;;
	cp | mv) _sluice_copy "$command" ;;
	daemon)
		case $prev in
		--profiles) _sluice_dirs ;;
		--socket) _sluice_files ;;
		*) _sluice_add $'--profiles\n--socket\n--syslog' ;;
		esac
		;;
	profile)
		if ((cword == at + 1)); then
			_sluice_add $'list\ncheck\nimport-pallium'
		elif [ "${words[at + 1]}" = check ]; then
			((cword == at + 2)) && { _sluice_add "$(_sluice_profiles)"; _sluice_files; }
		elif [ "${words[at + 1]}" = import-pallium ]; then
			if [[ $prev == -o || $prev == --output ]]; then
				_sluice_files
			elif [[ $cur == -* ]]; then
				_sluice_add $'-o\n--output\n--force'
			else
				_sluice_files
			fi
		fi
		;;
	esac
	declare -F __ltrim_colon_completions >/dev/null && __ltrim_colon_completions "$cur"
	return 0
}

complete -F _sluice sluice

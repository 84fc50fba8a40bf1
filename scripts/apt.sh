# shellcheck shell=bash
# Debian package helpers, sourced by scripts/install-deps.sh and
# qemu/build.sh; the caller defines log() and die().
#
# A suite is added by copying the URIs of the machine's existing Debian
# source entry, so no archive host is ever named in the repository.

as_root() {
	if [ "$(id -u)" = 0 ]; then "$@"
	elif command -v sudo >/dev/null; then sudo "$@"
	else die "need root to run: $*"
	fi
}

# URIs of the machine's own bookworm entry (ours are skipped).
debian_uri() {
	local f uri
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		case ${f##*/} in vtdtest-*) continue ;; esac
		grep -q '^Suites:.*bookworm' "$f" || continue
		uri=$(awk '/^URIs:/ && !/security/ {print $2; exit}' "$f")
		[ -n "$uri" ] && { echo "$uri"; return; }
	done
	[ -f /etc/apt/sources.list ] &&
		awk '$1 == "deb" && $3 ~ /^bookworm$/ {print $2; exit}' /etc/apt/sources.list
}

apt_updated=
apt_update() {
	[ -n "$apt_updated" ] && return 0
	log "apt-get update"
	as_root apt-get update -qq >&2 || die "apt-get update failed"
	apt_updated=1
}

# add_suite NAME TYPES SUITE: /etc/apt/sources.list.d/vtdtest-NAME.sources
add_suite() {
	local name=$1 types=$2 suite=$3 list uri
	list=/etc/apt/sources.list.d/vtdtest-$name.sources
	[ -f "$list" ] && return 0
	uri=$(debian_uri)
	[ -n "$uri" ] || die "no Debian source entry to copy the URIs from"
	log "adding apt suite $suite ($types) in $list"
	as_root tee "$list" >/dev/null <<EOT
Types: $types
URIs: $uri
Suites: $suite
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOT
	apt_updated=
}

# The packages of "$@" that are not installed.
missing() {
	local p out=()
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
			out+=("$p")
	done
	echo "${out[@]:-}"
}

apt_install() {
	local pkgs
	pkgs=$(missing "$@")
	[ -n "$pkgs" ] || return 0
	apt_update
	log "installing $pkgs"
	# shellcheck disable=SC2086
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		--no-install-recommends $pkgs >&2 || die "apt-get install $pkgs failed"
}

# apt_install_from SUITE PACKAGE...: from bookworm-backports, say.
apt_install_from() {
	local suite=$1
	shift
	add_suite "$suite" deb "$suite"
	apt_update
	log "installing $* from $suite"
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		--no-install-recommends -t "$suite" "$@" >&2 ||
		die "installing $* from $suite failed"
}

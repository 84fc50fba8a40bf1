#!/usr/bin/env bash
# Install the Debian packages vtdtest needs, only those missing.
#
# QEMU 10 comes from bookworm-backports. The suite is added by copying the
# URIs of the machine's existing Debian source entry, so no archive host is
# named here.
#
# Usage: scripts/install-deps.sh [build|qemu|unit|fuzz|all]...
set -euo pipefail

want_build="gnu-efi nasm mtools dosfstools gdisk acpica-tools make gcc binutils"
want_qemu="ovmf"
want_unit="clang libclang-rt-14-dev"
want_fuzz="clang libclang-rt-14-dev"
qemu_min_major=10

log() { printf 'install-deps: %s\n' "$*" >&2; }
die() { log "$*"; exit 2; }

missing() {
	local p out=()
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
			out+=("$p")
	done
	echo "${out[@]:-}"
}

as_root() {
	if [ "$(id -u)" = 0 ]; then "$@"
	elif command -v sudo >/dev/null; then sudo "$@"
	else die "need root to run: $*"
	fi
}

debian_uri() {
	local f uri
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		uri=$(awk '/^URIs:/ && !/security/ {print $2; exit}' "$f")
		[ -n "$uri" ] && grep -q '^Suites:.*bookworm' "$f" && { echo "$uri"; return; }
	done
	[ -f /etc/apt/sources.list ] &&
		awk '$1 == "deb" && $3 ~ /^bookworm$/ {print $2; exit}' /etc/apt/sources.list
}

add_suite() {
	local suite=$1 types=$2 list=/etc/apt/sources.list.d/vtdtest-$1.sources uri
	[ -f "$list" ] && return 0
	uri=$(debian_uri)
	[ -n "$uri" ] || die "no Debian source entry to copy the URIs from"
	log "adding suite $suite ($types)"
	as_root tee "$list" >/dev/null <<EOT
Types: $types
URIs: $uri
Suites: $suite
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOT
	APT_UPDATED=
}

APT_UPDATED=
apt_install() {
	local pkgs
	pkgs=$(missing "$@")
	[ -n "$pkgs" ] || return 0
	if [ -z "$APT_UPDATED" ]; then
		as_root apt-get update -qq >&2 || die "apt-get update failed"
		APT_UPDATED=1
	fi
	log "installing $pkgs"
	# shellcheck disable=SC2086
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		--no-install-recommends $pkgs >&2 || die "apt-get install $pkgs failed"
}

qemu_ok() {
	local v
	command -v qemu-system-x86_64 >/dev/null || return 1
	v=$(qemu-system-x86_64 --version | sed -n 's/.*version \([0-9]*\)\..*/\1/p')
	[ -n "$v" ] && [ "$v" -ge "$qemu_min_major" ]
}

install_qemu() {
	apt_install $want_qemu
	qemu_ok && return 0
	add_suite bookworm-backports deb
	as_root apt-get update -qq >&2 || die "apt-get update failed"
	APT_UPDATED=1
	log "installing qemu-system-x86 from bookworm-backports"
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		--no-install-recommends -t bookworm-backports qemu-system-x86 >&2 ||
		die "installing qemu-system-x86 from bookworm-backports failed"
	qemu_ok || die "qemu-system-x86_64 $qemu_min_major or newer not found after install"
}

[ $# -gt 0 ] || set -- all
for what in "$@"; do
	case $what in
	build) apt_install $want_build ;;
	qemu) install_qemu ;;
	unit) apt_install $want_unit ;;
	fuzz) apt_install $want_fuzz ;;
	all) apt_install $want_build $want_unit; install_qemu ;;
	*) die "unknown component '$what'" ;;
	esac
done

#!/usr/bin/env bash
# Install the Debian packages vtdtest needs, only those missing. QEMU 10
# comes from bookworm-backports (scripts/apt.sh adds the suite).
#
# Usage: scripts/install-deps.sh [build|qemu|unit|fuzz|sign|all]...
set -euo pipefail

want_build="gnu-efi nasm mtools dosfstools gdisk acpica-tools make gcc binutils
	console-setup-linux python3"
want_qemu="ovmf"
want_unit="clang libclang-rt-14-dev"
want_fuzz="clang libclang-rt-14-dev"
# Secure Boot: sbsign and sbverify; openssl opens the snakeoil key.
want_sign="sbsigntool openssl"
qemu_min_major=10

log() { printf 'install-deps: %s\n' "$*" >&2; }
die() { log "$*"; exit 2; }

# shellcheck source=scripts/apt.sh
. "$(dirname "${BASH_SOURCE[0]}")/apt.sh"

qemu_ok() {
	local v
	command -v qemu-system-x86_64 >/dev/null || return 1
	v=$(qemu-system-x86_64 --version | sed -n 's/.*version \([0-9]*\)\..*/\1/p')
	[ -n "$v" ] && [ "$v" -ge "$qemu_min_major" ]
}

install_qemu() {
	# shellcheck disable=SC2086
	apt_install $want_qemu
	qemu_ok && return 0
	apt_install_from bookworm-backports qemu-system-x86
	qemu_ok || die "qemu-system-x86_64 $qemu_min_major or newer not found after install"
}

[ $# -gt 0 ] || set -- all
for what in "$@"; do
	# shellcheck disable=SC2086
	case $what in
	build) apt_install $want_build ;;
	qemu) install_qemu ;;
	unit) apt_install $want_unit ;;
	fuzz) apt_install $want_fuzz ;;
	sign) apt_install $want_sign ;;
	all) apt_install $want_build $want_unit $want_sign; install_qemu ;;
	*) die "unknown component '$what'" ;;
	esac
done

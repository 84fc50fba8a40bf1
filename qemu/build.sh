#!/usr/bin/env bash
# Build vtdtest's patched QEMU: qemu-system-x86_64 from Debian's QEMU 10.0
# source package (trixie) with the patches in qemu/patches applied
# (intel-iommu x-nested, edu PASID DMA; see qemu/README.md).
#
# Prints the absolute path of the binary on stdout; everything else goes
# to stderr: each step as it starts, and while a step runs its elapsed
# time (and ninja's count) every 15 s, or every second on a terminal.
# Exits nonzero with a message on any failure.
#
# The result is cached under ${VTDTEST_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vtdtest}/qemu,
# keyed by the source package version and the hashes of the patches and of
# this script.  A build for the current patches and script is reused without
# asking the archive, whichever source version it was built from; the next
# change of the patches or of this script (or --rebuild) builds from the
# version the archive has then.  A build happens in a temporary directory
# that is renamed into place only once it succeeded.
#
# Usage: qemu/build.sh [--rebuild]
# Run the binary with -L /usr/share/qemu (OVMF comes from Debian's ovmf).
# Archive suites it needs (trixie deb-src, bookworm-backports) are added by
# copying the URIs of the machine's existing Debian source entry.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cache=${VTDTEST_CACHE:-${XDG_CACHE_HOME:-${HOME:?}/.cache}/vtdtest}
qcache=$cache/qemu
src_suite=trixie
meson_min=1.5
firmwarepath=/usr/share/qemu:/usr/share/seabios:/usr/lib/ipxe/qemu

log() { printf 'qemu/build.sh: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

# The steps of a build, for "[N/6] step" lines.
steps=6 step=0 build_start=$SECONDS
elapsed() {	# SECONDS
	printf '%d:%02d' $(($1 / 60)) $(($1 % 60))
}
begin_step() {	# WHAT
	step=$((step + 1))
	log "[$step/$steps] $* ($(elapsed $((SECONDS - build_start))) so far)"
}

# Runs COMMAND with its output in LOG. Until it ends, says how long it has
# run, and ninja's progress, every 15 s (every second, on one line, on a
# terminal), so that a build of minutes never looks like a hang.
run_logged() {	# LOG COMMAND...
	local out=$1 pid t0=$SECONDS last=$SECONDS every=15 rc n
	shift
	[ -t 2 ] && every=1
	"$@" >"$out" 2>&1 &
	pid=$!
	while kill -0 "$pid" 2>/dev/null; do
		sleep 1
		[ $((SECONDS - last)) -ge "$every" ] || continue
		last=$SECONDS
		n=$(grep -o '^\[[0-9]*/[0-9]*\]' "$out" | tail -n 1)
		n=${n:+, ninja ${n//[][]/}}
		if [ "$every" = 1 ]; then
			printf '\rqemu/build.sh:   ... %s%s ' "$(elapsed $((SECONDS - t0)))" "$n" >&2
		else
			log "  ... $(elapsed $((SECONDS - t0)))$n"
		fi
	done
	wait "$pid"
	rc=$?
	[ "$every" = 15 ] || printf '\r\033[K' >&2
	return "$rc"
}

rebuild=
for arg in "$@"; do
	case $arg in
	--rebuild) rebuild=1 ;;
	-h|--help) sed -n '2,23s/^# \{0,1\}//p' "$0" >&2; exit 0 ;;
	*) die "unknown argument '$arg' (usage: qemu/build.sh [--rebuild])" ;;
	esac
done

shopt -s nullglob
patches=("$here"/patches/*.patch)
shopt -u nullglob
[ ${#patches[@]} -gt 0 ] || die "no patches in $here/patches"

# Hash of the patch series (names and contents) and of this script.
inputs_hash() {
	local f
	{
		for f in "${patches[@]}"; do
			printf '%s\n' "${f##*/}"
			cat "$f"
		done
		cat "$here/build.sh"
	} | sha256sum | cut -c1-16
}
hash=$(inputs_hash)

# Fast path: a finished build for these inputs.
if [ -z "$rebuild" ]; then
	found=
	for d in "$qcache"/qemu-*-"$hash"; do
		[ -x "$d/bin/qemu-system-x86_64" ] && found=$d
	done
	if [ -n "$found" ]; then
		touch "$found" 2>/dev/null || true	# last used, for the cleanup
		printf '%s\n' "$found/bin/qemu-system-x86_64"
		exit 0
	fi
fi

# --- slow path: install what is missing, fetch, patch, build -------------

# shellcheck source=scripts/apt.sh
. "$here/../scripts/apt.sh"

meson_ok() {
	command -v meson >/dev/null &&
		dpkg --compare-versions "$(meson --version 2>/dev/null)" ge "$meson_min"
}

install_deps() {
	# seabios and ipxe-qemu: firmware the q35 machine of the qtest loads
	apt_install dpkg-dev xz-utils patch gcc pkg-config ninja-build \
		libglib2.0-dev python3 python3-venv ovmf seabios ipxe-qemu
	if ! meson_ok; then
		apt_install_from bookworm-backports meson
		meson_ok || die "meson $meson_min or newer not found after install"
	fi
}

# Print the .dsc file name apt would fetch for qemu in $src_suite.
source_dsc() {
	apt-get source --print-uris -qq "qemu/$src_suite" 2>/dev/null |
		awk '{gsub(/\x27/, "", $2)} $2 ~ /\.dsc$/ {print $2; exit}'
}

mkdir -p "$qcache" || die "cannot create cache directory $qcache"
exec 9>"$qcache/.lock"
if ! flock -n 9; then
	log "another qemu/build.sh is building; waiting for it"
	flock 9 || die "cannot lock $qcache/.lock"
fi

# Another run may have finished the same build while this one waited.
if [ -z "$rebuild" ]; then
	for d in "$qcache"/qemu-*-"$hash"; do
		if [ -x "$d/bin/qemu-system-x86_64" ]; then
			printf '%s\n' "$d/bin/qemu-system-x86_64"
			exit 0
		fi
	done
fi

# Leftovers of interrupted builds (the lock says none is running).
rm -rf "$qcache"/tmp.*

log "building QEMU with vtdtest's patches: once per machine, about 4 to 6 minutes on 2 cores; later runs find it in $qcache"
begin_step "installing the packages the build needs"
install_deps
add_suite "$src_suite-src" deb-src "$src_suite"
dsc=$(source_dsc || true)
if [ -z "$dsc" ]; then
	apt_update
	dsc=$(source_dsc || true)
fi
[ -n "$dsc" ] || die "apt finds no qemu source package in $src_suite"
version=${dsc#qemu_}
version=${version%.dsc}
key=qemu-$version-$hash
final=$qcache/$key
start=$SECONDS
tmp=$(mktemp -d "$qcache/tmp.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

begin_step "fetching the QEMU source $version from $src_suite (build $key)"
(cd "$tmp" && run_logged "$tmp/fetch.log" apt-get source -qq "qemu/$src_suite") || {
	tail -n 20 "$tmp/fetch.log" >&2
	die "apt-get source qemu/$src_suite failed"
}
srcdir=$(find "$tmp" -mindepth 1 -maxdepth 1 -type d -name 'qemu-*' | head -n 1)
[ -n "$srcdir" ] && [ -f "$srcdir/configure" ] ||
	die "no unpacked QEMU source in $tmp"

begin_step "applying ${#patches[@]} patches"
for p in "${patches[@]}"; do
	log "  ${p##*/}"
	patch -d "$srcdir" -p1 --batch --forward --quiet <"$p" >&2 ||
		die "patch ${p##*/} does not apply to QEMU $version"
done

mkdir "$tmp/build"
begin_step "configuring"
(cd "$tmp/build" && run_logged "$tmp/configure.log" "$srcdir/configure" \
	--target-list=x86_64-softmmu \
	--without-default-features \
	--enable-tcg \
	--disable-fdt \
	--disable-download \
	--disable-docs \
	--disable-debug-info \
	--disable-install-blobs \
	--disable-relocatable \
	--python=/usr/bin/python3 \
	--firmwarepath="$firmwarepath") || {
	tail -n 30 "$tmp/configure.log" >&2
	die "configure failed (log above)"
}

begin_step "compiling with $(nproc) jobs (about 3 to 5 minutes on 2 cores)"
run_logged "$tmp/ninja.log" ninja -C "$tmp/build" -j "$(nproc)" \
	qemu-system-x86_64 tests/qtest/intel-iommu-test tests/qtest/q35-test || {
	grep -E -B2 -A8 'error|FAILED' "$tmp/ninja.log" | tail -n 40 >&2
	die "compile failed (errors above)"
}

"$tmp/build/qemu-system-x86_64" --version >/dev/null ||
	die "the built qemu-system-x86_64 does not run"

mkdir -p "$tmp/out/bin"
cp "$tmp/build/qemu-system-x86_64" "$tmp/out/bin/"

# The binary enters the cache only if QEMU's qtests of the patches pass:
# intel-iommu (x-nested and edu's PASID DMA, patches/0006) and q35's
# tpm-unclaimed (patches/0007).  They run the copy: next to the build
# tree's qemu-bundle QEMU would look for firmware inside it instead of
# the configured firmware path.
qtests() {
	export QTEST_QEMU_BINARY="$tmp/out/bin/qemu-system-x86_64"
	timeout 300 tests/qtest/intel-iommu-test --tap &&
		timeout 60 tests/qtest/q35-test --tap -p /x86_64/q35/tpm-unclaimed
}
begin_step "running QEMU's qtests of the patches"
(cd "$tmp/build" && run_logged "$tmp/qtest.log" qtests) || {
	grep -v '^# starting QEMU' "$tmp/qtest.log" | tail -n 30 >&2
	die "a qtest failed (output above)"
}
grep -E '^(ok|not ok) ' "$tmp/qtest.log" | sed 's/^/  qtest: /' >&2
{
	echo "source: qemu $version ($src_suite)"
	echo "inputs: $hash"
	for p in "${patches[@]}"; do echo "patch: ${p##*/}"; done
	echo "built: $(date -u +%Y-%m-%dT%H:%M:%SZ) in $((SECONDS - start)) s"
	grep -E '^(ok|not ok) ' "$tmp/qtest.log" | sed 's/^/qtest: /'
} >"$tmp/out/build-info.txt"

rm -rf "$final"
mv -T "$tmp/out" "$final" || die "cannot move the build into $final"
# Older builds go, but the last few used stay: worktrees of several
# branches on one machine would otherwise rebuild each other's away.
keep=4
ls -1dt "$qcache"/qemu-* | tail -n +$((keep + 1)) | while read -r d; do
	rm -rf "$d"
done
log "built in $((SECONDS - start)) s"
printf '%s\n' "$final/bin/qemu-system-x86_64"

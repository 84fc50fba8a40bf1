#!/usr/bin/env bash
# bench.sh BARE_IMAGE [RUNS]
#
# How long a user waits for ./run-qemu.sh, against booting an EFI
# application that does nothing, in RUNS (default 5) paired runs:
#
#   plain    the bare GNU-EFI application (tests/bench/bare.c) booted as
#            anyone would boot it: Debian's QEMU, q35, OVMF, its disk and
#            isa-debug-exit, no icount, no IOMMU, no other device;
#   same     the bare application through ./run-qemu.sh --image: the
#            default configuration's whole run with the firmware swapped;
#   vtdtest  ./run-qemu.sh, the whole process, with the image built.
#
# The ratio that counts is the median of the pairs' vtdtest / plain; the
# median of vtdtest - same is vtdtest's own time. Then each configuration
# once with -icount and once without (--icount on / off), seconds and
# verdict.
#
# BENCH_CONFIGS=0 leaves out the per-configuration table.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
bare=$(realpath "$1") runs=${2:-5}
stock=$(command -v qemu-system-x86_64) || { echo "bench: no qemu-system-x86_64" >&2; exit 2; }
log=$top/build/logs/bench
mkdir -p "$log"

seconds_since() {	# START
	awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.3f", b - a }'
}

# Runs COMMAND..., prints its wall time; fails unless it exits with WANT.
timed() {	# WANT COMMAND...
	local want=$1 start rc
	shift
	start=$EPOCHREALTIME
	"$@" </dev/null >/dev/null 2>>"$log/stderr"
	rc=$?
	[ "$rc" -eq "$want" ] || { echo "bench: '$*' exited $rc, not $want (see $log)" >&2; return 1; }
	seconds_since "$start"
}

plain() {
	"$stock" -M q35 -accel tcg -m 512 -nodefaults -display none -no-reboot \
		-bios /usr/share/qemu/OVMF.fd \
		-drive "if=none,id=disk,file=$bare,format=raw,snapshot=on" \
		-device ide-hd,drive=disk,bus=ide.0,bootindex=0 \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04 \
		-serial "file:$log/plain.log"
}

median() { printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

: >"$log/stderr"
# Once, untimed: builds and installs whatever is missing.
"$top/run-qemu.sh" --log bench-warmup >/dev/null 2>>"$log/stderr" ||
	{ echo "bench: ./run-qemu.sh fails (see $top/build/logs/bench-warmup.log)" >&2; exit 2; }

plain_t=() same_t=() vtd_t=() ratio=() own=()
for i in $(seq "$runs"); do
	# isa-debug-exit: QEMU exits 1 when the application passes.
	p=$(timed 1 plain) || exit 2
	s=$(timed 0 "$top/run-qemu.sh" --image "$bare" --log bench-same) || exit 2
	v=$(timed 0 "$top/run-qemu.sh" --log bench-vtdtest) || exit 2
	plain_t+=("$p") same_t+=("$s") vtd_t+=("$v")
	ratio+=("$(awk -v v="$v" -v p="$p" 'BEGIN { printf "%.3f", v / p }')")
	own+=("$(awk -v v="$v" -v s="$s" 'BEGIN { printf "%.3f", v - s }')")
	printf 'run %d: plain %ss  same %ss  vtdtest %ss  ratio %s\n' \
		"$i" "$p" "$s" "$v" "${ratio[-1]}"
done
printf 'bench: medians of %d paired runs: plain bare boot %ss, bare booted as run-qemu.sh boots %ss, ./run-qemu.sh %ss\n' \
	"$runs" "$(median "${plain_t[@]}")" "$(median "${same_t[@]}")" "$(median "${vtd_t[@]}")"
printf "bench: vtdtest's own time %ss (median of ./run-qemu.sh - same)\n" "$(median "${own[@]}")"
printf 'bench: ratio ./run-qemu.sh / plain bare boot: %.2f (median of the pairs)\n' "$(median "${ratio[@]}")"

[ "${BENCH_CONFIGS:-1}" = 0 ] && exit 0
echo "bench: each configuration, whole ./run-qemu.sh, with and without -icount:"
printf '%-12s %-8s %9s %9s  %s\n' config default icount real verdict
"$top/run-qemu.sh" --list | while read -r c d _; do
	row=()
	for mode in on off; do
		start=$EPOCHREALTIME
		"$top/run-qemu.sh" --config "$c" --icount "$mode" --timeout 600 \
			--log "bench-$c-$mode" </dev/null >/dev/null 2>>"$log/stderr"
		row+=("$(seconds_since "$start")s" "$(cut -f2 "$top/build/logs/bench-$c-$mode.result")")
	done
	printf '%-12s %-8s %9s %9s  icount: %s; real: %s\n' "$c" "$d" \
		"${row[0]}" "${row[2]}" "${row[1]}" "${row[3]}"
done

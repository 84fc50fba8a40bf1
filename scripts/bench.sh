#!/usr/bin/env bash
# bench.sh BARE_IMAGE [RUNS]
#
# Boot-to-verdict of the default configuration against a bare GNU-EFI
# application that prints one line and exits, booted the same way (same
# QEMU, OVMF, machine and devices), in paired runs. Prints each pair, the
# medians and the ratio vtdtest / bare.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
bare=$1 runs=${2:-5}
qemu=$(command -v qemu-system-x86_64)
log=$top/build/logs/bench
mkdir -p "$log"

boot_seconds() {	# IMAGE IOMMU-PROPS
	local start rc
	start=$EPOCHREALTIME
	set +e
	timeout 120 "$qemu" -M q35 -accel tcg $icount -m 512 -nodefaults -display none \
		-no-reboot -bios /usr/share/qemu/OVMF.fd \
		-drive "if=none,id=disk,file=$1,format=raw,snapshot=on" \
		-device ide-hd,drive=disk,bus=ide.0,bootindex=0 \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04 \
		-device "intel-iommu,$2" -device edu,dma_mask=0xffffffffffffffff \
		-serial "file:$log/last.log" </dev/null >/dev/null 2>&1
	rc=$?
	set -e
	[ "$rc" -eq 1 ] || { echo "bench: $1 did not exit cleanly (QEMU $rc)" >&2; exit 2; }
	awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.3f", b - a }'
}

props=$(sed -n 's/^\t"sm-ss|\([^|]*\)|.*/\1/p' "$top/run-qemu.sh")
icount=$(grep -o -- '-icount [^ ]*' "$top/run-qemu.sh" | head -n 1)
[ -n "$props" ] || { echo "bench: cannot read sm-ss from run-qemu.sh" >&2; exit 2; }
bare_t=() vtd_t=()
for i in $(seq "$runs"); do
	b=$(boot_seconds "$bare" "$props")
	v=$(boot_seconds "$top/build/vtdtest.img" "$props")
	bare_t+=("$b") vtd_t+=("$v")
	printf 'run %d: bare %ss vtdtest %ss\n' "$i" "$b" "$v"
done
median() { printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
mb=$(median "${bare_t[@]}") mv=$(median "${vtd_t[@]}")
awk -v b="$mb" -v v="$mv" -v n="$runs" 'BEGIN {
	printf "bench: %d paired runs, sm-ss; median bare %.3fs, vtdtest %.3fs\n", n, b, v
	printf "bench: ratio %.2f, vtdtest own share %.3fs\n", v / b, v - b }'

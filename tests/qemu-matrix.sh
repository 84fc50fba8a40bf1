#!/usr/bin/env bash
# qemu-matrix.sh: what make test boots.
#
# 1. Every configuration of run-qemu.sh; each must pass.
# 2. Runs that must fail, and fail exactly as named: configuration none with
#    a malformed DMAR handed to the firmware through -acpitable (each must
#    end in its named failing dmar cases and exit 1, not hang, crash or
#    pass), a mapping broken on purpose, which must show the walker's
#    trace, and a CPU exception, which must print its report, close the
#    KTAP document and exit 2. A configuration QEMU refuses must exit 2
#    with QEMU's own error, and an NVMe disk written during a run (by a
#    stand-in for QEMU that writes it first) must make the run fail.
# 3. Other ways in and out, each of which must pass: the default
#    configuration booted from usb-storage on qemu-xhci, and runs without
#    isa-debug-exit where on_finish=poweroff (ACPI S5) or on_finish=reset
#    (FADT reset register, with -no-reboot) must make QEMU exit by itself
#    with the verdict as the log's last line; and nested without icount
#    on the DMA suites, repeated, where a late completion interrupt once
#    made the next DMA look lost; and dsa on a CPU without MOVDIR64B,
#    where descriptors go to the portal as eight 8-byte stores.
# 4. The console chosen by an ACPI SPCR table (-acpitable) naming COM2, a
#    second UART: the KTAP must go there and pass, so run-qemu.sh, which
#    reads COM1, finds no verdict; with console=com1 in vtdtest.cfg (an
#    entry of 3.) the same machine must report on COM1 and pass.
# 5. The result on the GOP framebuffer of a VGA device, read back with a
#    QMP screendump and matched pixel for pixel (tests/fbcon_check.py): a
#    passing run that left the unit untested, in OVMF's 1280x800 mode, and
#    a failing one in 1600x1280 (scale 2) whose twenty failing cases do
#    not fit.
# 6. Secure Boot, under OVMF that enforces it with the snakeoil keys
#    (run-qemu.sh --secure-boot): the image signed with the snakeoil key
#    must boot and pass (an entry of 3.), and the unsigned one must be
#    refused by the firmware (tests/secureboot_check.py).
# The last line totals the cases: vtdtest: P passed, F failed, S skipped,
# where each run of 2. to 6. counts as one case of its own.
# build/logs/junit.xml holds the configurations' results as JUnit XML.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
logs=$top/build/logs
fixtures=$top/build/fixtures/dmar
spcr=$top/build/fixtures/spcr
unit_totals=${1:-}	# "P F" from the unit tests, optional

# A stand-in for QEMU that changes a byte of the NVMe disk, then runs QEMU.
write_disk_qemu=$top/build/run/write-disk-qemu.sh
mkdir -p "$top/build/run"
cat >"$write_disk_qemu" <<'EOF'
#!/bin/sh
for a in "$@"; do
	case $a in *id=nvm0,file=*)
		f=${a#*file=}; f=${f%%,*}
		printf 'X' | dd of="$f" bs=1 seek=4096 conv=notrunc status=none ;;
	esac
done
exec qemu-system-x86_64 "$@"
EOF
chmod +x "$write_disk_qemu"

# label|config|run-qemu.sh arguments|exit|the cases that fail, all of them|a line the log or run-qemu.sh's stderr must hold
# (No unit answers at the malformed tables' DRHD under none: drhd_registers.)
expect_fail=(
	"dmar-haw-zero|none|--tests dmar -- -acpitable file=$fixtures/haw_zero.aml|1|host_address_width drhd_registers|"
	"dmar-scope-missing|none|--tests dmar -- -acpitable file=$fixtures/scope_missing_device.aml|1|drhd_registers device_scopes|"
	"dmar-rmrr-end|none|--tests dmar -- -acpitable file=$fixtures/rmrr_end_before_base.aml|1|drhd_registers rmrr_alignment|"
	"dmar-andd|none|--tests dmar -- -acpitable file=$fixtures/andd_missing.aml|1|drhd_registers andd|"
	"break-mapping|legacy48|--tests legacy.single_page --set inject=break_mapping|1|single_page|# walk  5 ss-L1 "
	"crash|none|--tests boot --set inject=exception|2|exception_path local_interrupt|# EXCEPTION vector 6 (#UD invalid opcode)"
	"qemu-refuses|none|-- -device intel-iommu,x-scalable-mode=on,x-flts=on,aw-bits=39|2||supported value for aw-bits is: 48"
	"nvme-written|nvme|--tests boot --qemu $write_disk_qemu|1||the NVMe disk was written"
)
# The same fields; no case may fail.
boot_paths=(
	"usb|sm-ss|--usb|0||/USB("
	"poweroff|sm-ss|--no-debug-exit --tests boot --set on_finish=poweroff|0||"
	"reset|sm-ss|--no-debug-exit --tests boot --set on_finish=reset|0||"
	"preenable|sm-ss|--set inject=preenable|0||# unit 0: at entry: GSTS=0xc7000000"
	"lost-completion|nested|--icount off --set repeat=12 --tests nested_dma,nested_invalidate,pasid_isolation,nested_replace|0||"
	"secure-boot|sm-ss|--secure-boot --tests boot|0||"
	"dsa-no-movdir64b|dsa|-- -cpu qemu64,+pdpe1gb|0||descriptors submitted as eight 8-byte stores"
	"spcr-cfg-com1|none|--tests boot --set console=com1 -- -acpitable file=$spcr/com2.aml -chardev null,id=com2 -device isa-serial,chardev=com2,iobase=0x2f8,irq=3|0||# console: I/O 0x3f8, 115200 baud (vtdtest.cfg)"
)

passed=0 failed=0 skipped=0 status=0

add_verdict() {	# LOG
	local v
	v=$(tr -d '\r' <"$1" | grep -E '^vtdtest: [0-9]+ passed' | tail -n 1)
	[ -n "$v" ] || return 1
	set -- $v
	passed=$((passed + $2)) failed=$((failed + $4)) skipped=$((skipped + $6))
}

"$top/run-qemu.sh" --all --jobs "${VTDTEST_JOBS:-2}" --junit "$logs/junit.xml"
rc=$?
[ "$rc" -eq 0 ] || status=1
for config in $("$top/run-qemu.sh" --list | cut -d' ' -f1); do
	log=$logs/$config.log
	add_verdict "$log" || { echo "qemu-matrix: no verdict in $log" >&2; failed=$((failed + 1)); }
done

# The names of the cases that failed in a log, sorted, space separated.
failed_cases() {
	tr -d '\r' <"$1" | sed -n 's/^    not ok [0-9]* \([a-z0-9_]*\).*/\1/p' | sort | tr '\n' ' '
}

# A marker is found in the log itself: a substring needs no CR stripping,
# and "tr | grep -q" under pipefail fails when grep, done early, leaves tr
# to die of SIGPIPE (the usb marker is on the log's first line).
check_run() {	# KIND ENTRY
	local kind=$1 label config runargs want_rc want marker rc log got
	IFS='|' read -r label config runargs want_rc want marker <<<"$2"
	# shellcheck disable=SC2086
	"$top/run-qemu.sh" --config "$config" --log "$label" --timeout 60 \
		$runargs >/dev/null 2>"$logs/$label.stderr"
	rc=$?
	log=$logs/$label.log
	got=$(failed_cases "$log")
	want=$(tr ' ' '\n' <<<"$want" | grep . | sort | tr '\n' ' ')
	if [ "$rc" -eq "$want_rc" ] && [ "$got" = "$want" ] &&
	   { [ -z "$marker" ] || grep -qF -- "$marker" "$log" "$logs/$label.stderr"; }; then
		printf '%-16s %-20s ok: exit %s, failed %s\n' "$kind" "$label" "$rc" "$got"
		passed=$((passed + 1))
	else
		printf '%-16s %-20s NOT OK: exit %s, failed [%s], wanted [%s]%s (log %s)\n' \
			"$kind" "$label" "$rc" "$got" "$want" "${marker:+ and '$marker'}" "$log"
		failed=$((failed + 1)) status=1
	fi
}

for entry in "${expect_fail[@]}"; do
	check_run "expected failure" "$entry"
done
for entry in "${boot_paths[@]}"; do
	check_run "boot path" "$entry"
done

# 4. COM2's output is its own file; COM1's (none.log) must hold no KTAP.
check_spcr_com2() {
	local label=spcr-com2 log=$logs/spcr-com2.log com1=$logs/spcr-com2.com1.log
	local rc verdict marker='# console: I/O 0x2f8, 115200 baud (ACPI SPCR)'
	rm -f "$log"
	"$top/run-qemu.sh" --config none --log "$label.com1" --timeout 60 \
		--tests boot,acpi -- \
		-acpitable "file=$spcr/com2.aml" -chardev "file,id=com2,path=$log" \
		-device isa-serial,chardev=com2,iobase=0x2f8,irq=3 >/dev/null 2>&1
	rc=$?
	verdict=$(tr -d '\r' <"$log" 2>/dev/null | grep -E '^vtdtest: [0-9]+ passed' | tail -n 1)
	if [ "$rc" -eq 2 ] && [[ $verdict == *" 0 failed,"* ]] &&
	   grep -qF -- "$marker" "$log" &&
	   ! grep -q 'KTAP version' "$com1"; then
		printf '%-16s %-20s ok: exit %s (no verdict on COM1), COM2: %s\n' \
			console "$label" "$rc" "$verdict"
		passed=$((passed + 1))
	else
		printf '%-16s %-20s NOT OK: exit %s, wanted 2; COM2: [%s], wanted 0 failed and "%s", COM1 without KTAP (logs %s, %s)\n' \
			console "$label" "$rc" "$verdict" "$marker" "$log" "$com1"
		failed=$((failed + 1)) status=1
	fi
}
check_spcr_com2

# 5. and 6.: one case per check script, which says what it found.
check_script() {	# KIND LABEL SCRIPT ARGS...
	local kind=$1 label=$2 script=$3 out rc
	shift 3
	out=$(python3 "$top/tests/$script" "$@" 2>&1)
	rc=$?
	if [ "$rc" -eq 0 ]; then
		printf '%-16s %-20s ok: %s\n' "$kind" "$label" "${out#*_check: }"
		passed=$((passed + 1))
	else
		printf '%-16s %-20s NOT OK: %s (log %s)\n' "$kind" "$label" \
			"${out#*_check: }" "$logs/$label.log"
		failed=$((failed + 1)) status=1
	fi
}
check_script display framebuffer fbcon_check.py --config none --tests boot,legacy
check_script display framebuffer-fail fbcon_check.py --label framebuffer-fail \
	--config legacy48 --tests legacy.single_page --set inject=break_mapping \
	--set repeat=20 --mode 1600x1280 --verdict FAIL
check_script "secure boot" secure-boot-unsigned secureboot_check.py

if [ -n "$unit_totals" ]; then
	set -- $unit_totals
	passed=$((passed + $1)) failed=$((failed + $2))
fi
echo "vtdtest: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] || status=1
exit "$status"

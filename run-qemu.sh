#!/usr/bin/env bash
# run-qemu.sh: build vtdtest and boot it under QEMU with OVMF and intel-iommu.
#
#   ./run-qemu.sh                     the default configuration (nested)
#   ./run-qemu.sh --list              the configurations
#   ./run-qemu.sh --config NAME ...   these configurations (repeatable)
#   ./run-qemu.sh --all               every configuration
#   ./run-qemu.sh --tests PATTERN     only these suites or suite.case globs
#   ./run-qemu.sh --set KEY=VALUE     a vtdtest.cfg line (repeatable)
#   ./run-qemu.sh --qemu PATH         another qemu-system-x86_64
#   ./run-qemu.sh --timeout SECONDS   per configuration (default 120)
#   ./run-qemu.sh --jobs N            configurations run side by side
#   ./run-qemu.sh --junit FILE        also write the results as JUnit XML
#   ./run-qemu.sh --usb               boot the image as usb-storage on qemu-xhci
#   ./run-qemu.sh --no-debug-exit     no isa-debug-exit: on_finish ends the run
#   ./run-qemu.sh --display           a VGA device: OVMF's GOP shows the verdict
#   ./run-qemu.sh --log NAME          one configuration, logged as NAME
#   ./run-qemu.sh --icount on|off     override the configuration's -icount
#   ./run-qemu.sh --image FILE        boot FILE instead of build/vtdtest.img
#   ./run-qemu.sh --secure-boot       OVMF with Secure Boot enforced, booting
#                                     the image signed with its snakeoil key
#   ./run-qemu.sh -- QEMU-ARGS...     appended to the QEMU command line
#
# Exit: 0 all passed, 1 a test failed, 2 no verdict (build error, QEMU
# error, timeout, crash). Serial logs land in build/logs/<config>.log, or
# build/logs/NAME.log with --log; QEMU's stderr next to it (.log.qemu).
set -uo pipefail

top=$(cd "$(dirname "$0")" && pwd)
build=$top/build
ovmf=/usr/share/qemu/OVMF.fd
# With --secure-boot: OVMF that enforces Secure Boot, its db trusting the
# snakeoil certificate of Debian's ovmf package.
sb_code=/usr/share/OVMF/OVMF_CODE_4M.secboot.fd
sb_vars=/usr/share/OVMF/OVMF_VARS_4M.snakeoil.fd
default_config=nested
verdict_re='^vtdtest: [0-9]+ passed, [0-9]+ failed, [0-9]+ skipped'

# name|intel-iommu properties ("-" for no IOMMU)|devices|clock|what it offers
#
# Configurations whose properties name x-nested need the project's
# patched QEMU (qemu/build.sh); the others run Debian's unmodified binary.
# The default is nested: it is what vtdtest exists for, and its patched
# edu makes it the quickest to run.
#
# Devices, in bus order: edu (one per word), nvme (on pcie.0), nvme-rp (an
# NVMe behind a PCIe root port, on bus 1), xhci, dsa (the patched QEMU's
# intel-dsa, with MOVDIR64B offered to the CPU). An NVMe's disk is a
# per-run copy of build/nvme.img, which must be unchanged after the run.
#
# Clock: icount where stock edu's artificial 100 ms DMA delay needs it
# (-icount sleep=off skips the delay while the vCPU halts); real
# everywhere else, because icount slows TCG, OVMF's boot above all.
configs=(
	"none|-|edu edu|real|q35 and edu without an IOMMU: no DMAR, the VT-d suites skip"
	"legacy39|aw-bits=39|edu edu|icount|legacy mode, 39-bit guest address width"
	"legacy48|aw-bits=48|edu edu|icount|legacy mode, 48-bit guest address width"
	"sm-ss|x-scalable-mode=on,aw-bits=48|edu edu|icount|scalable mode, second-stage translation"
	"sm-fs|x-scalable-mode=on,x-flts=on,aw-bits=48|edu edu|icount|scalable mode, first-stage translation"
	"sm-fs-pasid|x-scalable-mode=on,x-flts=on,x-pasid-mode=on,aw-bits=48|edu edu|icount|first-stage with ECAP.PASID"
	"sm-cm|x-scalable-mode=on,caching-mode=on,device-iotlb=on,aw-bits=48|edu edu|icount|scalable mode with caching mode and ECAP.DT"
	"nested|x-scalable-mode=on,x-nested=on,aw-bits=48|edu edu|real|first- and second-stage and nesting (PGTT 3), PASID-tagged edu DMA (patched QEMU)"
	"nvme|x-scalable-mode=on,aw-bits=48|nvme|real|scalable second stage, DMA by an NVMe controller (no edu)"
	"nvme-rp|x-scalable-mode=on,x-nested=on,aw-bits=48|nvme-rp xhci|real|nesting without edu: an NVMe behind a PCIe root port (requester id on bus 1) and an xHCI, DMA through RID_PASID (patched QEMU)"
	"xhci|aw-bits=48|xhci|real|legacy mode, 48-bit, DMA by an xHCI controller (no edu)"
	"dsa|x-scalable-mode=on,x-nested=on,x-smpwc=on,aw-bits=48|dsa|real|nesting and PASID-tagged DMA from an Intel DSA, the only engine, submitting with MOVDIR64B; page walks snoop (ECAP.SMPWC), so the unit sets first-stage A/D (patched QEMU)"
)
# Stock edu's DMA takes 100 ms of virtual time; the patched edu's is set.
patched_edu_delay_ns=10000
icount_args=(-icount shift=auto,sleep=off)
# The NVMe disk: 1 MiB where 32-bit little-endian word i is
# 0x4e560000 | (i & 0xffff) ("NV" and the word's index).
nvme_img=$build/nvme.img
nvme_img_mib=1

die() { printf 'run-qemu.sh: %s\n' "$*" >&2; exit 2; }

# Sets c_props, c_devices, c_clock and c_what of configuration NAME.
config() {	# NAME
	local c
	for c in "${configs[@]}"; do
		[ "${c%%|*}" = "$1" ] || continue
		IFS='|' read -r _ c_props c_devices c_clock c_what <<<"$c"
		return 0
	done
	return 1
}

list_configs() {
	local c
	for c in "${configs[@]}"; do
		config "${c%%|*}"
		printf '%-12s %-7s %s\n' "${c%%|*}" "$c_clock" "$c_what"
	done
}

selected=() tests="" sets=() qemu="" timeout=120 jobs=1 extra=()
junit="" usb=0 debug_exit=1 display=0 log_label="" icount="" image=""
secure_boot=0
while [ $# -gt 0 ]; do
	case $1 in
	--list) list_configs; exit 0 ;;
	--config) [ $# -ge 2 ] || die "--config needs a name"
		config "$2" || die "unknown configuration '$2' (see --list)"
		selected+=("$2"); shift ;;
	--all) for c in "${configs[@]}"; do selected+=("${c%%|*}"); done ;;
	--tests) [ $# -ge 2 ] || die "--tests needs a pattern"; tests=$2; shift ;;
	--set) [[ ${2:-} == *=* ]] || die "--set needs KEY=VALUE"; sets+=("$2"); shift ;;
	--qemu) [ $# -ge 2 ] || die "--qemu needs a path"; qemu=$2; shift ;;
	--timeout) [[ ${2:-} =~ ^[0-9]+$ ]] || die "--timeout needs seconds"; timeout=$2; shift ;;
	--jobs) [[ ${2:-} =~ ^[1-9][0-9]*$ ]] || die "--jobs needs a count"; jobs=$2; shift ;;
	--junit) [ -n "${2:-}" ] || die "--junit needs a file"; junit=$2; shift ;;
	--usb) usb=1 ;;
	--no-debug-exit) debug_exit=0 ;;
	--display) display=1 ;;
	--log) [[ ${2:-} =~ ^[A-Za-z0-9_.+-]+$ ]] || die "--log needs a name"; log_label=$2; shift ;;
	--icount) [[ ${2:-} =~ ^(on|off)$ ]] || die "--icount needs on or off"; icount=$2; shift ;;
	--image) [ -r "${2:-}" ] || die "--image needs a readable file"
		image=$(realpath "$2"); shift ;;
	--) shift; extra=("$@"); break ;;
	--secure-boot) secure_boot=1 ;;
	-h|--help) sed -n '2,28s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*) die "unknown option '$1' (see --help)" ;;
	esac
	shift
done
[ ${#selected[@]} -gt 0 ] || selected=("$default_config")
[ -z "$log_label" ] || [ ${#selected[@]} -eq 1 ] || die "--log takes one configuration"
if [ -n "$image" ] && { [ -n "$tests" ] || [ ${#sets[@]} -gt 0 ]; }; then
	die "--tests and --set write vtdtest's image: not with --image"
fi

# The name a configuration's log, result and JUnit input go by.
label_of() {	# CONFIG
	echo "${log_label:-$1}"
}
if [ "$debug_exit" = 0 ]; then
	case " ${sets[*]} " in
	*" on_finish=reset "*|*" on_finish=poweroff "*) ;;
	*) echo "run-qemu.sh: note: with on_finish=halt and no isa-debug-exit, QEMU runs until the timeout" >&2 ;;
	esac
fi

needs_patched() {	# CONFIG
	config "$1" && [[ $c_props == *x-nested* ]]
}

need_stock=0 need_patched=0
for name in "${selected[@]}"; do
	if needs_patched "$name"; then need_patched=1; else need_stock=1; fi
done

# Installs and builds only what is missing: with the image up to date, the
# build's packages are not needed, and the patched configurations need
# Debian's QEMU for nothing but OVMF.
targets=(all) deps=(build)
[ "$secure_boot" = 0 ] || { targets+=(secureboot-images); deps+=(sign); }
if ! make -q --no-print-directory -C "$top" "${targets[@]}" 2>/dev/null; then
	"$top/scripts/install-deps.sh" "${deps[@]}" || die "installing dependencies failed"
	make -s -C "$top" "${targets[@]}" >&2 || die "build failed"
fi
if [ "$need_stock" = 1 ] || [ ! -r "$ovmf" ]; then
	"$top/scripts/install-deps.sh" qemu || die "installing dependencies failed"
fi
[ -r "$ovmf" ] || die "no OVMF at $ovmf (Debian package ovmf)"
if [ "$secure_boot" = 1 ]; then
	for f in "$sb_code" "$sb_vars"; do
		[ -r "$f" ] || die "no $f (Debian package ovmf)"
	done
fi

stock_qemu=$qemu patched_qemu=$qemu
if [ "$need_stock" = 1 ] && [ -z "$stock_qemu" ]; then
	stock_qemu=$(command -v qemu-system-x86_64) || die "no qemu-system-x86_64"
fi
# Built once per machine (minutes, with progress on stderr), then found
# in the cache. Never replaced by a QEMU where nesting would skip.
if [ "$need_patched" = 1 ] && [ -z "$patched_qemu" ]; then
	patched_qemu=$("$top/qemu/build.sh") ||
		die "building the project's QEMU failed (qemu/build.sh, output above); nested needs it, so nothing ran"
fi
for b in "$stock_qemu" "$patched_qemu"; do
	[ -z "$b" ] || [ -x "$b" ] || die "QEMU '$b' is not executable"
done
mkdir -p "$build/logs" "$build/run"
trap 'rm -f "$build"/run/*."$$".img "$build"/run/*."$$".cfg' EXIT

# The image the run boots: the built one, or a copy with its own cfg,
# private to this process so that concurrent runs cannot swap images.
run_image() {	# CONFIG
	local img=$build/run/$1.$$.img cfg=$build/run/$1.$$.cfg s
	if [ -z "$tests" ] && [ ${#sets[@]} -eq 0 ]; then
		echo "${image:-$base_image}"
		return
	fi
	cp "$top/boot/vtdtest.cfg" "$cfg"
	[ -z "$tests" ] || echo "tests=$tests" >>"$cfg"
	for s in "${sets[@]}"; do echo "$s" >>"$cfg"; done
	cp --sparse=always "$base_image" "$img"
	MTOOLS_SKIP_CHECK=1 mcopy -o -i "$img@@$((2048 * 512))" "$cfg" ::/vtdtest.cfg ||
		die "cannot write vtdtest.cfg into $img"
	echo "$img"
}

# What the runs boot unless --image says: with --secure-boot, the image
# signed with the snakeoil key (make secureboot-images).
base_image=$build/vtdtest.img
[ "$secure_boot" = 0 ] || base_image=$build/secureboot/snakeoil.img

# Sets firmware, the QEMU arguments that load OVMF for the run LABEL: with
# --secure-boot the build that enforces it (and needs SMM), with a copy of
# the snakeoil variable store private to the run; else the plain one.
firmware_args() {	# LABEL
	local vars=$build/run/$1-vars.$$.img
	if [ "$secure_boot" = 0 ]; then
		firmware=(-bios "$ovmf")
		return
	fi
	cp "$sb_vars" "$vars" || die "cannot copy $sb_vars to $vars"
	firmware=(-machine smm=on
		  -global driver=cfi.pflash01,property=secure,value=on
		  -drive "if=pflash,format=raw,unit=0,readonly=on,file=$sb_code"
		  -drive "if=pflash,format=raw,unit=1,file=$vars")
}

# The NVMe disk's contents, generated once (see nvme_img above).
make_nvme_img() {
	[ -s "$nvme_img" ] && return 0
	python3 -c 'import struct, sys
words = int(sys.argv[2]) << 18
with open(sys.argv[1], "wb") as f:
    f.write(struct.pack("<%dI" % words,
                        *(0x4e560000 | (i & 0xffff) for i in range(words))))
' "$nvme_img.$$" "$nvme_img_mib" &&
		mv -f "$nvme_img.$$" "$nvme_img"
}

# Sets binary and args, the QEMU command line of CONFIG booting IMAGE,
# with DISK as the NVMe's disk.
qemu_args() {	# CONFIG IMAGE DISK
	local edu=edu,dma_mask=0xffffffffffffffff dev
	local nvme_drive=(-drive "if=none,id=nvm0,file=$3,format=raw")
	local nvme=nvme,serial=vtdtest0,drive=nvm0
	config "$1"
	firmware_args "$(label_of "$1")"
	# +pdpe1gb: with 1 GiB pages OVMF maps memory a second faster.
	# +movdir64b (qemu/patches 0010): DSA descriptors go as on hardware.
	local cpu=qemu64,+pdpe1gb
	[[ " $c_devices " != *" dsa "* ]] || cpu+=,+movdir64b
	args=(-M q35 -accel tcg -cpu "$cpu" -m 512
	      -nodefaults -display none -no-reboot
	      -L /usr/share/qemu "${firmware[@]}"
	      -drive "if=none,id=disk,file=$2,format=raw,snapshot=on")
	if needs_patched "$1"; then
		binary=$patched_qemu
		edu="$edu,dma_delay_ns=$patched_edu_delay_ns"
		# Our build only (qemu/patches 0007): OVMF sees no TPM at
		# once instead of waiting 1.7 s for one.
		[ -n "$qemu" ] || args+=(-global ICH9-LPC.x-tpm-unclaimed=on)
	else
		binary=$stock_qemu
	fi
	case ${icount:-$c_clock} in on|icount) args+=("${icount_args[@]}") ;; esac
	[ "$usb" = 1 ] || args+=(-device ide-hd,drive=disk,bus=ide.0,bootindex=0)
	[ "$debug_exit" = 0 ] || args+=(-device isa-debug-exit,iobase=0xf4,iosize=0x04)
	# intel-iommu must come before the PCI devices it translates for.
	[ "$c_props" = "-" ] || args+=(-device "intel-iommu,$c_props")
	for dev in $c_devices; do
		case $dev in
		# Two edus: DMA from two requester ids into two domains.
		edu) args+=(-device "$edu") ;;
		nvme) args+=("${nvme_drive[@]}" -device "$nvme") ;;
		nvme-rp) args+=(-device pcie-root-port,id=rp0,bus=pcie.0,chassis=1,slot=1
				"${nvme_drive[@]}" -device "$nvme,bus=rp0") ;;
		xhci) args+=(-device qemu-xhci,id=xhci) ;;
		dsa) args+=(-device intel-dsa) ;;
		esac
	done
	# After the configuration's devices, so that they keep their
	# requester ids; on the configuration's xHCI if it has one.
	if [ "$usb" = 1 ]; then
		[[ " $c_devices " == *" xhci "* ]] || args+=(-device qemu-xhci,id=xhci)
		args+=(-device usb-storage,bus=xhci.0,drive=disk,bootindex=0)
	fi
	# Still -display none: the screen is read with QMP screendump.
	[ "$display" = 0 ] || args+=(-device VGA)
	args+=("${extra[@]}")
}

# Prints the firmware's output from its KTAP header on, without CRs.
ktap_filter() {
	awk '/KTAP version 1/ { on = 1 } on { sub(/\r$/, ""); print; fflush() }'
}

# The verdict (0, 1, 2) of a run that ended with QEMU's status RC; sets
# why when there is none.
judge() {	# RC VERDICT LOG
	local rc=$1 verdict=$2 log=$3 last
	why=""
	# Without KTAP QEMU's status means nothing: it exits 1 when it
	# refuses its command line, as isa-debug-exit does on success.
	if ! grep -q 'KTAP version 1' "$log"; then
		case $rc in
		124|137) why="timed out after ${timeout}s without any KTAP" ;;
		*) if [ -s "$log" ]; then
			why="no KTAP on the serial port (QEMU exited with $rc): vtdtest did not run, or reported elsewhere"
		   else
			why="QEMU did not start the firmware (QEMU exited with $rc)"
		   fi ;;
		esac
		return 2
	fi
	if [ "$debug_exit" = 1 ]; then
		# isa-debug-exit: QEMU exits with (code << 1) | 1.
		case $rc in
		1) [[ $verdict == *" 0 failed,"* ]] && return 0
		   why="firmware reported success without a clean verdict" ;;
		3) [ -n "$verdict" ] && return 1
		   why="firmware reported failure without a verdict" ;;
		5) why="the firmware crashed" ;;
		esac
	elif [ "$rc" -eq 0 ]; then
		# No isa-debug-exit: QEMU exits 0 after the firmware's ACPI S5
		# power-off or FADT reset (-no-reboot), and the log's last line
		# is the verdict; a crash report there makes it no verdict.
		last=$(tr -d '\r' <"$log" | grep -v '^$' | tail -n 1)
		if grep -q '^# EXCEPTION vector' "$log"; then
			why="the firmware crashed"
		elif [[ $last =~ $verdict_re ]]; then
			[[ $last == *" 0 failed,"* ]] && return 0
			return 1
		else
			why="QEMU exited without a verdict as the log's last line"
		fi
	fi
	if [ -z "$why" ]; then
		case $rc in
		124|137) why="timed out after ${timeout}s" ;;
		*) why="QEMU exited with $rc" ;;
		esac
	fi
	return 2
}

# Runs one configuration; its verdict (0, 1, 2) is the return value.
run_config() {	# CONFIG STREAM(0|1)
	local name=$1 stream=$2 label log img disk="" diff rc verdict start ret why
	label=$(label_of "$name")
	log=$build/logs/$label.log
	rm -f "$build/logs/$label.result" "$build/logs/$label-nvme.img"
	: >"$log"
	img=$(run_image "$name") || return 2
	config "$name"
	if [[ " $c_devices " == *" nvme"* ]]; then
		disk=$build/run/$label-nvme.$$.img
		cp "$nvme_img" "$disk" || return 2
	fi
	qemu_args "$name" "$img" "$disk"
	start=$EPOCHREALTIME
	if [ "$stream" = 1 ]; then
		timeout --foreground -k 5 "$timeout" "$binary" "${args[@]}" \
			-chardev "stdio,id=ser0,logfile=$log,signal=off" \
			-serial chardev:ser0 </dev/null 2>"$log.qemu" | ktap_filter
		rc=${PIPESTATUS[0]}
	else
		timeout -k 5 "$timeout" "$binary" "${args[@]}" \
			-serial "file:$log" </dev/null >/dev/null 2>"$log.qemu"
		rc=$?
	fi
	verdict=$(tr -d '\r' <"$log" | grep -E "$verdict_re" | tail -n 1)
	judge "$rc" "$verdict" "$log"
	ret=$?
	# vtdtest must never write a disk: the NVMe's must be as generated.
	if [ -n "$disk" ] && ! diff=$(cmp "$nvme_img" "$disk" 2>&1); then
		cp "$disk" "$build/logs/$label-nvme.img"
		[[ $diff =~ byte\ ([0-9]+) ]] &&
			diff="first change at byte offset $((BASH_REMATCH[1] - 1))"
		why="the NVMe disk was written (vtdtest must never write a disk): ${diff##*: }; kept as build/logs/$label-nvme.img${why:+; $why}"
		[ "$ret" -eq 2 ] || { ret=1; echo "run-qemu.sh: $name: $why" >&2; }
	fi
	# name, verdict line, seconds, exit code, why there is no verdict
	printf '%s\t%s\t%s\t%s\t%s\n' "$name" "${verdict:-no verdict}" \
		"$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')" \
		"$ret" "$why" >"$build/logs/$label.result"
	[ "$ret" -eq 2 ] || return "$ret"
	echo "run-qemu.sh: $name: $why" >&2
	if [ -s "$log.qemu" ]; then
		echo "run-qemu.sh: QEMU said:" >&2
		sed 's/^/    /' "$log.qemu" >&2
	fi
	if [ -s "$log" ]; then
		echo "run-qemu.sh: last lines of $log:" >&2
		tail -n 20 "$log" | tr -d '\r' | sed 's/^/    /' >&2
	fi
	return 2
}

for name in "${selected[@]}"; do
	config "$name"
	[[ " $c_devices " != *" nvme"* ]] || make_nvme_img ||
		die "cannot write the NVMe disk $nvme_img"
done

worst=0
record() {	# VERDICT
	if [ "$1" -eq 2 ] || { [ "$1" -eq 1 ] && [ "$worst" -ne 2 ]; }; then
		worst=$1
	fi
}

if [ "$jobs" -eq 1 ] || [ ${#selected[@]} -eq 1 ]; then
	for name in "${selected[@]}"; do
		[ ${#selected[@]} -eq 1 ] || echo "=== $name" >&2
		run_config "$name" 1
		record $?
	done
else
	pids=()
	for name in "${selected[@]}"; do
		while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n; done
		( run_config "$name" 0; echo $? >"$build/logs/$name.rc" ) &
		pids+=($!)
	done
	wait "${pids[@]}"
	for name in "${selected[@]}"; do
		record "$(cat "$build/logs/$name.rc" 2>/dev/null || echo 2)"
	done
fi

if [ ${#selected[@]} -gt 1 ]; then
	for name in "${selected[@]}"; do
		cat "$build/logs/$(label_of "$name").result" 2>/dev/null ||
			printf '%s\tno verdict\n' "$name"
	done | awk -F'\t' '{ printf "%-12s %-45s %6ss\n", $1, $2, $3 }' >&2
fi
if [ -n "$junit" ]; then
	labels=()
	for name in "${selected[@]}"; do labels+=("$(label_of "$name")"); done
	python3 "$top/scripts/ktap2junit.py" "$junit" "$build/logs" "${labels[@]}" ||
		{ echo "run-qemu.sh: writing $junit failed" >&2; worst=2; }
fi
exit "$worst"

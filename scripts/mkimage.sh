#!/usr/bin/env bash
# mkimage.sh IMAGE EFI [CFG]
#
# Builds a GPT disk image whose only partition is a FAT32 EFI system
# partition holding EFI/BOOT/BOOTX64.EFI and, when given, vtdtest.cfg. No
# root needed: sgdisk writes the table, mkfs.fat formats at an offset and
# mtools copies the files. The same image boots QEMU and, written with dd,
# a USB stick.
set -euo pipefail

img=$1 efi=$2 cfg=${3:-}
size_mb=40		# FAT32 needs at least 65525 clusters: 33 MiB at 512 B
offset=2048		# first partition sector: 1 MiB aligned

tmp="$img.tmp"
rm -f "$tmp"
truncate -s "${size_mb}M" "$tmp"
sgdisk --clear --new=1:${offset}:0 --typecode=1:ef00 \
	--change-name=1:"vtdtest ESP" "$tmp" >/dev/null
end=$(sgdisk --info=1 "$tmp" | sed -n 's/^Last sector: \([0-9]*\).*/\1/p')
sectors=$((end - offset + 1))
# The FAT ends before GPT's backup header; mkfs.fat notes that the file
# is larger, which is intended, so its output is shown only on failure.
out=$(mkfs.fat -F 32 -S 512 -s 1 -n VTDTEST --offset "$offset" "$tmp" \
	$((sectors / 2)) 2>&1) || { echo "$out" >&2; exit 1; }
export MTOOLS_SKIP_CHECK=1
part="$tmp@@$((offset * 512))"
mmd -i "$part" ::/EFI ::/EFI/BOOT
mcopy -i "$part" "$efi" ::/EFI/BOOT/BOOTX64.EFI
[ -z "$cfg" ] || mcopy -i "$part" "$cfg" ::/vtdtest.cfg
mv "$tmp" "$img"

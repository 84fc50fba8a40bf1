#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""secureboot_check.py: OVMF with Secure Boot enforced refuses an unsigned image.

Usage: tests/secureboot_check.py [--config NAME] [--timeout S]

Boots build/secureboot/unsigned.img (make secureboot-images) with
run-qemu.sh --secure-boot, whose variable store trusts the snakeoil
certificate alone, and waits until OVMF has tried every boot option ("No
bootable option or device was found"; it then waits for a key, so QEMU
is quit by QMP). Passes when OVMF refused to load the disk's boot option
for Secure Boot's reason, EFI_ACCESS_DENIED or EFI_SECURITY_VIOLATION
("Access Denied", "Security Violation"), and vtdtest never ran (no KTAP
on the serial port). The same firmware boots the image signed with the
snakeoil key (run-qemu.sh --secure-boot), so the refusal is the
signature's. The log is build/logs/secure-boot-unsigned.log.
"""
import argparse
import os
import re

from qemu_watch import LOGS, TOP, boot_until, fail as watch_fail

LABEL = "secure-boot-unsigned"
IMAGE = os.path.join(TOP, "build", "secureboot", "unsigned.img")
GAVE_UP = "No bootable option or device was found"
KTAP = "KTAP version 1"
DISK = r'"UEFI QEMU (?:QEMU )?HARDDISK[^"]*"'
REFUSED_RE = re.compile(rf"BdsDxe: failed to (?:load|start) Boot[0-9A-F]{{4}} {DISK}"
                        r".*: (Access Denied|Security Violation)$", re.M)
LOADED_RE = re.compile(rf"BdsDxe: starting Boot[0-9A-F]{{4}} {DISK}", re.M)


def fail(msg):
    watch_fail("secureboot_check", msg)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--config", default="sm-ss")
    ap.add_argument("--timeout", type=int, default=60)
    args = ap.parse_args()

    if not os.path.exists(IMAGE):
        fail(f"no {IMAGE}: make secureboot-images builds it")
    log = boot_until("secureboot_check", LABEL,
                     ["--config", args.config, "--secure-boot", "--image", IMAGE],
                     lambda log: GAVE_UP in log or KTAP in log, args.timeout)
    serial = os.path.join(LOGS, f"{LABEL}.log")
    if KTAP in log or LOADED_RE.search(log):
        fail(f"OVMF started the unsigned image: Secure Boot is not enforced ({serial})")
    refused = REFUSED_RE.search(log)
    if not refused:
        fail(f"OVMF gave up without a Secure Boot refusal of the disk ({serial})")
    print(f"secureboot_check: the unsigned image refused: {refused.group(1)}, "
          "then no bootable option")


if __name__ == "__main__":
    main()

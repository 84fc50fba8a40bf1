#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""pecheck.py: a PE32+ image that every Authenticode verifier hashes alike.

Usage: scripts/pecheck.py [-v] IMAGE.efi

An Authenticode hash covers the headers, then each section's raw data in
file order, then whatever else the file holds before the certificate
table. Verifiers differ on that last part (some skip it, some refuse the
image), so vtdtest's image has none: the sections follow the headers and
each other without a byte between them, the last one ends the file (or the
certificate table that sbsign appends does), and there is no COFF symbol
table, which objcopy would otherwise leave after the sections. In memory
the sections are in ascending order, aligned, and do not overlap; the
holes between them there are zeroed by the loader and hashed by nobody.

Exit 0 when all of this holds, else 1 with what does not. -v prints the
section table.
"""
import argparse
import struct
import sys

PE32PLUS = 0x20b
SECURITY_DIR = 4


def check(path, verbose):
    with open(path, "rb") as f:
        data = f.read()
    problems = []
    if data[:2] != b"MZ":
        return [f"{path}: no MZ header"]
    pe = struct.unpack_from("<I", data, 0x3c)[0]
    if data[pe:pe + 4] != b"PE\0\0":
        return [f"{path}: no PE signature at 0x{pe:x}"]
    (_, nsect, _, symtab, nsyms, opt_size, _) = struct.unpack_from(
        "<HHIIIHH", data, pe + 4)
    opt = pe + 24
    if struct.unpack_from("<H", data, opt)[0] != PE32PLUS:
        return [f"{path}: not PE32+"]
    sect_align, file_align = struct.unpack_from("<II", data, opt + 32)
    size_of_headers = struct.unpack_from("<I", data, opt + 60)[0]
    ndirs = struct.unpack_from("<I", data, opt + 108)[0]
    cert_off, cert_size = (struct.unpack_from("<II", data, opt + 112 + 8 * SECURITY_DIR)
                           if ndirs > SECURITY_DIR else (0, 0))
    if symtab or nsyms:
        problems.append(f"a COFF symbol table ({nsyms} symbols at 0x{symtab:x}) "
                        "follows the sections: objcopy needs --strip-all")
    sections = []
    for i in range(nsect):
        name, vsize, va, raw_size, raw_off = struct.unpack_from(
            "<8sIIII", data, opt + opt_size + 40 * i)
        sections.append((name.rstrip(b"\0").decode(), vsize, va, raw_size, raw_off))
    if verbose:
        print(f"{path}: headers 0x0-0x{size_of_headers:x}, file alignment "
              f"0x{file_align:x}, section alignment 0x{sect_align:x}")
        for name, vsize, va, raw_size, raw_off in sections:
            print(f"  {name:<10} file 0x{raw_off:06x}-0x{raw_off + raw_size:06x}  "
                  f"memory 0x{va:06x}-0x{va + vsize:06x}")
        if cert_size:
            print(f"  {'(certs)':<10} file 0x{cert_off:06x}-0x{cert_off + cert_size:06x}")

    end = size_of_headers
    for name, _, _, raw_size, raw_off in sorted(sections, key=lambda s: s[4]):
        if not raw_size:
            continue
        if raw_off != end:
            problems.append(f"{name} starts at file offset 0x{raw_off:x}, "
                            f"not where the data before it ends (0x{end:x})")
        if raw_size % file_align:
            problems.append(f"{name}: raw size 0x{raw_size:x} is not a multiple "
                            f"of the file alignment 0x{file_align:x}")
        end = raw_off + raw_size
    if cert_size:
        if cert_off != (end + 7) & ~7:
            problems.append(f"the certificate table is at 0x{cert_off:x}, "
                            f"not right after the sections (0x{end:x})")
        end = cert_off + cert_size
    if end != len(data):
        problems.append(f"{len(data) - end} bytes after the last section "
                        f"(0x{end:x}) that no section holds")

    last_end = 0
    for name, vsize, va, _, _ in sorted(sections, key=lambda s: s[2]):
        if va % sect_align:
            problems.append(f"{name} at 0x{va:x} is not aligned to 0x{sect_align:x}")
        if va < max(last_end, size_of_headers):
            problems.append(f"{name} at 0x{va:x} overlaps what comes before it")
        last_end = va + vsize
    return [f"{path}: {p}" for p in problems]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-v", action="store_true", help="print the section table")
    ap.add_argument("image")
    args = ap.parse_args()
    problems = check(args.image, args.v)
    for p in problems:
        print(f"pecheck: {p}", file=sys.stderr)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()

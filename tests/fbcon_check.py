#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""fbcon_check.py: the verdict on the GOP framebuffer, pixel for pixel.

Usage: tests/fbcon_check.py [--config NAME] [--tests PATTERN] [--timeout S]
                            [--set KEY=VALUE]...

Boots a configuration with a VGA device (run-qemu.sh --display), without
isa-debug-exit and with on_finish=halt so that QEMU stays up; waits until
the serial log says the firmware halted (it draws the verdict before
that), takes a QMP screendump and quits QEMU. The screen must equal, every
pixel, a rendering made here from the PSF font file itself: "PASS" in
green (or "FAIL" in red) scaled 4x at (16, 16), the log's totals line in
white scaled 2x at (16, 96), the rest black. The log is
build/logs/framebuffer.log, the screen build/logs/framebuffer.ppm.
Exit 0 when the run passed and the screen matches, else 1.
"""
import argparse
import gzip
import json
import os
import re
import socket
import struct
import subprocess
import sys
import time

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LOGS = os.path.join(TOP, "build", "logs")
FONT = "/usr/share/consolefonts/Lat15-Fixed16.psf.gz"
MARGIN, WORD_SCALE, LINE_SCALE = 16, 4, 2
GREEN, RED, WHITE = (0x00, 0xc0, 0x00), (0xe0, 0x00, 0x00), (0xff, 0xff, 0xff)
HALTED = "# vtdtest: halted"
VERDICT_RE = re.compile(r"^vtdtest: \d+ passed, (\d+) failed, \d+ skipped$")
INCOMPLETE_RE = re.compile(r"^# verdict: \w+, (incomplete: .*)$")
NOTE_SCALE = 1
QMP_TIMEOUT = 30


def fail(msg):
    print(f"fbcon_check: {msg}")
    sys.exit(1)


def font_glyphs():
    """{code point: rows} for printable ASCII, from the PSF1 or PSF2 file."""
    data = gzip.open(FONT).read()
    if data[:2] == b"\x36\x04":
        mode, height = data[2], data[3]
        count, start, width = (512 if mode & 1 else 256), 4, 8
        has_table = mode & 6
    elif data[:4] == b"\x72\xb5\x4a\x86":
        _, _, start, flags, count, _, height, width = struct.unpack_from("<4s7I", data)
        has_table = flags & 1
    else:
        fail(f"{FONT} is not a PSF font")
    if width != 8:
        fail(f"{FONT} is {width} pixels wide")
    pos, index_of = start + count * height, {}
    for index in range(count if has_table else 0):
        if data[:2] == b"\x36\x04":
            units = []
            while (u := struct.unpack_from("<H", data, pos)[0]) != 0xffff:
                units.append(u)
                pos += 2
            pos += 2
            single = units[:units.index(0xfffe)] if 0xfffe in units else units
        else:
            end = data.index(b"\xff", pos)
            single = [ord(c) for c in data[pos:end].split(b"\xfe")[0].decode()]
            pos = end + 1
        for u in single:
            index_of.setdefault(u, index)
    return {c: data[start + i * height:start + (i + 1) * height]
            for c in range(0x20, 0x7f)
            for i in [index_of.get(c, c) if has_table else c]}, height


def render(screen, width, glyphs, height, x, y, scale, rgb, text):
    for ch in text:
        for row, bits in enumerate(glyphs[ord(ch)]):
            for col in range(8):
                if not bits & (0x80 >> col):
                    continue
                for dy in range(scale):
                    at = ((y + row * scale + dy) * width + x + col * scale) * 3
                    screen[at:at + 3 * scale] = bytes(rgb) * scale
        x += 8 * scale


def read_ppm(path):
    with open(path, "rb") as f:
        data = f.read()
    m = re.match(rb"P6\s+(\d+)\s+(\d+)\s+255\s", data)
    if not m:
        fail(f"{path} is not an 8-bit binary PPM")
    width, height = int(m.group(1)), int(m.group(2))
    pixels = data[m.end():]
    if len(pixels) != width * height * 3:
        fail(f"{path}: {len(pixels)} bytes of pixels for {width}x{height}")
    return width, height, pixels


def qmp(sock_path, commands, deadline):
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(max(1, deadline - time.monotonic()))
    s.connect(sock_path)
    f = s.makefile("rw")
    json.loads(f.readline())                    # the greeting
    for cmd in [{"execute": "qmp_capabilities"}] + commands:
        f.write(json.dumps(cmd) + "\n")
        f.flush()
        while True:                             # events come in between
            reply = json.loads(f.readline() or "{}")
            if "error" in reply:
                fail(f"QMP {cmd['execute']}: {reply['error']}")
            if "return" in reply or not reply:
                break
    s.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--config", default="sm-ss")
    ap.add_argument("--tests", default="boot")
    ap.add_argument("--timeout", type=int, default=60)
    ap.add_argument("--set", action="append", default=[],
                    help="a vtdtest.cfg line, as run-qemu.sh --set")
    args = ap.parse_args()

    run_dir = os.path.join(TOP, "build", "run")
    os.makedirs(run_dir, exist_ok=True)
    sock = os.path.join(run_dir, f"fbcon.{os.getpid()}.qmp")
    ppm = os.path.join(LOGS, "framebuffer.ppm")
    serial = os.path.join(LOGS, "framebuffer.log")
    for path in (ppm, serial):
        if os.path.exists(path):
            os.remove(path)
    cmd = [os.path.join(TOP, "run-qemu.sh"), "--config", args.config,
           "--log", "framebuffer",
           "--display", "--no-debug-exit", "--set", "on_finish=halt",
           "--tests", args.tests, "--timeout", str(args.timeout)]
    for kv in args.set:
        cmd += ["--set", kv]
    cmd += ["--", "-qmp", f"unix:{sock},server=on,wait=off"]
    qemu = subprocess.Popen(cmd, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + args.timeout
    try:
        log = ""
        while HALTED not in log:
            if qemu.poll() is not None:
                fail(f"QEMU ended (run-qemu.sh exit {qemu.returncode}) before '{HALTED}' in {serial}")
            if time.monotonic() > deadline:
                fail(f"no '{HALTED}' in {serial} within {args.timeout} s")
            time.sleep(0.5)
            if os.path.exists(serial):
                with open(serial, errors="replace") as f:
                    log = f.read().replace("\r", "")
        qmp(sock, [{"execute": "screendump",
                    "arguments": {"filename": ppm, "format": "ppm"}},
                   {"execute": "quit"}], deadline)
        qemu.wait(timeout=QMP_TIMEOUT)
    finally:
        if qemu.poll() is None:
            qemu.kill()
            qemu.wait()
        if os.path.exists(sock):
            os.remove(sock)

    verdicts = [line for line in log.splitlines() if VERDICT_RE.match(line)]
    if not verdicts:
        fail(f"no totals line in {serial}")
    verdict = verdicts[-1]
    passed = VERDICT_RE.match(verdict).group(1) == "0"
    width, height, pixels = read_ppm(ppm)
    glyphs, font_height = font_glyphs()
    line_y = MARGIN + font_height * WORD_SCALE + MARGIN
    if (width < MARGIN + len(verdict) * 8 * LINE_SCALE or
            height < line_y + font_height * LINE_SCALE):
        fail(f"the {width}x{height} screen is too small for the verdict")
    want = bytearray(width * height * 3)
    render(want, width, glyphs, font_height, MARGIN, MARGIN, WORD_SCALE,
           GREEN if passed else RED, "PASS" if passed else "FAIL")
    render(want, width, glyphs, font_height, MARGIN, line_y, LINE_SCALE,
           WHITE, verdict)
    notes = [m.group(1) for m in map(INCOMPLETE_RE.match, log.splitlines()) if m]
    if notes:
        render(want, width, glyphs, font_height, MARGIN,
               line_y + font_height * LINE_SCALE + MARGIN, NOTE_SCALE, WHITE,
               notes[-1])
    if pixels != want:
        wrong = [i // 3 for i in range(0, len(want), 3)
                 if pixels[i:i + 3] != want[i:i + 3]]
        x, y = wrong[0] % width, wrong[0] // width
        fail(f"{len(wrong)} of {width * height} pixels differ, first at ({x}, {y}): "
             f"{pixels[wrong[0] * 3:wrong[0] * 3 + 3].hex()} for "
             f"{want[wrong[0] * 3:wrong[0] * 3 + 3].hex()} ({ppm})")
    if not passed:
        fail(f"the screen matches, but the run failed: {verdict}")
    print(f"fbcon_check: {width}x{height} screen matches every pixel: "
          f"PASS and '{verdict}'")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""fbcon_check.py: the result on the GOP framebuffer, pixel for pixel.

Usage: tests/fbcon_check.py [--config NAME] [--tests PATTERN] [--timeout S]
                            [--set KEY=VALUE]... [--mode WxH]
                            [--verdict PASS|FAIL] [--label NAME]

Boots a configuration with a VGA device (run-qemu.sh --display), in mode
WxH if given, without isa-debug-exit and with on_finish=halt so that QEMU
stays up; waits until the serial log says the firmware halted (it draws
the screen before that), takes a QMP screendump and quits QEMU. The
screen must equal, every pixel, a rendering made here from the PSF font
file itself and the serial log's lines, laid out as boot/screen.c lays
them out:

- scale s = max(1, min(width // 800, height // 640)), margin m = 16 s;
- "PASS" in green or "FAIL" in red, as "# verdict:" says, at (m, m), each
  font pixel 4s wide;
- the totals line in white at (m, m + 64s + m), at 2s;
- from y0 = m + 64s + m + 32s + m on, rows of 16s pixels at x = m, at s,
  in white: "incomplete: ..." from "# verdict: ..., incomplete: ...",
  then each "# summary: " line without that prefix. A line longer than
  cols = (width - 2m) // 8s characters goes on in the next rows, indented
  by two characters; there are (height - m - y0) // 16s rows, and
  nothing is drawn below them;
- the lines of failing cases ("failed: ...") are cut short when the lines
  do not all fit, or the summary left failing cases out ("and N more
  failing case(s), see above", itself not shown): those shown are the
  first that fit, whole, in the rows the other lines leave, less one, and
  that row says "and N more failing case(s)", N = every failing case less
  those shown;
- the rest black.

The log is build/logs/NAME.log (NAME is framebuffer unless --label says),
the screen build/logs/NAME.ppm and, when they differ, the rendering
build/logs/NAME.want.ppm. Exit 0 when the verdict is the one expected
(--verdict, PASS by default) and the screen matches, else 1.
"""
import argparse
import gzip
import os
import re
import struct

from qemu_watch import LOGS, boot_until, fail as watch_fail

FONT = "/usr/share/consolefonts/Lat15-Fixed16.psf.gz"
WIDTH_PER_SCALE, HEIGHT_PER_SCALE = 800, 640
MARGIN, WORD_SCALE, TOTALS_SCALE, INDENT = 16, 4, 2, 2
GREEN, RED, WHITE = (0x00, 0xc0, 0x00), (0xe0, 0x00, 0x00), (0xff, 0xff, 0xff)
HALTED = "# vtdtest: halted"
TOTALS_RE = re.compile(r"^vtdtest: \d+ passed, \d+ failed, \d+ skipped$")
VERDICT_RE = re.compile(r"^# verdict: (PASS|FAIL)(?:, incomplete: (.*))?$")
SUMMARY_RE = re.compile(r"^# summary: (.*)$")
FAILED_RE = re.compile(r"^failed: ")
MORE_RE = re.compile(r"^and (\d+) more failing case\(s\), see above$")


def fail(msg):
    watch_fail("fbcon_check", msg)


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


class Screen:
    """The expected screen: black, with text drawn as fbcon_text() does."""

    def __init__(self, width, height):
        self.width, self.height = width, height
        self.pixels = bytearray(width * height * 3)
        self.glyphs, self.font_height = font_glyphs()

    def text(self, x, y, scale, rgb, text):
        """Characters past the right edge, and text past the bottom, are
        left out; those outside printable ASCII are drawn as '?'."""
        if y + self.font_height * scale > self.height:
            return
        for ch in text:
            if x + 8 * scale > self.width:
                return
            rows = self.glyphs.get(ord(ch), self.glyphs[ord("?")])
            for row, bits in enumerate(rows):
                for col in range(8):
                    if not bits & (0x80 >> col):
                        continue
                    for dy in range(scale):
                        at = ((y + row * scale + dy) * self.width +
                              x + col * scale) * 3
                        self.pixels[at:at + 3 * scale] = bytes(rgb) * scale
            x += 8 * scale


def wrap(line, cols):
    """The rows a line takes: cols characters, then cols - INDENT after
    an indent of INDENT spaces."""
    if len(line) <= cols or cols <= INDENT:
        return [line]
    rows, rest = [line[:cols]], line[cols:]
    while rest:
        rows.append(" " * INDENT + rest[:cols - INDENT])
        rest = rest[cols - INDENT:]
    return rows


def expected_rows(note, summary, cols, nrows):
    """The text rows under the totals line, from the log's lines."""
    facts = ([note] if note else []) + [s for s in summary
                                        if not FAILED_RE.match(s) and not MORE_RE.match(s)]
    failures = [s for s in summary if FAILED_RE.match(s)]
    more = [int(m.group(1)) for m in map(MORE_RE.match, summary) if m]
    total = len(failures) + sum(more)
    fact_rows = sum(len(wrap(s, cols)) for s in facts)
    failure_rows = sum(len(wrap(s, cols)) for s in failures)
    cut = len(failures) < total or fact_rows + failure_rows > nrows
    budget = nrows - fact_rows - 1 if nrows > fact_rows + 1 else 0

    rows, shown, in_failures, failures_done = [], 0, False, False
    for line in ([note] if note else []) + summary:
        if MORE_RE.match(line):
            continue
        if not FAILED_RE.match(line):
            if in_failures and cut:
                rows += wrap(f"and {total - shown} more failing case(s)", cols)
            in_failures = False
            rows += wrap(line, cols)
            continue
        in_failures = True
        if cut:
            n = len(wrap(line, cols))
            if failures_done or n > budget:
                failures_done = True
                continue
            budget -= n
        rows += wrap(line, cols)
        shown += 1
    if in_failures and cut:
        rows += wrap(f"and {total - shown} more failing case(s)", cols)
    return rows[:nrows], shown, total


def render(width, height, word, totals, note, summary):
    scr = Screen(width, height)
    fh = scr.font_height
    s = max(1, min(width // WIDTH_PER_SCALE, height // HEIGHT_PER_SCALE))
    m = MARGIN * s
    scr.text(m, m, WORD_SCALE * s, GREEN if word == "PASS" else RED, word)
    y = m + fh * WORD_SCALE * s + m
    scr.text(m, y, TOTALS_SCALE * s, WHITE, totals)
    y += fh * TOTALS_SCALE * s + m
    cols = (width - 2 * min(width // 2, m)) // (8 * s)
    nrows = (height - m - y) // (fh * s) if height > y + m and cols > INDENT else 0
    rows, shown, total = expected_rows(note, summary, cols, nrows)
    for i, row in enumerate(rows):
        scr.text(m, y + i * fh * s, s, WHITE, row)
    return scr.pixels, s, len(rows), shown, total


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


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--config", default="sm-ss")
    ap.add_argument("--tests", default="boot")
    ap.add_argument("--timeout", type=int, default=60)
    ap.add_argument("--set", action="append", default=[],
                    help="a vtdtest.cfg line, as run-qemu.sh --set")
    ap.add_argument("--mode", help="the VGA device's mode, WxH")
    ap.add_argument("--verdict", choices=("PASS", "FAIL"), default="PASS",
                    help="the verdict the run must end with")
    ap.add_argument("--label", default="framebuffer",
                    help="the name of the log and the screen in build/logs")
    args = ap.parse_args()

    ppm = os.path.join(LOGS, f"{args.label}.ppm")
    want_ppm = os.path.join(LOGS, f"{args.label}.want.ppm")
    serial = os.path.join(LOGS, f"{args.label}.log")
    for path in (ppm, want_ppm):
        if os.path.exists(path):
            os.remove(path)
    run_args = ["--config", args.config, "--display", "--no-debug-exit",
                "--set", "on_finish=halt", "--tests", args.tests]
    for kv in args.set:
        run_args += ["--set", kv]
    qemu_args = []
    if args.mode:
        m = re.fullmatch(r"(\d+)x(\d+)", args.mode)
        if not m:
            fail(f"--mode {args.mode}: want WIDTHxHEIGHT")
        qemu_args = ["-global", f"VGA.xres={m.group(1)}",
                     "-global", f"VGA.yres={m.group(2)}"]
    log = boot_until("fbcon_check", args.label, run_args,
                     lambda log: HALTED in log, args.timeout,
                     [{"execute": "screendump",
                       "arguments": {"filename": ppm, "format": "ppm"}}],
                     qemu_args)

    lines = log.splitlines()
    totals = [line for line in lines if TOTALS_RE.match(line)]
    verdicts = [m for m in map(VERDICT_RE.match, lines) if m]
    if not totals or not verdicts:
        fail(f"no totals line or no '# verdict:' line in {serial}")
    word, note = verdicts[-1].group(1), verdicts[-1].group(2)
    summary = [m.group(1) for m in map(SUMMARY_RE.match, lines) if m]
    width, height, pixels = read_ppm(ppm)
    want, s, nrows, shown, total = render(
        width, height, word, totals[-1], f"incomplete: {note}" if note else None,
        summary)
    if pixels != want:
        with open(want_ppm, "wb") as f:
            f.write(b"P6\n%d %d\n255\n" % (width, height) + want)
        wrong = [i // 3 for i in range(0, len(want), 3)
                 if pixels[i:i + 3] != want[i:i + 3]]
        x, y = wrong[0] % width, wrong[0] // width
        fail(f"{len(wrong)} of {width * height} pixels differ, first at ({x}, {y}): "
             f"{pixels[wrong[0] * 3:wrong[0] * 3 + 3].hex()} for "
             f"{want[wrong[0] * 3:wrong[0] * 3 + 3].hex()} ({ppm}, expected {want_ppm})")
    if word != args.verdict:
        fail(f"the screen matches, but the run ended {word}, not {args.verdict}: {totals[-1]}")
    print(f"fbcon_check: {width}x{height} screen (scale {s}) matches every pixel: "
          f"{word}, '{totals[-1]}', {nrows} summary rows, "
          f"{shown} of {total} failing cases")


if __name__ == "__main__":
    main()

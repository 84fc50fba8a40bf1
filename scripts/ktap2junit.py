#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""ktap2junit.py OUT LOGDIR CONFIG...

Converts the KTAP serial logs of run-qemu.sh (LOGDIR/CONFIG.log) into one
JUnit XML file for CI systems. One <testsuite> per KTAP suite, named
"<suite>", or "<config>.<suite>" when several configurations are given,
with " (<subject>)" after a DMA suite's name, the unit and engine it ran
on, from its "# subject:" line; one
<testcase> per case: SKIP is <skipped>, XFAIL passes with an "xfail"
property, "not ok" is a <failure> carrying the case's diagnostic lines.

LOGDIR/CONFIG.result (name, verdict, seconds, exit code, reason; tab
separated, written by run-qemu.sh) gives the run's verdict. A run without a
verdict (exit code 2: crash, timeout, QEMU error) adds a testsuite "<config>"
whose testcase "verdict" holds an <error> and the log's last lines. Without
a .result file, the verdict comes from the log's "vtdtest:" line.
"""
import os
import re
import sys
import xml.etree.ElementTree as ET

RESULT_RE = re.compile(
    r'^(?P<indent> *)(?P<not>not )?ok (?P<num>\d+)\s*(?P<name>[^#]*?)'
    r'(?:\s*#\s*(?P<directive>SKIP|XFAIL|TODO)\b\s*(?P<reason>.*))?\s*$')
SUBTEST_RE = re.compile(r'^ *# Subtest: (?P<name>.*?)\s*$')
SUBJECT_RE = re.compile(r'^ +# subject: (?P<subject>.*?)\s*$')
VERDICT_RE = re.compile(r'^vtdtest: \d+ passed, (?P<failed>\d+) failed, \d+ skipped')
# XML 1.0 allows neither most control characters nor escape sequences.
BAD_CHARS_RE = re.compile(r'\x1b\[[0-9;=?]*[A-Za-z]|[\x00-\x08\x0b\x0c\x0e-\x1f]')


def clean(s):
    return BAD_CHARS_RE.sub('', s)


def read_log(path):
    try:
        with open(path, encoding='utf-8', errors='replace') as f:
            return [clean(line.rstrip('\r\n').rstrip('\r')) for line in f]
    except OSError:
        return []


def read_result(logdir, config):
    """(exit code, reason) from run-qemu.sh's .result file, or None."""
    try:
        with open(os.path.join(logdir, config + '.result'), encoding='utf-8') as f:
            fields = f.readline().rstrip('\n').split('\t')
    except OSError:
        return None
    if len(fields) < 4 or not fields[3].isdigit():
        return None
    return int(fields[3]), fields[4] if len(fields) > 4 else ''


def parse(lines):
    """The KTAP document as [(suite, [case dict], suite diagnostics)]."""
    suites, cases, diag, suite = [], [], [], None
    on = False
    for line in lines:
        if not on:
            on = 'KTAP version 1' in line
            continue
        m = SUBTEST_RE.match(line)
        if m:
            suite, cases, diag = m['name'], [], []
            continue
        m = SUBJECT_RE.match(line)
        if m and suite is not None and not cases:
            # The DMA suites run once per unit and engine: name which.
            suite = f"{suite} ({m['subject']})"
        m = RESULT_RE.match(line)
        if m and len(m['indent']) == 4 and suite is not None:
            cases.append({'name': m['name'].strip() or 'case_' + m['num'],
                          'ok': not m['not'], 'directive': m['directive'],
                          'reason': (m['reason'] or '').strip(), 'diag': diag})
            diag = []
            continue
        if m and not m['indent']:
            name = m['name'].strip()
            if suite is None:
                # A suite reported without subtests: one case of its own.
                cases = [{'name': name, 'ok': not m['not'],
                          'directive': m['directive'],
                          'reason': (m['reason'] or '').strip(), 'diag': diag}]
                diag = []
            suites.append((suite or name, cases, diag))
            suite, cases, diag = None, [], []
            continue
        if line.lstrip().startswith('#'):
            diag.append(line.strip())
    if suite is not None:	# cut off: keep what was reported
        suites.append((suite, cases, diag))
    return suites


def verdict_of(lines):
    for line in reversed(lines):
        m = VERDICT_RE.match(line)
        if m:
            return (0 if m['failed'] == '0' else 1), ''
    return 2, 'no verdict line in the log'


def add_suite(root, name, config, cases, diag):
    ts = ET.SubElement(root, 'testsuite', name=name)
    props = ET.SubElement(ts, 'properties')
    ET.SubElement(props, 'property', name='config', value=config)
    counts = {'tests': 0, 'failures': 0, 'errors': 0, 'skipped': 0}
    for c in cases:
        tc = ET.SubElement(ts, 'testcase', name=c['name'], classname=name)
        counts['tests'] += 1
        text = '\n'.join(c['diag'])
        if c['directive'] == 'SKIP':
            ET.SubElement(tc, 'skipped', message=c['reason'])
            counts['skipped'] += 1
        elif not c['ok'] and c['directive'] not in ('XFAIL', 'TODO'):
            ET.SubElement(tc, 'failure', message='not ok ' + c['name'],
                          type='ktap').text = text
            counts['failures'] += 1
            text = ''
        elif c['directive'] == 'XFAIL':
            p = ET.SubElement(ET.SubElement(tc, 'properties'), 'property')
            p.set('name', 'xfail')
            p.set('value', c['reason'])
            text = '\n'.join(['XFAIL ' + c['reason']] + c['diag'])
        if text:
            ET.SubElement(tc, 'system-out').text = text
    if diag:
        ET.SubElement(ts, 'system-out').text = '\n'.join(diag)
    for k, v in counts.items():
        ts.set(k, str(v))
    return counts


def main(argv):
    if len(argv) < 4:
        sys.stderr.write(__doc__)
        return 2
    out, logdir, configs = argv[1], argv[2], argv[3:]
    root = ET.Element('testsuites', name='vtdtest')
    total = {'tests': 0, 'failures': 0, 'errors': 0, 'skipped': 0}
    for config in configs:
        lines = read_log(os.path.join(logdir, config + '.log'))
        prefix = config + '.' if len(configs) > 1 else ''
        for suite, cases, diag in parse(lines):
            counts = add_suite(root, prefix + suite, config, cases, diag)
            for k in total:
                total[k] += counts[k]
        code, reason = read_result(logdir, config) or verdict_of(lines)
        if code == 2:
            ts = ET.SubElement(root, 'testsuite', name=config, tests='1',
                               failures='0', errors='1', skipped='0')
            tc = ET.SubElement(ts, 'testcase', name='verdict', classname=config)
            ET.SubElement(tc, 'error', message='no verdict: ' + (reason or 'unknown'),
                          type='no-verdict').text = '\n'.join(lines[-20:])
            total['tests'] += 1
            total['errors'] += 1
    for k, v in total.items():
        root.set(k, str(v))
    ET.indent(root)
    ET.ElementTree(root).write(out, encoding='UTF-8', xml_declaration=True)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))

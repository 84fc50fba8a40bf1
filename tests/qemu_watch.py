# SPDX-License-Identifier: GPL-2.0
"""qemu_watch.py: boot with run-qemu.sh, watch the serial log, end by QMP.

For the checks that must look at a machine that does not leave by itself:
a firmware halted after its verdict (tests/fbcon_check.py) or one that
refused to boot the image (tests/secureboot_check.py).
"""
import json
import os
import signal
import socket
import subprocess
import sys
import time

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LOGS = os.path.join(TOP, "build", "logs")
QMP_TIMEOUT = 30


def fail(who, msg):
    print(f"{who}: {msg}")
    sys.exit(1)


def qmp(who, sock_path, commands, deadline):
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
                fail(who, f"QMP {cmd['execute']}: {reply['error']}")
            if "return" in reply or not reply:
                break
    s.close()


def boot_until(who, label, run_args, done, timeout, commands=(), qemu_args=()):
    """Runs run-qemu.sh RUN_ARGS -- QEMU_ARGS, logged as LABEL, until
    done(log) holds for the serial log (CRs removed), then sends the QMP
    COMMANDS and quits QEMU. Returns the log; fails when QEMU ends first or
    after TIMEOUT seconds."""
    run_dir = os.path.join(TOP, "build", "run")
    os.makedirs(run_dir, exist_ok=True)
    sock = os.path.join(run_dir, f"{label}.{os.getpid()}.qmp")
    serial = os.path.join(LOGS, f"{label}.log")
    if os.path.exists(serial):
        os.remove(serial)
    cmd = ([os.path.join(TOP, "run-qemu.sh"), "--log", label,
            "--timeout", str(timeout)] + run_args +
           ["--", "-qmp", f"unix:{sock},server=on,wait=off"] + list(qemu_args))
    # A session of its own, so that QEMU goes with run-qemu.sh if need be.
    qemu = subprocess.Popen(cmd, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + timeout
    try:
        log = ""
        while not done(log):
            if qemu.poll() is not None:
                fail(who, f"QEMU ended (run-qemu.sh exit {qemu.returncode}) "
                     f"before the log said what was awaited ({serial})")
            if time.monotonic() > deadline:
                fail(who, f"{serial} did not say what was awaited within {timeout} s")
            time.sleep(0.5)
            if os.path.exists(serial):
                with open(serial, errors="replace") as f:
                    log = f.read().replace("\r", "")
        qmp(who, sock, list(commands) + [{"execute": "quit"}], deadline)
        qemu.wait(timeout=QMP_TIMEOUT)
    finally:
        if qemu.poll() is None:
            os.killpg(qemu.pid, signal.SIGKILL)
            qemu.wait()
        if os.path.exists(sock):
            os.remove(sock)
    return log

"""The command line on a closed pipe and on Ctrl+C: quiet, no traceback."""

from __future__ import annotations

import signal
import subprocess
import sys

from ..test_scanner import many


def test_match_into_a_closed_pipe_exits_quietly(tmp_path):
    lib = many(tmp_path, 1000)  # more output than a pipe holds
    cmd = [sys.executable, "-m", "ksad_player", "match", "--json", str(lib)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout.readline()  # like `| head -1`: read a line, then go away
    proc.stdout.close()
    err = proc.stderr.read()
    proc.wait(timeout=120)
    assert "Traceback" not in err and "BrokenPipe" not in err, err
    assert proc.returncode == 128 + signal.SIGPIPE


def test_ctrl_c_during_match_exits_without_a_traceback(tmp_path):
    lib = many(tmp_path, 1000)
    cmd = [sys.executable, "-m", "ksad_player", "match", str(lib)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout.readline()  # it is under way
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err
    assert proc.returncode == 128 + signal.SIGINT

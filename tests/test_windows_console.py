"""Issue 10, point 8: on Windows a pipe or a file (`tdkt … > out.txt`, the installer's last
step) gets the ANSI code page, which cannot encode Vietnamese. PYTHONIOENCODING=cp1252 makes
Linux behave the same way, so the real entry point is run as a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys


def _run(*args: str) -> subprocess.CompletedProcess[bytes]:
    env = dict(os.environ, PYTHONIOENCODING="cp1252", PYTHONUTF8="0")
    return subprocess.run([sys.executable, "-m", "addin", *args], capture_output=True, env=env,
                          check=False)


def test_piped_output_is_utf8_whatever_the_console_code_page():
    result = _run("rules", "show")
    assert result.returncode == 0, result.stderr.decode("utf-8", "replace")
    text = result.stdout.decode("utf-8")  # strict: UTF-8 bytes, not cp1252 with replacements
    assert "Chiến sĩ thi đua" in text or "Chiến sỹ thi đua" in text


def test_errors_on_stderr_are_utf8_too():
    result = _run("rules", "show", "--rules", "không-có-tệp-này.toml")
    assert result.returncode == 2
    assert "Bộ quy tắc không dùng được" in result.stderr.decode("utf-8")

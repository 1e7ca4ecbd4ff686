"""`python -m addin.cli` runs as `tdkt` and `python -m addin` do: the history commands' module
needs nothing from addin.cli (it imported a half-made copy of it and failed)."""

from __future__ import annotations

import subprocess
import sys


def test_python_m_addin_cli_shows_the_commands():
    done = subprocess.run([sys.executable, "-m", "addin.cli", "--help"], capture_output=True,
                          text=True, encoding="utf-8", timeout=60)
    assert done.returncode == 0, done.stderr
    assert "consolidate" in done.stdout and "history" in done.stdout

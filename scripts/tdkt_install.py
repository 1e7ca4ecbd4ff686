"""The decisions of the Windows installer (install-tdkt.ps1), in Python so that they are tested.

install-tdkt.ps1 only plumbs: it finds *some* Python to run this file, then asks it
    choose       which installed Python to build tdkt's venv on (JSON on stdout)
    verify       whether the venv holds both xlwings DLLs of the pinned version
    write-config the user config %USERPROFILE%\\.tdkt\\tdkt.conf the add-in reads

Standard library only, and syntax that old interpreters still parse (no walrus, no match, no
`X | Y` at run time): the Python that runs `choose` may be any Python 3 on the PC, even one that
is not chosen. Every output is ASCII JSON (`ensure_ascii`), so no console code page can mangle
it; the script turns reason codes into Vietnamese itself.

The rules for choosing (issue 10, point 3), all decided by data:
- accepted versions are read from the wheelhouse's own wheel tags: a version is accepted when
  every binary distribution in it has a win_amd64 wheel for that CPython (pure wheels fit all);
  so Python 3.10 is never chosen from a wheelhouse built for 3.11-3.13;
- CPython, 64-bit x64 (32-bit Office still works with it: the add-in's 32-bit DLL starts the
  64-bit Python as a separate COM server), neither ARM64 nor the free-threaded 3.13t (the
  wheels do not fit them), not the Microsoft Store build (path under WindowsApps);
- among the acceptable ones the newest version wins; on a tie, the first one found.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import re
import shutil
import subprocess
import sys

# `py -0p` prints " -V:3.12 *  C:\\...\\python.exe" (launcher >= 3.11) or " -3.9-64 *  C:\\..."
# (older launchers); other lines ("No installed Pythons found!") carry no interpreter.
LAUNCHER_LINE = re.compile(r"^\s*-(?:V:)?(\S+)\s+(?:\*\s+)?(.+?\.exe)\s*$", re.IGNORECASE)
WHEEL_NAME = re.compile(r"^(?P<project>[^-]+)-(?P<version>[^-]+)(?:-\d[^-]*)?"
                        r"-(?P<python>[^-]+)-(?P<abi>[^-]+)-(?P<platform>[^-]+)\.whl$")
PLATFORM = "win_amd64"
STORE_MARK = "\\windowsapps\\"
PROBE = ("import json, platform, struct, sys, sysconfig; print(json.dumps({"
         "'version': list(sys.version_info[:3]), 'bits': struct.calcsize('P') * 8,"
         " 'implementation': platform.python_implementation(), 'executable': sys.executable,"
         " 'platform': sysconfig.get_platform(),"
         " 'free_threaded': bool(sysconfig.get_config_var('Py_GIL_DISABLED'))}))")
# Windows builds the win_amd64 wheels do not fit although they are 64-bit.
OTHER_WINDOWS_PLATFORMS = ("win-arm64",)
CONFIG_NAME = "tdkt.conf"
INTERPRETER_KEY = "Interpreter_Win"
# Order matters: the most specific folder first, so a venv under %LOCALAPPDATA% is written as
# %LOCALAPPDATA%\..., which survives a user name with Vietnamese letters (ANSI-safe config).
PATH_VARIABLES = ("LOCALAPPDATA", "APPDATA", "USERPROFILE", "ProgramFiles")

# Why a candidate was not chosen (install-tdkt.ps1 shows these codes in Vietnamese).
NOT_CPYTHON = "not_cpython"
NOT_64BIT = "not_64bit"
STORE_BUILD = "store_build"
VERSION_NOT_IN_WHEELHOUSE = "version_not_in_wheelhouse"
DOES_NOT_RUN = "does_not_run"
FREE_THREADED = "free_threaded"  # python3.13t: needs cp313t wheels, the wheelhouse has cp313
WRONG_PLATFORM = "wrong_platform"
CHOSEN = "chosen"
ACCEPTABLE = "acceptable"
VERDICTS = (CHOSEN, ACCEPTABLE, NOT_CPYTHON, NOT_64BIT, STORE_BUILD, VERSION_NOT_IN_WHEELHOUSE,
            DOES_NOT_RUN, FREE_THREADED, WRONG_PLATFORM)


def wheelhouse_pythons(names):
    """The CPython versions ("3.12") every binary wheel of the wheelhouse is built for."""
    per_project = {}
    for name in names:
        match = WHEEL_NAME.match(os.path.basename(name))
        if match is None or match.group("platform") == "any":
            continue
        if match.group("platform") != PLATFORM:
            continue
        tag = match.group("python")
        if not tag.startswith("cp3"):
            continue
        minor = int(tag[3:])
        versions = per_project.setdefault(match.group("project").lower(), set())
        if match.group("abi") == "abi3":  # one wheel for this CPython and every later one
            versions.update(f"3.{m}" for m in range(minor, 30))
        else:
            versions.add(f"3.{minor}")
    if not per_project:
        return []
    common = set.intersection(*per_project.values())
    return sorted(common, key=lambda v: tuple(int(p) for p in v.split(".")))


def launcher_paths(text):
    """Interpreter paths in the output of `py -0p`, in the launcher's order."""
    paths = []
    for line in text.splitlines():
        match = LAUNCHER_LINE.match(line)
        if match:
            paths.append(match.group(2))
    return paths


def candidate_paths(launcher_text, folders_found, given=None):
    """Where to look: the interpreter the user named, else the launcher's list then the usual
    install folders (python.org's per-user and all-users defaults), each path once."""
    if given:
        return [given]
    seen, result = set(), []
    for path in launcher_paths(launcher_text) + list(folders_found):
        key = os.path.normcase(path)
        if key not in seen:
            seen.add(key)
            result.append(path)
    return result


def verdict(probe, accepted):
    """Why this probed interpreter cannot be used, or ACCEPTABLE. `probe` is the JSON of PROBE
    plus "path"; None means it did not run."""
    if probe is None:
        return DOES_NOT_RUN
    where = (probe["path"] + "|" + probe.get("executable", "")).lower().replace("/", "\\")
    if STORE_MARK in where:
        return STORE_BUILD
    if probe["implementation"] != "CPython":
        return NOT_CPYTHON
    if probe["bits"] != 64:
        return NOT_64BIT
    if probe.get("platform") in OTHER_WINDOWS_PLATFORMS:
        return WRONG_PLATFORM
    if probe.get("free_threaded"):
        return FREE_THREADED
    if "{}.{}".format(*probe["version"][:2]) not in accepted:
        return VERSION_NOT_IN_WHEELHOUSE
    return ACCEPTABLE


def choose(probes, accepted):
    """[(path, probe or None)] -> (chosen path or None, [(path, probe, verdict)])."""
    judged = [(path, probe, verdict(probe, accepted)) for path, probe in probes]
    best = None
    for index, (_path, probe, why) in enumerate(judged):
        if why != ACCEPTABLE:
            continue
        if best is None or tuple(probe["version"]) > tuple(judged[best][1]["version"]):
            best = index
    if best is None:
        return None, judged
    path, probe, _ = judged[best]
    judged[best] = (path, probe, CHOSEN)
    return path, judged


def probe_interpreter(path):
    try:
        done = subprocess.run([path, "-I", "-c", PROBE], stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, timeout=60, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    if done.returncode != 0:
        return None
    try:
        found = json.loads(done.stdout.decode("ascii", "replace").strip().splitlines()[-1])
    except (ValueError, IndexError):
        return None
    found["path"] = path
    return found


def _launcher_text():
    launcher = shutil.which("py")
    if launcher is None:
        return ""
    try:
        done = subprocess.run([launcher, "-0p"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                              timeout=60, check=False)
    except (OSError, subprocess.SubprocessError):
        return ""
    return done.stdout.decode("mbcs" if os.name == "nt" else "utf-8", "replace")


def _install_folders():
    patterns = []
    for variable, pattern in (("LOCALAPPDATA", "Programs\\Python\\Python3*\\python.exe"),
                              ("ProgramFiles", "Python3*\\python.exe")):
        base = os.environ.get(variable)
        if base:
            patterns.append(os.path.join(base, pattern))
    found = []
    for pattern in patterns:
        found.extend(sorted(glob.glob(pattern), reverse=True))
    return found


def cmd_choose(args):
    accepted = wheelhouse_pythons(os.listdir(args.wheelhouse))
    paths = candidate_paths(_launcher_text(), _install_folders(), args.given)
    chosen, judged = choose([(p, probe_interpreter(p)) for p in paths], accepted)
    report = {"chosen": chosen, "accepted": accepted,
              "candidates": [{"path": p, "version": ".".join(str(v) for v in probe["version"])
                              if probe else None, "bits": probe["bits"] if probe else None,
                              "verdict": why} for p, probe, why in judged]}
    print(json.dumps(report, ensure_ascii=True))
    return 0 if chosen else 3


def xlwings_dlls(version):
    """The two DLLs the add-in's VBA loads: 64-bit Office and 32-bit Office."""
    return [f"xlwings64-{version}.dll", f"xlwings32-{version}.dll"]


def cmd_verify(args):
    import xlwings  # the venv's own, run by the venv's interpreter

    missing = [name for name in xlwings_dlls(xlwings.__version__)
               if not os.path.isfile(os.path.join(args.venv, name))]
    print(json.dumps({"xlwings": xlwings.__version__, "missing": missing}, ensure_ascii=True))
    return 0 if not missing else 4


def with_variables(path, environ):
    """C:\\Users\\<name>\\AppData\\Local\\tdkt\\... -> %LOCALAPPDATA%\\tdkt\\...: the add-in
    expands the variable itself, and the file stays ASCII whatever the user's name."""
    for variable in PATH_VARIABLES:
        base = environ.get(variable)
        if not base:
            continue
        base = base.rstrip("\\/")
        if path.lower().startswith(base.lower() + "\\") or path.lower().startswith(base.lower() + "/"):
            return f"%{variable}%" + path[len(base):]
    return path


def config_bytes(interpreter):
    """The user config file as xlwings' VBA reads it (`Input #`: "key","value" lines) in the ANSI
    code page: ASCII, no BOM (a BOM would glue itself to the first key), CRLF."""
    line = f'"{INTERPRETER_KEY}","{interpreter}"\r\n'
    return line.encode("ascii")


def cmd_write_config(args):
    interpreter = with_variables(os.path.join(args.venv, "Scripts", "pythonw.exe"), os.environ)
    try:
        data = config_bytes(interpreter)
    except UnicodeEncodeError:
        print(json.dumps({"written": None, "error": "non_ascii_path", "path": interpreter},
                         ensure_ascii=True))
        return 5
    folder = os.path.dirname(args.config)
    if folder and not os.path.isdir(folder):
        os.makedirs(folder)
    temporary = args.config + ".tmp"
    with open(temporary, "wb") as handle:
        handle.write(data)
    os.replace(temporary, args.config)
    print(json.dumps({"written": args.config, "interpreter": interpreter}, ensure_ascii=True))
    return 0


def parser():
    top = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = top.add_subparsers(dest="command")
    choose_cmd = commands.add_parser("choose", help="choose the interpreter for the venv")
    choose_cmd.add_argument("--wheelhouse", required=True)
    choose_cmd.add_argument("--given", default=None, help="an interpreter the user named")
    choose_cmd.set_defaults(run=cmd_choose)
    verify_cmd = commands.add_parser("verify", help="check the venv holds both xlwings DLLs")
    verify_cmd.add_argument("--venv", required=True)
    verify_cmd.set_defaults(run=cmd_verify)
    config_cmd = commands.add_parser("write-config", help="write the add-in's user config")
    config_cmd.add_argument("--venv", required=True)
    config_cmd.add_argument("--config", required=True)
    config_cmd.set_defaults(run=cmd_write_config)
    return top


def main(argv=None):
    args = parser().parse_args(argv)
    if not getattr(args, "run", None):
        parser().print_help()
        return 2
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())

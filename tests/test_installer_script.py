"""scripts/install-tdkt.ps1 cannot run here (no PowerShell): it is parsed with the tree-sitter
PowerShell grammar and held to the rules Windows PowerShell 5.1 imposes (issue 10, points 1-4)."""

from __future__ import annotations

import importlib.util
import json
import re
import unicodedata
from pathlib import Path

import pytest
import tree_sitter
import tree_sitter_powershell

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "install-tdkt.ps1"
MESSAGE_LINE = re.compile(r"^\s+(\w+)\s+=\s+'([^']*)'\s*$")
# Scopes and drives a PowerShell variable may carry before a colon ($env:TEMP, $script:x).
SCOPES = {"env", "global", "script", "local", "private", "using", "variable", "function"}
# The only functions allowed to start native programs: they run them under "Continue".
NATIVE_RUNNERS = {"Invoke-Native", "Invoke-Visible"}


def _helper():
    spec = importlib.util.spec_from_file_location("tdkt_install", ROOT / "scripts" / "tdkt_install.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _tree(source: bytes) -> tree_sitter.Tree:
    parser = tree_sitter.Parser(tree_sitter.Language(tree_sitter_powershell.language()))
    return parser.parse(source)


def _nodes(node: tree_sitter.Node):
    yield node
    for child in node.children:
        yield from _nodes(child)


def syntax_problems(source: bytes) -> list[str]:
    """Parse errors, plus what the grammar accepts but PowerShell refuses: `"$name: …"` reads as
    the variable `name:` of a drive and fails ("Variable reference is not valid")."""
    problems = []
    for node in _nodes(_tree(source).root_node):
        where = f"line {node.start_point[0] + 1}"
        if node.is_error or node.is_missing:
            problems.append(f"{where}: {'missing' if node.is_missing else 'syntax error'} "
                            f"{source[node.start_byte:node.end_byte][:60]!r}")
        elif node.type == "variable" and not node.children:
            text = source[node.start_byte:node.end_byte].decode()
            follows = source[node.end_byte:node.end_byte + 1]
            scope = text.lstrip("$@").split(":")[0].lower()
            if follows == b":" and ":" not in text and scope not in SCOPES:
                problems.append(f"{where}: {text}: reads as a drive variable, write ${{{text[1:]}}}:")
    return problems


def messages(text: str) -> dict[str, str]:
    block = text.split("$Messages = @{", 1)[1].split("\n}", 1)[0]
    table = {}
    for line in block.splitlines():
        if line.strip():
            match = MESSAGE_LINE.match(line)
            assert match, f"not a message line: {line!r}"
            table[match.group(1)] = match.group(2)
    return table


def unescape(escaped: str) -> str:
    """What [regex]::Unescape makes of a \\uXXXX-only string."""
    return re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), escaped)


def test_script_is_ascii_without_bom():
    """PowerShell 5.1 reads a BOM-less script in the ANSI code page: "rồi" would become a curly
    quote that ends a string. ASCII reads the same in every code page."""
    data = SCRIPT.read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf")
    non_ascii = [(n + 1, line) for n, line in enumerate(data.splitlines()) if max(line, default=0) > 127]
    assert non_ascii == []


def test_script_parses_and_has_no_drive_variable_traps():
    assert syntax_problems(SCRIPT.read_bytes()) == []


@pytest.mark.parametrize("bad", [
    b'throw "Thi\\u1ebfu $dll: b\\u1ed9 c\\u00e0i"',  # the bug of issue 10, point 2
    b'if ($a { "x" }',
    b'$x = "unterminated',
])
def test_the_checks_catch_known_mistakes(bad):
    assert syntax_problems(bad)


def test_good_forms_pass_the_checks():
    assert syntax_problems(b'Write-Host "${dll}: $env:TEMP $($x.y): ok"') == []


def test_messages_are_escaped_vietnamese_and_all_used():
    text = SCRIPT.read_text(encoding="ascii")
    table = messages(text)
    for key, escaped in table.items():
        # [regex]::Unescape would also eat "\t", "\n", "\\": only \uXXXX escapes, no paths.
        assert re.sub(r"\\u[0-9a-f]{4}", "", escaped).count("\\") == 0, key
        decoded = unescape(escaped)
        assert decoded == unicodedata.normalize("NFC", decoded), key
    used = set(re.findall(r'(?:Write-Step|Stop-Install|Get-Message) "(\w+)"', text))
    used |= {f"reason_{v}" for v in _helper().VERDICTS}  # Get-Message ("reason_" + verdict)
    assert used - set(table) == set(), "messages used but not defined"
    assert set(table) - used == set(), "messages defined but never used"
    assert unescape(table["excel_running"]).startswith("Excel đang mở")


def variable_spellings(source: bytes) -> dict[str, set[str]]:
    spellings: dict[str, set[str]] = {}
    for node in _nodes(_tree(source).root_node):
        if node.type == "variable" and not node.children:
            name = source[node.start_byte:node.end_byte].decode().lstrip("$@")
            if ":" not in name:
                spellings.setdefault(name.lower(), set()).add(name)
    return {k: v for k, v in spellings.items() if len(v) > 1}


def test_no_variable_is_spelled_two_ways():
    """PowerShell names are case-insensitive: `$venv = …` overwrote the parameter `-Venv`."""
    assert variable_spellings(SCRIPT.read_bytes()) == {}
    assert variable_spellings(b'param([string]$Venv = "")\n$venv = "x"\nif ($Venv) { }') == {
        "venv": {"Venv", "venv"}}


def test_native_programs_only_run_under_continue():
    """`py -3.13 … 2>$null` under "Stop" ended the script on a PC without 3.13 (point 3)."""
    source = SCRIPT.read_bytes()
    outside = []
    for node in _nodes(_tree(source).root_node):
        if node.type != "command" or node.children[0].type != "command_invokation_operator":
            continue
        parent, function = node.parent, None
        while parent is not None:
            if parent.type == "function_statement":
                name = parent.child_by_field_name("name") or next(
                    c for c in parent.children if c.type == "function_name")
                function = source[name.start_byte:name.end_byte].decode()
                break
            parent = parent.parent
        if function not in NATIVE_RUNNERS:
            outside.append(source[node.start_byte:node.end_byte].decode()[:60])
    assert outside == []


def test_config_is_not_written_by_powershell():
    """Set-Content/Out-File -Encoding UTF8 write a BOM in 5.1 (point 4): the helper writes it."""
    text = SCRIPT.read_text(encoding="ascii")
    assert not re.search(r"Set-Content|Out-File|Add-Content", text)
    assert '"write-config"' in text


def test_helper_commands_the_script_calls_exist():
    text = SCRIPT.read_text(encoding="ascii")
    called = set(re.findall(r'\$Helper, "([\w-]+)"', text))
    assert called == {"choose", "verify", "write-config"}
    helper = _helper()
    for command in called:
        with pytest.raises(SystemExit) as done:
            helper.parser().parse_args([command, "--help"])
        assert done.value.code == 0


def test_installer_installs_with_hashes_into_xlstart_and_unblocks():
    text = SCRIPT.read_text(encoding="ascii")
    assert '"--require-hashes"' in text and '"--no-index"' in text
    assert 'Join-Path $env:APPDATA "Microsoft\\Excel\\XLSTART"' in text
    assert "Unblock-File -LiteralPath $installed" in text
    assert 'Get-Process -Name "EXCEL"' in text
    json.dumps(messages(text))  # the table is plain data

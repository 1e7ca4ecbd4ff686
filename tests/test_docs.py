"""The project documents its own formats: docs/ covers every issue code and command, links hold."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from addin.cli import cli
from addin.cli_vi import walk
from addin.domain.issues import Code

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
GUIDE = DOCS / "huong-dan-su-dung.md"
FORMATS = DOCS / "formats.md"
MARKDOWN = [ROOT / "README.md", *sorted(DOCS.glob("*.md"))]


def text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize("doc", [GUIDE, FORMATS], ids=lambda p: p.name)
def test_every_issue_code_is_documented(doc):
    body = text(doc)
    missing = [c.value for c in Code if f"`{c.value}`" not in body]
    assert missing == [], f"{doc.name} lacks {missing}"


def test_the_guide_says_what_to_do_for_every_code():
    # one table row per code: | `code` | mức độ | nghĩa là | cách xử lý |
    rows = {m[1]: m[2] for m in re.finditer(r"^\| `(\w+)` \|(.*)\|\s*$", text(GUIDE), re.M)}
    for code in Code:
        cells = [c.strip() for c in rows[code.value].split("|")]
        assert len(cells) == 3 and all(cells), code.value
        assert cells[0] in ("Lỗi", "Cảnh báo", "Thông tin"), code.value


def test_every_command_is_documented():
    body = text(FORMATS)
    commands = [" ".join(path) for path in walk(cli) if path]
    missing = [c for c in commands if f"`tdkt {c}" not in body]
    assert missing == [], f"docs/formats.md §3 lacks {missing}"


def test_the_guide_covers_windows_and_pdf():
    body = text(GUIDE)
    assert r"%LOCALAPPDATA%\tdkt\venv\Scripts\tdkt.exe" in body
    assert "LibreOffice" in body and "--pdf" in body


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def anchors(path: Path) -> set[str]:
    return {slug(m[1]) for m in re.finditer(r"^#+ (.+)$", text(path), re.M)}


@pytest.mark.parametrize("doc", MARKDOWN, ids=lambda p: p.name)
def test_links_point_to_what_exists(doc):
    for target in re.findall(r"\]\(([^)\s]+)\)", text(doc)):
        if target.startswith(("http://", "https://", "mailto:")):
            continue
        file_part, _, anchor = target.partition("#")
        linked = (doc.parent / file_part).resolve() if file_part else doc
        assert linked.is_file(), f"{doc.name}: {target}"
        if anchor and linked.suffix == ".md":
            assert anchor in anchors(linked), f"{doc.name}: {target}"


def test_readme_cites_no_document_outside_the_repository():
    assert "contracts.md" not in text(ROOT / "README.md")


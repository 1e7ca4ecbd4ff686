"""The demo's period (congress) report and eligibility list as printed by LibreOffice: ready to
sign (session 5 review). Charts whole on A4 pages, captions that name their own table, no
command line or developer file on a printed page."""

from __future__ import annotations

import html
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from addin import demo_history
from addin.demo import write_demo
from addin.domain.rules import Rules
from addin.io.libreoffice import convert
from addin.io.rules_file import load_rules
from tests.conftest import needs_libreoffice
from tests.io.test_print_pages import needs_poppler, pdf_pages

pytestmark = [pytest.mark.libreoffice, needs_libreoffice, needs_poppler]

# print_setup's margins (0.6" top and bottom), in points
MARGIN_PT = 0.6 * 72


@pytest.fixture(scope="module")
def demo_results(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("demo")
    rules = load_rules()
    write_demo(root / "cac-cum", rules)
    demo_history.run(root, rules)
    return root / "ket-qua"


@pytest.fixture(scope="module")
def congress_pdf(demo_results: Path) -> Path:
    return convert(demo_results / "dai-hoi-2019-2024.xlsx", demo_results / "pdf", "pdf")


@dataclass(frozen=True)
class Line:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float


_LINE = re.compile(r'<line xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">'
                   r"(.*?)</line>", re.S)
_WORD_TEXT = re.compile(r"<word[^>]*>([^<]*)</word>")


def page_lines(pdf: Path) -> list[tuple[float, list[Line]]]:
    """Each page's height and its text lines with their boxes."""
    out = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True,
                         text=True, check=True).stdout
    pages = []
    for page in out.split("<page ")[1:]:
        height = float(re.search(r'height="([\d.]+)"', page).group(1))  # type: ignore[union-attr]
        lines = [Line(html.unescape(" ".join(_WORD_TEXT.findall(body))), float(a), float(b),
                      float(c), float(d)) for a, b, c, d, body in _LINE.findall(page)]
        pages.append((height, lines))
    return pages


def test_every_chart_prints_whole_on_an_a4_page(congress_pdf: Path, rules: Rules) -> None:
    """The "Biểu đồ" sheet printed on Letter paper with no page number, and three charts were
    cut by page breaks (title on one page, axis on the next). Each chart's title and its axis
    labels (the last period, "2024", under it) are inside one page's printed area now."""
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "999", str(congress_pdf)],
                          capture_output=True, text=True, check=True).stdout
    sizes = re.findall(r"Page\s+\d+ size:\s+(.*)", info)
    assert sizes and all("(A4)" in s for s in sizes), sizes
    pages = page_lines(congress_pdf)
    texts = pdf_pages(congress_pdf)
    first = next(i for i, t in enumerate(texts) if "Biểu đồ số đạt theo danh hiệu" in t)
    last = next(i for i, t in enumerate(texts) if "XẾP HẠNG THI ĐUA" in t)
    titles = {f"{name} — số đạt" for name in (
        "Chiến sĩ tiên tiến", "Chiến sĩ thi đua cơ sở", "Chiến sĩ thi đua toàn quân",
        "Đơn vị tiên tiến", "Đơn vị Quyết thắng")}
    titles |= {f"Ban CHQS huyện {n}" for n in (
        "Buôn Đôn", "Cư M'gar", "Ea Kar", "Ea Súp", "Krông Ana", "Krông Bông", "Lắk",
        "M'Đrắk")}
    whole: dict[str, list[int]] = {t: [] for t in titles}
    for number in range(first, last):
        height, lines = pages[number]
        width = 842.0
        words = {w for line in lines for w in line.text.split()}
        assert {"Trang", f"{number + 1}/{len(pages)}"} <= words, number  # the footer
        for title in (line for line in lines if line.text in titles):
            left = title.x0 < width / 2
            # the category axis under this chart: the last period's label in its half of the
            # page, within a chart's height below the title
            axis = [w for w in lines if "2024" in w.text.split() and (w.x0 < width / 2) == left
                    and title.y1 < w.y0 < title.y0 + 260]
            if (title.y0 >= MARGIN_PT - 5 and axis
                    and min(a.y1 for a in axis) <= height - MARGIN_PT + 2):
                whole[title.text].append(number + 1)
    assert {t: p for t, p in whole.items() if len(p) != 1} == {}


def _sheet_pages(pages: list[str], first_text: str, next_text: str) -> list[str]:
    start = next(i for i, t in enumerate(pages) if first_text in t)
    end = next(i for i, t in enumerate(pages) if next_text in t)
    return pages[start:end]


def test_each_model_table_prints_under_its_own_caption(congress_pdf: Path) -> None:
    """"Điển hình tiên tiến": the Tập thể caption and header were left at the foot of a page
    and its rows printed on the next under the repeated caption of the Cá nhân table. Now the
    column header (the same for both tables) is what repeats; each caption prints once, on the
    page of its table's first rows."""
    pages = _sheet_pages(pdf_pages(congress_pdf), "ĐIỂN HÌNH TIÊN TIẾN",
                         "Biểu đồ số đạt theo danh hiệu")
    text = "\n".join(pages)
    assert text.count("Cá nhân: đạt") == 1 and text.count("Tập thể: đạt") == 1, text
    assert all("Họ và tên / Tên tập thể" in page for page in pages)  # the header repeats
    (page,) = [p for p in pages if "Tập thể: đạt" in p]
    after = page.split("Tập thể: đạt", 1)[1]
    assert "Ban Tham mưu" in after  # the caption's first row is on its page
    people = text.split("Tập thể: đạt", 1)[0]
    assert "Ban Tham mưu" not in people  # no collective printed under the people's caption


def test_no_command_line_or_developer_file_on_a_printed_page(congress_pdf: Path) -> None:
    """The last page said "(lập báo cáo cụm bằng tdkt consolidate hoặc tdkt report với --db)"
    and a source line "Căn cứ: domain.md: …". (Its words for an empty "Xếp hạng theo năm" are
    checked in the cells: tests/history/test_period_report.py.)"""
    text = "\n".join(pdf_pages(congress_pdf))
    for word in ("--db", "tdkt consolidate", "tdkt report", "domain.md"):
        assert word not in text, word
    assert "Căn cứ: Quy ước của tdkt" in text


def test_the_ranks_of_2024_print_on_the_last_page(congress_pdf: Path) -> None:
    """The demo's cluster reports now store their ranks (the demo made them before the
    database existed, and this page printed "Chưa có điểm và thứ hạng…"): the page lists the
    ranked units with their 2024 rank and score."""
    pages = pdf_pages(congress_pdf)
    (page,) = [p for p in pages if "XẾP HẠNG THI ĐUA TRONG CỤM THEO NĂM" in p]
    assert "Chưa có điểm" not in re.sub(r"\s+", " ", page)
    rows = {m.group(1): (m.group(2), m.group(3)) for m in re.finditer(
        r"^Cụm thi đua số \d\s+(Ban CHQS huyện \S+(?: \S+)?)\s+(\d)\s+([\d,]+)\s*$", page, re.M)}
    assert rows == {"Ban CHQS huyện Ea Kar": ("3", "94"), "Ban CHQS huyện Krông Ana": ("2", "94"),
                    "Ban CHQS huyện Lắk": ("1", "98"), "Ban CHQS huyện M'Đrắk": ("4", "85,5"),
                    "Ban CHQS huyện Buôn Đôn": ("1", "92,5"),
                    "Ban CHQS huyện Cư M'gar": ("1", "92,5"), "Ban CHQS huyện Ea Súp": ("3", "85")}


def test_a_long_form_name_prints_whole(congress_pdf: Path) -> None:
    """"Bằng khen của Bộ trưởng Bộ Quốc phòng", the rules book's name, printed cut by its column
    ("…Bộ Quốc phòn"): the column wraps."""
    from tests.io.test_print_pages import raw_text, squeezed

    assert squeezed("Bằng khen của Bộ trưởng Bộ Quốc phòng") in squeezed(raw_text(congress_pdf))

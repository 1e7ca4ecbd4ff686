"""The chair's "Giao ước" sheet and the unit's "Chấm điểm" write their tables from column
declarations (addin.io.sheet_spec, issue 12 §4): the headers are the ones the readers look for,
the widths the declared ones, and a long criterion wraps in a row grown for it."""

from __future__ import annotations

import io

import openpyxl

from addin.domain.covenant import Criterion
from addin.domain.scoring import SHEET_SCORES
from addin.io.cluster_template import cluster_template_bytes
from addin.io.covenant_file import covenant_or_sample
from addin.io.covenant_sheet import CRITERIA_COLUMNS, covenant_from_rows, criteria_first_row
from addin.io.scores_template import HEADER_ROW, SCORE_COLUMNS
from addin.io.sheet_spec import LINE_PT
from addin.io.unit_template import unit_workbook_bytes

LONG = ("Hoàn thành xuất sắc nhiệm vụ huấn luyện, sẵn sàng chiến đấu, xây dựng lực lượng dân quân "
        "tự vệ, dự bị động viên và công tác giáo dục quốc phòng, an ninh trên địa bàn")


def _widths(ws, columns) -> list[float]:  # noqa: ANN001
    """Each declared column's width as Excel stores it (a span shares one; ~0.71 of padding)."""
    spans = [(d.min, d.max, d.width) for d in ws.column_dimensions.values()]
    found = [next(w for lo, hi, w in spans if lo <= i <= hi) for i in range(1, len(columns) + 1)]
    return [round(w) for w in found]


def test_the_covenant_sheet_is_declared_and_a_long_criterion_wraps(rules):
    import dataclasses

    covenant = covenant_or_sample(rules)[0]
    first = covenant.criteria[0]
    covenant = dataclasses.replace(covenant, criteria=(
        dataclasses.replace(first, text=LONG), *covenant.criteria[1:]))
    rules = dataclasses.replace(rules, covenant=covenant)
    ws = openpyxl.load_workbook(io.BytesIO(cluster_template_bytes(rules)))["Giao ước"]
    top = criteria_first_row(covenant)  # 1-based: the header's row
    assert [c.value for c in ws[top]][:5] == [c.header for c in CRITERIA_COLUMNS]
    assert _widths(ws, CRITERIA_COLUMNS) == [round(c.width + 0.71) for c in CRITERIA_COLUMNS]
    assert ws.cell(top + 1, 2).value == LONG and ws.cell(top + 1, 2).alignment.wrap_text
    assert ws.row_dimensions[top + 1].height >= 2 * LINE_PT  # grown for the wrapped text
    assert not ws.cell(top + 1, 2).protection.locked  # still an input cell
    read = covenant_from_rows([[c.value for c in row] for row in ws.iter_rows()])
    assert [c.text for c in read.criteria][:1] == [LONG]
    assert isinstance(read.criteria[0], Criterion)


def test_the_scores_sheet_header_is_declared(rules):
    ws = openpyxl.load_workbook(io.BytesIO(unit_workbook_bytes(rules)))[SHEET_SCORES]
    assert [c.value for c in ws[HEADER_ROW + 1]][:6] == [c.header for c in SCORE_COLUMNS]
    assert _widths(ws, SCORE_COLUMNS) == [round(c.width + 0.71) for c in SCORE_COLUMNS]
    assert ws.row_dimensions[HEADER_ROW + 1].height >= 32

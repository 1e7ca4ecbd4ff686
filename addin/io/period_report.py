"""The period report (`tdkt history report --from Y1 --to Y2`): the five-year congress workbook
(Đại hội Thi đua Quyết thắng), or the one-year / 6-month version when Y1 = Y2.

SQLite aggregates, pandas pivots (imported here only, so `tdkt --help` stays fast), XlsxWriter
writes. Everything is sorted and the workbook's timestamp fixed: the same database gives the same
bytes.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from xlsxwriter.chart import Chart
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from addin.domain import fields as F
from addin.domain import labels as L
from addin.domain import vi_format as vi
from addin.domain.commendation_forms import form_order, named_form
from addin.domain.history_model import PeriodFigures
from addin.domain.periods import KIND_LABEL, PERIOD_KINDS, PeriodKind
from addin.domain.rules import Rules
from addin.io.page_blocks import (
    BLOCK_SLACK_PT,
    PAGE_HEIGHT_PT,
    PageHead,
    Signers,
    keep_with_next,
    national_header,
    signature_block,
)
from addin.io.rank_history import RankRow, write_ranks_sheet
from addin.io.sheet_spec import (
    PT_PER_PX,
    Styled,
    write_cells,
    write_header,
    write_header_band,
)
from addin.io.sheet_spec import Column as Col
from addin.io.xlsx_common import Styles, new_workbook, page_setup, print_setup, write_text

if TYPE_CHECKING:
    import pandas as pd

Column = tuple[int, str]  # (year, period kind)
# A chart per unit helps a cluster; an army-wide report would drown in them.
MAX_UNIT_CHARTS = 60
S_TITLES, S_UNITS, S_COMPARE = "Tổng hợp", "Theo đơn vị", "So sánh giai đoạn"
S_COMMEND, S_MODELS, S_CHARTS = "Khen thưởng", "Điển hình tiên tiến", "Biểu đồ"
# The two flat tables, declared (addin.io.sheet_spec): headers wrap into a row sized for them.
MODEL_COLUMNS = (
    Col("seq", "STT", 5, "int"), Col("name", "Họ và tên / Tên tập thể", 28, wrap=True),
    Col("unit", "Đơn vị (gần nhất)", 28, wrap=True),
    Col("service_no", F.INDIVIDUAL_LABELS["service_no"], 12),
    Col("birth_year", F.INDIVIDUAL_LABELS["birth_year"], 12, "int"),
    Col("count", "Số năm đạt", 12, "int"), Col("years", "Các năm", 30, wrap=True))

# The per-period summary sheets, declared too: fixed columns spanning a two-row header, then
# blocks (period_columns) of one column per period column and a "Cộng", under the block's name.
TITLES_FIXED = (Col("seq", "STT", 5, "int"), Col("title", L.TITLE, 30))
UNITS_FIXED = (Col("seq", "STT", 5, "int"), Col("unit", F.INFO_LABELS["unit"], 28),
               Col("title", L.TITLE, 26))
COMMEND_FIXED = (Col("seq", "STT", 5, "int"),
                 Col("form", F.COMMENDATION_LABELS["form"], 32, wrap=True),
                 Col("level", F.COMMENDATION_LABELS["level"], 12))
COUNT_BLOCKS = ("Số đạt", "Số đề nghị")
COMMEND_BLOCKS = (F.COMMENDATION_LABELS["collectives"], F.COMMENDATION_LABELS["individuals"])
PERIOD_TOTAL = "Cộng"
# A period column of one year's report is named "6 tháng đầu năm 2024"; of a span, "2024".
PERIOD_WIDTH = {True: 11, False: 7}


def compare_columns(prev_label: str) -> tuple[Col, ...]:
    return (Col("seq", "STT", 5, "int"), Col("title", L.TITLE, 30),
            Col("proposed", "Đề nghị kỳ này", 14, "int"), Col("passed", "Đạt kỳ này", 14, "int"),
            Col("prev_proposed", f"Đề nghị {prev_label}", 14, "int"),
            Col("prev_passed", f"Đạt {prev_label}", 14, "int"),
            Col("change", "Tăng/giảm số đạt", 14, "int"),
            Col("change_pct", "Tỷ lệ tăng/giảm (%)", 14, "pct"))


@dataclass
class PeriodData:
    first: int
    last: int
    cluster: str | None
    columns: list[Column]  # the report's columns: years, or the periods of one year
    previous: list[Column]  # the previous period of equal length
    counts: list[tuple[str, int, str, str, int, int]]  # unit, year, kind, title, proposed, passed
    commendations: list[tuple[int, str, str, str, int, int]]
    model_people: list[tuple[int, str, str, str, int | None, int]]
    model_groups: list[tuple[int, str, str, str, int | None, int]]
    min_people_years: int
    ranks: list[RankRow] = field(default_factory=list)  # cluster ranks by year (issue 15)


def columns_for(first: int, last: int, kinds_present: set[PeriodKind]) -> tuple[list[Column],
                                                                                list[Column]]:
    """Years of annual reports for a span; for one year, its 6-month and annual reports."""
    if first < last:
        span = last - first + 1
        return ([(y, "year") for y in range(first, last + 1)],
                [(y, "year") for y in range(first - span, first)])
    kinds = [k for k in PERIOD_KINDS if k != "span" and (k in kinds_present or k == "year")]
    return [(first, k) for k in kinds], [(first - 1, k) for k in kinds]


def label(col: Column, single_year: bool) -> str:
    year, kind = col
    if not single_year:
        return str(year)
    names = {str(k): v for k, v in KIND_LABEL.items()}
    return f"{names[kind]} {year}" if kind != "year" else f"Cả năm {year}"


def period_title(first: int, last: int) -> str:
    return f"giai đoạn {first}–{last}" if first < last else f"năm {first}"


# The charts sheet: charts of XlsxWriter's default size, two to a band of rows, a band's first
# row after the sheet's heading rows. Rows are the default 15 pt; a chart is 288 px (216 pt) tall
# and a band adds a row of air. The page is page_blocks' printable A4 landscape height.
CHART_WIDTH_PX, CHART_HEIGHT_PX = 480, 288
CHART_SECOND_COL = 8  # 8 default columns (64 px) right of the first: 992 px for two, < a page
CHART_HEADING_ROWS = 2
CHART_BAND_ROWS = 15
ROW_PT = 15.0


def count_axis(largest: int) -> dict[str, object]:
    """A value axis of counts of people or units: from 0, in whole steps (1, 2, 5, 10, 20…
    whichever gives at most 8 steps up to `largest`), numbers shown without decimals."""
    step = 1
    while largest > 8 * step:
        step = step * 5 // 2 if str(step)[0] == "2" else step * 2
    return {"min": 0, "major_unit": step, "num_format": "0"}


def chart_bands(count: int, first_unit: int) -> tuple[list[tuple[int, int]], list[int]]:
    """Where each of `count` charts goes (row, column) and the page breaks between bands:
    charts two to a band, the chart `first_unit` starting a band; a band that would reach past
    the foot of the page starts the next page, so no chart is cut by a page break."""
    page = PAGE_HEIGHT_PT - BLOCK_SLACK_PT
    chart_pt = CHART_HEIGHT_PX * PT_PER_PX
    band_pt = CHART_BAND_ROWS * ROW_PT
    places: list[tuple[int, int]] = []
    breaks: list[int] = []
    row, used, side = CHART_HEADING_ROWS, CHART_HEADING_ROWS * ROW_PT, 0
    for i in range(count):
        if i == first_unit and side:
            side, row, used = 0, row + CHART_BAND_ROWS, used + band_pt
        if side == 0 and used + chart_pt > page:
            breaks.append(row)
            used = 0.0
        places.append((row, CHART_SECOND_COL if side else 0))
        side = 1 - side
        if side == 0:
            row, used = row + CHART_BAND_ROWS, used + band_pt
    return places, breaks


def place_charts(sheet: Worksheet, charts: Sequence[Chart], first_unit: int) -> None:
    places, breaks = chart_bands(len(charts), first_unit)
    for chart, (row, col) in zip(charts, places, strict=True):
        chart.set_size({"width": CHART_WIDTH_PX, "height": CHART_HEIGHT_PX})
        sheet.insert_chart(row, col, chart)
    if breaks:
        sheet.set_h_pagebreaks(breaks)


# ----------------------------------------------------------------------------------------------
class _Book:
    def __init__(self, data: PeriodData, rules: Rules) -> None:
        import pandas as pd

        self.pd = pd
        self.data = data
        self.rules = rules
        self.single = data.first == data.last
        self.buffer = io.BytesIO()
        self.workbook: Workbook = new_workbook(
            self.buffer, f"Báo cáo thi đua {period_title(data.first, data.last)}")
        self.styles = Styles(self.workbook)
        frame = pd.DataFrame.from_records(
            data.counts, columns=["unit", "year", "kind", "title", "proposed", "passed"])
        frame["col"] = list(zip(frame["year"], frame["kind"], strict=True))
        self.counts = frame
        order = {code: t.order for code, t in rules.titles.items()}
        present = set(frame["title"])
        self.titles = sorted(present, key=lambda c: (order.get(c, 1 << 30), c))
        self.labels = [label(c, self.single) for c in data.columns]

    def title_name(self, code: str) -> str:
        return vi.title_name(self.rules, code)

    def header(self, sheet: Worksheet, heading: str, width: int) -> int:
        """The national header, the heading and its line; returns the first free row. The
        sheets set their widths after writing, so the blocks split on the column count."""
        where = f"Cụm thi đua: {self.data.cluster}" if self.data.cluster else "Toàn bộ các đơn vị"
        line = (f"{where} — {period_title(self.data.first, self.data.last)} — "
                f"bộ quy tắc {vi.rules_book_name(self.rules)}")
        head = PageHead(title=heading.upper(), lines=[line], place=self.rules.report.place,
                        issuer=self.rules.report.issuer or self.data.cluster or "")
        return national_header(sheet, self.styles, [10.0] * max(width, 2), head)

    def period_columns(self, fixed: tuple[Col, ...], blocks: tuple[str, ...]) -> tuple[Col, ...]:
        """The fixed columns, then for each block a column per period column and their sum."""
        width = PERIOD_WIDTH[self.single]
        columns = list(fixed)
        for block in blocks:
            columns += [Col(f"{block}/{text}", text, width, "int", group=block)
                        for text in self.labels]
            columns.append(Col(f"{block}/{PERIOD_TOTAL}", PERIOD_TOTAL, width, "total",
                               group=block))
        return tuple(columns)

    def block_values(self, tables: Sequence[pd.DataFrame], key: object) -> list[int]:
        """A row's values in each block: one per period column, then their sum."""
        values: list[int] = []
        for table in tables:
            found = ([int(v) for v in table.loc[key]] if key in table.index
                     else [0] * len(self.data.columns))
            values += [*found, sum(found)]
        return values

    def pivot(self, frame: pd.DataFrame, index: list[str], value: str, columns: list[Column]
              ) -> pd.DataFrame:
        table = frame[frame["col"].isin(columns)].pivot_table(
            index=index, columns="col", values=value, aggfunc="sum", fill_value=0)
        return table.reindex(columns=columns, fill_value=0)

    # ------------------------------------------------------------------------------------------
    def titles_sheet(self) -> tuple[Worksheet, int]:
        """Per title: passed and proposed in each column, totals. The line charts use it."""
        s, cols = self.styles, self.data.columns
        sheet = self.workbook.add_worksheet(S_TITLES)
        columns = self.period_columns(TITLES_FIXED, COUNT_BLOCKS)
        top = self.header(sheet, f"Kết quả thi đua {period_title(self.data.first, self.data.last)}",
                          len(columns))
        row = write_header_band(sheet, s, top, columns)
        tables = (self.pivot(self.counts, ["title"], "passed", cols),
                  self.pivot(self.counts, ["title"], "proposed", cols))
        for i, code in enumerate(self.titles, start=1):
            write_cells(sheet, s, row, columns,
                        [i, self.title_name(code), *self.block_values(tables, code)])
            row += 1
        widths = [float(c.width) for c in columns]
        signature_block(sheet, s, row + 1, widths,
                        Signers.of(self.rules.report,
                                   L.CHAIR if self.data.cluster else L.COMMANDER),
                        (top, top + 1))
        print_setup(sheet, top, top + 1)
        return sheet, top + 2

    def units_sheet(self) -> tuple[list[tuple[str, int, int]], int]:
        """Per unit and title: passed and proposed per column; returns each unit's row block."""
        s, cols = self.styles, self.data.columns
        sheet = self.workbook.add_worksheet(S_UNITS)
        columns = self.period_columns(UNITS_FIXED, COUNT_BLOCKS)
        top = self.header(sheet, "Kết quả theo đơn vị, năm và danh hiệu", len(columns))
        row = write_header_band(sheet, s, top, columns)
        current = self.counts[self.counts["col"].isin(cols)]
        tables = (self.pivot(current, ["unit", "title"], "passed", cols),
                  self.pivot(current, ["unit", "title"], "proposed", cols))
        order = {code: i for i, code in enumerate(self.titles)}
        keys = sorted(tables[0].index, key=lambda k: (k[0], order[k[1]]))
        blocks: list[tuple[str, int, int]] = []
        for seq, unit in enumerate(sorted({k[0] for k in keys}), start=1):
            start = row
            for key in [k for k in keys if k[0] == unit]:
                write_cells(sheet, s, row, columns,
                            [seq, unit, self.title_name(key[1]), *self.block_values(tables, key)])
                row += 1
            blocks.append((unit, start, row - 1))
        sheet.autofilter(top + 1, 0, max(row - 1, top + 1), len(columns) - 1)
        print_setup(sheet, top, top + 1)
        return blocks, top + 2

    def compare_sheet(self) -> None:
        s = self.styles
        sheet = self.workbook.add_worksheet(S_COMPARE)
        prev = self.data.previous
        prev_label = (period_title(prev[0][0], prev[-1][0]) if not self.single
                      else f"năm {prev[0][0]}")
        columns = compare_columns(prev_label)
        top = self.header(sheet, f"So sánh với {prev_label}", len(columns))
        write_header(sheet, s, top, columns)
        now = self.counts[self.counts["col"].isin(self.data.columns)]
        before = self.counts[self.counts["col"].isin(prev)]
        now_t = now.groupby("title")[["proposed", "passed"]].sum()
        before_t = before.groupby("title")[["proposed", "passed"]].sum()
        row = top + 1
        for i, code in enumerate(self.titles, start=1):
            a = now_t.loc[code] if code in now_t.index else None
            b = before_t.loc[code] if code in before_t.index else None
            prop, pas = (int(a["proposed"]), int(a["passed"])) if a is not None else (0, 0)
            bprop, bpas = (int(b["proposed"]), int(b["passed"])) if b is not None else (0, 0)
            change = (round((pas - bpas) * 100 / bpas, 2) if bpas
                      else Styled("—" if not pas else "mới", "center"))
            write_cells(sheet, s, row, columns, [i, self.title_name(code), prop, pas, bprop,
                                                 bpas, pas - bpas, change])
            row += 1
        if not len(before):
            write_text(sheet, row + 1, 1, f"Cơ sở dữ liệu chưa có báo cáo {prev_label}.",
                       self.styles.text)
        print_setup(sheet, top, top)

    def commendations_sheet(self) -> None:
        s, cols = self.styles, self.data.columns
        sheet = self.workbook.add_worksheet(S_COMMEND)
        columns = self.period_columns(COMMEND_FIXED, COMMEND_BLOCKS)
        top = self.header(sheet, "Khen thưởng theo hình thức, cấp khen và năm", len(columns))
        row = write_header_band(sheet, s, top, columns)
        # Each line under its form's name in the rules book, as the cluster reports name it
        # (the database keeps the text as typed: "Bằng khen của Bộ Quốc phòng", "BK BQP"…).
        named = [(year, kind, *named_form(form, level, self.rules), collectives, individuals)
                 for year, kind, form, level, collectives, individuals in self.data.commendations]
        order = {(form, level): form_order(code, form, level, self.rules)
                 for _, _, code, form, level, _, _ in named}
        frame = self.pd.DataFrame.from_records(
            [(year, kind, form, level, collectives, individuals)
             for year, kind, _code, form, level, collectives, individuals in named],
            columns=["year", "kind", "form", "level", "collectives", "individuals"])
        frame["col"] = list(zip(frame["year"], frame["kind"], strict=True))
        if len(frame):
            tables = (self.pivot(frame, ["form", "level"], "collectives", cols),
                      self.pivot(frame, ["form", "level"], "individuals", cols))
            for i, key in enumerate(sorted(tables[0].index, key=lambda k: order[k]), start=1):
                write_cells(sheet, s, row, columns,
                            [i, key[0], key[1], *self.block_values(tables, key)])
                row += 1
        print_setup(sheet, top, top + 1)

    def models_sheet(self) -> tuple[int, int]:
        """The "điển hình tiên tiến": people holding the congress title in enough years of the
        period, collectives holding theirs every year. Returns (people, collectives) counted.
        One column header serves both tables (their columns are the same) and is the row
        repeated on every printed page; each table is a section under it, opened by its caption
        row, which a page break keeps with the table's first rows."""
        s = self.styles
        sheet = self.workbook.add_worksheet(S_MODELS)
        width = len(MODEL_COLUMNS)
        widths = [float(c.width) for c in MODEL_COLUMNS]
        top = self.header(sheet, f"Điển hình tiên tiến {period_title(self.data.first, self.data.last)}",
                          width)
        write_header(sheet, s, top, MODEL_COLUMNS)
        congress = self.rules.congress
        span = self.data.last - self.data.first + 1
        found = []
        row = top + 1
        for what, records, need, code in (
                (F.SHEET_INDIVIDUALS, self.data.model_people, self.data.min_people_years,
                 congress.individual_title if congress else ""),
                (F.SHEET_COLLECTIVES, self.data.model_groups, span,
                 congress.collective_title if congress else "")):
            note = (f"{what}: đạt {self.title_name(code)} (hoặc danh hiệu cao hơn) "
                    f"ít nhất {need} năm trong {span} năm")
            caption = row
            sheet.merge_range(row, 0, row, width - 1, note, s.label)
            row += 1
            chosen = self.models(records, need)
            for i, (name, unit, service, birth, years) in enumerate(chosen, start=1):
                write_cells(sheet, s, row, MODEL_COLUMNS, [
                    i, name, unit, service, birth, len(years), ", ".join(str(y) for y in years)])
                row += 1
            if caption > top + 1:  # the first caption sits under the header, on page one
                keep_with_next(sheet, caption, min(row - 1, caption + 2), widths, (top, top))
            found.append(len(chosen))
            row += 1
        if congress is not None:
            # The source may already say it is to be checked: say it once.
            unsaid = not congress.verified and L.TO_CHECK not in congress.source.lower()
            write_text(sheet, row, 0, f"Căn cứ: {congress.source}"
                       + (f" ({L.TO_CHECK})" if unsaid else ""), s.text)
        print_setup(sheet, top, top)
        return found[0], found[1]

    def models(self, records: Sequence[tuple[int, str, str, str, int | None, int]], need: int
               ) -> list[tuple[str, str, str, int | None, list[int]]]:
        if not records:
            return []
        frame = self.pd.DataFrame.from_records(
            records, columns=["id", "name", "unit", "service", "birth", "year"])
        out = []
        for _sid, group in frame.groupby("id", sort=True):
            years = sorted(set(int(y) for y in group["year"]))
            if len(years) < need:
                continue
            latest = group.sort_values(["year", "unit"]).iloc[-1]
            birth = latest["birth"]
            out.append((str(latest["name"]), str(latest["unit"]), str(latest["service"]),
                        None if birth is None or birth != birth else int(birth), years))
        # the most years first, then by unit and name
        return sorted(out, key=lambda r: (-len(r[4]), r[1], r[0], r[2]))

    def charts_sheet(self, title_first_row: int, unit_first_row: int,
                     blocks: list[tuple[str, int, int]]) -> None:
        """A line chart per title across the columns, a bar chart per unit, two side by side.
        Categories are the period labels, the row above each sheet's first data row; values
        the "passed" block. A4 landscape like the other sheets; a band of two charts that
        would cross the foot of a page starts the next one (a manual page break)."""
        sheet = self.workbook.add_worksheet(S_CHARTS)
        n = len(self.data.columns)
        sheet.write_string(0, 0, "Biểu đồ số đạt theo danh hiệu và theo đơn vị", self.styles.label)
        if len(blocks) > MAX_UNIT_CHARTS:
            sheet.write_string(1, 0, f"Biểu đồ đơn vị: {MAX_UNIT_CHARTS} đơn vị đầu "
                               f"(trên {len(blocks)}); số liệu đủ ở trang \"{S_UNITS}\".")
        now = self.counts[self.counts["col"].isin(self.data.columns)]
        by_title = now.groupby(["title", "col"])["passed"].sum().groupby(level=0).max()
        by_unit = now.groupby(["unit", "title", "col"])["passed"].sum().groupby(level=0).max()
        charts = []
        for i, code in enumerate(self.titles):
            chart = self.workbook.add_chart({"type": "line"})
            r = title_first_row + i
            col = len(TITLES_FIXED)
            chart.add_series({"name": self.title_name(code),
                              "categories": [S_TITLES, title_first_row - 1, col,
                                             title_first_row - 1, col + n - 1],
                              "values": [S_TITLES, r, col, r, col + n - 1],
                              "marker": {"type": "circle"}})
            chart.set_title({"name": f"{self.title_name(code)} — số đạt"})
            chart.set_legend({"none": True})
            chart.set_y_axis(count_axis(int(by_title.get(code, 0))))
            charts.append(chart)
        first_unit = len(charts) + len(charts) % 2  # the unit charts start a band of their own
        for unit, first, last in blocks[:MAX_UNIT_CHARTS]:
            chart = self.workbook.add_chart({"type": "column"})
            col = len(UNITS_FIXED)  # the series are named by the title, the fixed column before
            for r in range(first, last + 1):
                chart.add_series({"name": [S_UNITS, r, col - 1],
                                  "categories": [S_UNITS, unit_first_row - 1, col,
                                                 unit_first_row - 1, col + n - 1],
                                  "values": [S_UNITS, r, col, r, col + n - 1]})
            chart.set_title({"name": unit})
            chart.set_y_axis(count_axis(int(by_unit.get(unit, 0))))
            charts.append(chart)
        place_charts(sheet, charts, first_unit)
        page_setup(sheet)

    def build(self) -> tuple[bytes, PeriodFigures]:
        _titles_sheet, first_row = self.titles_sheet()
        blocks, unit_first_row = self.units_sheet()
        self.compare_sheet()
        self.commendations_sheet()
        people, groups = self.models_sheet()
        self.charts_sheet(first_row, unit_first_row, blocks)
        write_ranks_sheet(self.workbook, self.styles, self.data.ranks, self.data.first,
                          self.data.last, period_title(self.data.first, self.data.last),
                          self.header)
        self.workbook.close()
        now = self.counts[self.counts["col"].isin(self.data.columns)]
        return self.buffer.getvalue(), PeriodFigures(
            nominations=int(now["proposed"].sum()), units=len(blocks), model_people=people,
            model_collectives=groups,
            ranked_units=len({(cluster, unit) for cluster, unit, *_ in self.data.ranks}))


def period_report_bytes(data: PeriodData, rules: Rules) -> tuple[bytes, PeriodFigures]:
    """The workbook, and what it holds (for the command's message and tests)."""
    return _Book(data, rules).build()

"""Checked command-line values: a report date and a workbook output path.

`--date hom-qua` used to be printed on the report as its date, and `-o bao-cao` wrote a workbook
without an extension that Excel would not open by double-click. Both are refused or fixed here,
before any work starts, with a Vietnamese message naming the option (exit 2, as every usage
problem).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from addin.domain import vi_format as vi

WORKBOOK_SUFFIX = ".xlsx"
# Suffixes of other formats: the user meant another kind of file, so a workbook is not written.
OTHER_FORMATS = (".xls", ".xlsm", ".xlsb", ".ods", ".csv", ".pdf", ".txt", ".json", ".doc",
                 ".docx", ".toml")


class DayType(click.ParamType[str]):
    """A day typed as dd/mm/yyyy (also d/m/yyyy, dd-mm-yyyy, dd.mm.yyyy, yyyy-mm-dd), given on
    as dd/mm/yyyy, the way the report prints it."""

    name = "ngày"

    def get_metavar(self, param: click.Parameter, ctx: click.Context) -> str | None:
        return "NGÀY"

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> str:
        day = vi.parse_day(str(value))
        if day is None:
            self.fail(f"{value!r} không phải một ngày; ghi theo dạng ngày/tháng/năm, "
                      f"ví dụ 15/12/2024.", param, ctx)
        return vi.day(day)


class WorkbookPath(click.Path):
    """An output workbook: ".xlsx" is added to a name without it; another format is refused."""

    def __init__(self) -> None:
        super().__init__(dir_okay=False)

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> Any:
        path = Path(str(value))
        suffix = path.suffix.lower()
        if suffix in OTHER_FORMATS:
            self.fail(f"tdkt ghi bảng tính Excel {WORKBOOK_SUFFIX}, không ghi được tệp {suffix}: "
                      f"đặt tên kết quả là {path.with_suffix(WORKBOOK_SUFFIX)}.", param, ctx)
        if suffix != WORKBOOK_SUFFIX:
            value = f"{value}{WORKBOOK_SUFFIX}"
        return super().convert(value, param, ctx)


DAY = DayType()
WORKBOOK = WorkbookPath()

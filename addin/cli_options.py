"""The options several commands share, each defined once (issue 12 §7): the same name, type and
Vietnamese help everywhere it appears. A command lists the ones it takes as decorators."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from addin.cli_params import DAY
from addin.domain.labels import HISTORY_DB_NAME as DEFAULT_DB

F = TypeVar("F", bound=Callable[..., Any])

rules_option = click.option("--rules", "rules_path", type=click.Path(dir_okay=False),
                            help="Tệp quy tắc (TOML).")
json_option = click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON.")
force_option = click.option("--force", is_flag=True,
                            help="Ghi đè cả tệp đã có không do tdkt tạo ra.")
jobs_option = click.option("--jobs", "-j", type=click.IntRange(min=1),
                           help="Số tiến trình (mặc định: số lõi).")
date_option = click.option(
    "--date", "date", type=DAY,
    help="Ngày lập báo cáo, dd/mm/yyyy (mặc định: ngày lập mới nhất của các tệp).")
# validate / consolidate / report: an existing history, to check the declared streaks against.
streaks_db_option = click.option(
    "--db", "db", type=click.Path(exists=True, dir_okay=False),
    help="Cơ sở dữ liệu lịch sử: kiểm tra số năm liên tục đã khai.")
# history …: the database the command reads or fills.
history_db_option = click.option(
    "--db", "db", envvar="TDKT_DB", default=DEFAULT_DB, show_default=True,
    type=click.Path(dir_okay=False),
    help=f"Cơ sở dữ liệu lịch sử (mặc định: biến TDKT_DB, hoặc {DEFAULT_DB} ở thư mục hiện tại).")

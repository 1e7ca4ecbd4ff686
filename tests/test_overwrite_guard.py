"""What `-o` and `--pdf` may replace: only outputs tdkt wrote, never a workbook staff fill in
(a unit workbook made from the template, a cluster template with its covenant) and never a PDF
tdkt did not print, unless --force (found by an end-to-end review of the merged second wave)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from addin.cli import cli
from addin.io.libreoffice import pdf_by_tdkt, soffice
from addin.io.xlsx_common import written_by_tdkt

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "workbooks" / "demo" / "cum-thi-dua-so-3"


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False, env=env)
    return result.exit_code, result.stdout, result.stderr


def test_a_filled_unit_workbook_is_not_replaced_by_a_template(tmp_path):
    filled = tmp_path / "don-vi-da-dien.xlsx"
    shutil.copy(DEMO / "ban-chqs-lak.xlsx", filled)  # made from the template, then filled
    before = filled.read_bytes()
    assert not written_by_tdkt(filled)
    code, _, err = run("template", "unit", "-o", str(filled))
    assert code == 2 and "--force" in err
    assert filled.read_bytes() == before
    code, _, _ = run("template", "unit", "-o", str(filled), "--force")
    assert code == 0 and filled.read_bytes() != before


@pytest.mark.parametrize("kind", ["unit", "cluster"])
def test_a_template_is_not_replaced_without_force(tmp_path, kind):
    out = tmp_path / "mau.xlsx"
    assert run("template", kind, "-o", str(out))[0] == 0
    assert not written_by_tdkt(out)  # staff fill templates in: never "a tdkt output"
    assert run("template", kind, "-o", str(out))[0] == 2


def test_a_cluster_report_may_be_rewritten(tmp_path):
    out = tmp_path / "bao-cao.xlsx"
    assert run("consolidate", str(DEMO), "-o", str(out))[0] in (0, 1)
    assert written_by_tdkt(out)
    assert run("consolidate", str(DEMO), "-o", str(out))[0] in (0, 1)


def test_pdf_failure_keeps_the_exit_code_and_the_json(tmp_path):
    out = tmp_path / "bao-cao.xlsx"
    no_office = tmp_path / "bin"
    no_office.mkdir()
    code, stdout, err = run("consolidate", str(DEMO), "-o", str(out), "--json", "--pdf",
                            env={"PATH": str(no_office)})
    plain, _, _ = run("consolidate", str(DEMO), "-o", str(tmp_path / "b2.xlsx"), "--json")
    assert code == plain and code in (0, 1)
    assert json.loads(stdout)["output"] == str(out)
    assert "PDF" in err and out.is_file() and not out.with_suffix(".pdf").exists()


@pytest.mark.libreoffice
@pytest.mark.skipif(soffice() is None, reason="LibreOffice is installed by scripts/test")
def test_pdf_replaces_only_a_pdf_tdkt_printed(tmp_path):
    out = tmp_path / "bao-cao.xlsx"
    pdf = out.with_suffix(".pdf")
    pdf.write_bytes(b"%PDF-1.4 USER PDF")
    code, _, err = run("consolidate", str(DEMO), "-o", str(out), "--pdf")
    assert code in (0, 1) and "không ghi đè" in err
    assert pdf.read_bytes() == b"%PDF-1.4 USER PDF"
    pdf.unlink()
    assert run("consolidate", str(DEMO), "-o", str(out), "--pdf")[0] in (0, 1)
    assert pdf_by_tdkt(pdf)
    first = pdf.stat().st_mtime_ns
    assert run("consolidate", str(DEMO), "-o", str(out), "--pdf")[0] in (0, 1)
    assert pdf.stat().st_mtime_ns != first  # tdkt's own PDF is replaced


def test_a_unit_workbook_from_an_older_template_is_not_replaced(tmp_path):
    """Templates of earlier versions carried the output mark: the sheets tell instead."""
    import io

    from addin.io.xlsx_common import finish, new_workbook

    buffer = io.BytesIO()
    workbook = new_workbook(buffer, "Mẫu cũ")  # the output mark, as before this version
    workbook.add_worksheet("Thông tin").write(0, 0, "Đơn vị")
    old = tmp_path / "mau-cu-da-dien.xlsx"
    old.write_bytes(finish(workbook, buffer))
    assert not written_by_tdkt(old)
    assert run("consolidate", str(DEMO), "-o", str(old))[0] == 2

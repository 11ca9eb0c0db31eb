"""Reading exports as they really arrive: one fixture per quirk, each asserting the frame that comes out."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook

from bulletin.data.exports import read_source, source_files
from bulletin.data.validation import validate_district

CASES_HEADER = "办件编号,受理单位,事项编码,乡镇街道,申办渠道,受理时间,办结时间\n"


def _write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))
    return path


def _district(root: Path) -> Path:
    """Departments and items every case fixture below refers to."""
    folder = root / "data" / "d1"
    _write(folder / "departments.csv", "单位名称,是否进驻\n公安局,是\n税务局,是\n")
    _write(folder / "items.csv", "事项编码,事项名称,实施单位,办件类型,法定时限,承诺时限\n"
                                 "A1,户籍证明,公安局,即办件,0,0\nXK01,税务登记,税务局,承诺件,20,5\n")
    return folder


def test_gb18030_csv_with_title_row_and_subtotal_rows(tmp_path: Path):
    """GB18030 text, a title row above the header and 小计/合计 rows below: Excel rows kept, totals dropped."""
    path = _write(tmp_path / "cases.csv", "桐山县2024年6月办件明细表(单位:件),,,,,,\n" + CASES_HEADER
                  + "TS1,公安局,A1,城关镇,窗口,2024/06/03 09:12,2024/06/03 10:00\n"
                  + "TS2,税务局,XK01,,掌上办,2024/06/04 09:00,\n"
                  + "小计,2,,,,,\n合计,2,,,,,\n", "gb18030")
    raw = read_source(path, "cases")
    assert list(raw.frame.index) == [3, 4]
    assert raw.frame["case_id"].tolist() == ["TS1", "TS2"]
    assert raw.frame.loc[3, "township"] == "城关镇" and raw.frame.loc[4, "completed_at"] == ""
    assert raw.totals_dropped == 2 and raw.header_row == 2


def test_utf8_bom_and_english_headers(tmp_path: Path):
    """A BOM before English column names is not part of the first header."""
    path = _write(tmp_path / "departments.csv", "department,stationed\n公安局,否\n", "utf-8-sig")
    raw = read_source(path, "departments")
    assert raw.frame.loc[2].to_dict() == {"department": "公安局", "stationed": "否"}


def test_xlsx_with_merged_header_cells(tmp_path: Path):
    """A merged title, a merged group-header row and a merged header cell: the real header row is found."""
    book = Workbook()
    sheet = book.active
    sheet.append(["云河区办件明细"])
    sheet.merge_cells("A1:H1")
    sheet.append(["基本信息", None, None, None, "办理情况", None, None, None])
    sheet.merge_cells("A2:D2")
    sheet.merge_cells("E2:H2")
    sheet.append(["办件编号", "受理单位", "事项编码", "乡镇街道", "申办渠道", "受理时间", None, "办结时间"])
    sheet.merge_cells("F3:G3")  # 受理时间 spans two columns; the second holds nothing the table needs
    sheet.append(["YH1", "公安局", "A1", None, "窗口", "2024-06-03 09:12:00", "上午", "2024-06-03 09:30:00"])
    sheet.append(["YH2", "税务局", "XK01", "青石镇", "一网通办", "2024-06-04 10:00:00", "上午", None])
    path = tmp_path / "cases.xlsx"
    book.save(path)
    raw = read_source(path, "cases")
    assert list(raw.frame.index) == [4, 5]
    assert raw.frame.loc[4, "received_at"] == "2024-06-03 09:12:00"
    assert raw.frame.loc[5].to_dict() == {"case_id": "YH2", "department": "税务局", "item_code": "XK01",
                                          "township": "青石镇", "channel": "一网通办",
                                          "received_at": "2024-06-04 10:00:00", "completed_at": ""}


def test_folder_of_monthly_files_in_mixed_formats(tmp_path: Path):
    """cases/ with a UTF-8 CSV, a GBK CSV and an .xlsx: all rows, each typed, in file-name order."""
    folder = _district(tmp_path)
    _write(folder / "cases" / "2024-04.csv", CASES_HEADER + "c1,公安局,A1,,窗口,2024-04-01 09:00:00,2024-04-01 09:10:00\n")
    _write(folder / "cases" / "2024-05.csv", CASES_HEADER + "c2,税务局,XK01,,窗口,2024/05/06 09:00,\n", "gbk")
    book = Workbook()
    book.active.append(CASES_HEADER.strip().split(","))
    book.active.append(["c3", "公安局", "A1", None, "掌上办", "2024年6月3日 09:12", "2024年6月3日 09:20"])
    book.save(folder / "cases" / "2024-06.xlsx")
    (folder / "cases" / "~$2024-06.xlsx").write_bytes(b"lock file of an open workbook")
    assert [p.name for p in source_files(folder, "cases")] == ["2024-04.csv", "2024-05.csv", "2024-06.xlsx"]
    tables, report = validate_district(folder.parent, "d1")
    assert report.ok, report.to_text()
    assert tables.cases["case_id"].tolist() == ["c1", "c2", "c3"]
    assert tables.cases["received_at"].tolist() == [pd.Timestamp("2024-04-01 09:00"), pd.Timestamp("2024-05-06 09:00"),
                                                     pd.Timestamp("2024-06-03 09:12")]


def test_full_width_characters_and_stray_spaces(tmp_path: Path):
    """Full-width digits, letters and brackets, ideographic and trailing spaces: normalized (NFKC, stripped)."""
    folder = _district(tmp_path)
    _write(folder / "cases.csv", "办件编号 , 受理单位,事项编码,乡镇（街道）,申办渠道,受理时间,办结时间\n"
           "ｃ１,　公安局　,Ａ1,,窗口 ,２０２４-０６-０３ ０９:１２,\n ｃ２ ,税务局 ,ＸＫ０１,,全程网办,2024-06-04,\n")
    raw = read_source(folder / "cases.csv", "cases")
    assert raw.frame.loc[2].to_dict() == {"case_id": "c1", "department": "公安局", "item_code": "A1", "township": "",
                                          "channel": "窗口", "received_at": "2024-06-03 09:12", "completed_at": ""}
    tables, report = validate_district(folder.parent, "d1")
    assert report.ok, report.to_text()
    assert tables.cases["item_code"].tolist() == ["A1", "XK01"]


@pytest.mark.parametrize(("text", "expected"), [
    ("2023年10月8日", "2023-10-08 00:00"),
    ("2023年10月8日 09:12", "2023-10-08 09:12"),
    ("2023/10/08 09:12", "2023-10-08 09:12"),
    ("2023/10/8", "2023-10-08 00:00"),
    ("2023-10-08 09:12:30", "2023-10-08 09:12:30"),
    ("2023-10-08T09:12:30", "2023-10-08 09:12:30"),
    ("2023-10-08 09:12:30.5", "2023-10-08 09:12:30.5"),
    ("20231008", "2023-10-08 00:00"),
])
def test_dates_in_the_usual_export_forms(tmp_path: Path, text: str, expected: str):
    """Each usual date form, mixed within one file, becomes the same timestamp."""
    folder = _district(tmp_path)
    _write(folder / "cases.csv", CASES_HEADER + f"c1,公安局,A1,,窗口,{text},\nc2,公安局,A1,,窗口,2023-10-08 09:12:00,\n")
    tables, report = validate_district(folder.parent, "d1")
    assert report.ok, report.to_text()
    assert tables.cases.loc[0, "received_at"] == pd.Timestamp(expected)


def test_rating_words_and_numbers(tmp_path: Path):
    """Ratings as the platform's words or as 1-5 become the numbers 5..1."""
    folder = _district(tmp_path)
    words = ["非常满意", "满意", "基本满意", "不满意", "非常不满意", "5", "１"]
    rows = "".join(f"e{i},公安局,线上,{w},2024-06-03 10:00,\n" for i, w in enumerate(words))
    _write(folder / "evaluations.csv", "评价编号,被评价单位,评价渠道,评价等级,评价时间,整改时间\n" + rows, "gb18030")
    tables, report = validate_district(folder.parent, "d1")
    assert report.ok, report.to_text()
    assert tables.evaluations["rating"].tolist() == [5, 4, 3, 2, 1, 5, 1]


def test_unknown_columns_are_ignored_and_named(tmp_path: Path):
    """Extra columns do not reach the frame; they are listed as ignored (a warning in the report)."""
    folder = _district(tmp_path)
    _write(folder / "cases.csv", "序号,办件编号,受理单位,事项编码,申请人,申办渠道,受理时间,办结时间\n"
           "1,c1,公安局,A1,张三,窗口,2024-06-03,\n")
    raw = read_source(folder / "cases.csv", "cases")
    assert "申请人" in raw.ignored and "序号" in raw.ignored
    assert set(raw.frame.columns) == {"case_id", "department", "item_code", "channel", "received_at", "completed_at"}
    _, report = validate_district(folder.parent, "d1")
    assert report.ok
    assert any(p.level == "warning" and "申请人" in p.column and p.row == 1 for p in report.problems)


def test_blank_lines_and_line_breaks_in_cells_keep_excel_rows(tmp_path: Path):
    """A blank line and a quoted cell with a line break: later records keep the row numbers Excel shows."""
    path = _write(tmp_path / "inspections.csv", "日期,单位,类别,问题描述,扣分\n"
                  "2024-06-03,公安局,着装,未着工装,1\n\n2024-06-04,税务局,到岗,\"迟到\n10分钟\",2\n")
    raw = read_source(path, "inspections")
    assert list(raw.frame.index) == [2, 4]
    assert raw.frame.loc[4, "finding"] == "迟到\n10分钟"


def test_parquet_source(tmp_path: Path):
    """A .parquet export is read like the others (typed columns become text first)."""
    path = tmp_path / "departments.parquet"
    pd.DataFrame({"单位名称": ["公安局", "税务局"], "窗口数": [3, 4]}).to_parquet(path)
    raw = read_source(path, "departments")
    assert raw.frame.to_dict(orient="list") == {"department": ["公安局", "税务局"], "windows": ["3", "4"]}


def test_title_cell_with_a_line_break_counts_as_one_excel_row(tmp_path: Path):
    """A quoted title spanning two lines is one Excel row: the header is row 3, the first record row 4."""
    path = _write(tmp_path / "cases.csv", "\"云河区办件明细\n(2024年6月)\",,,,,,\n" + CASES_HEADER
                  + "c1,公安局,A1,,窗口,2024-06-03,\n")
    raw = read_source(path, "cases")
    assert list(raw.frame.index) == [3] and raw.header_row == 2
    assert raw.frame.loc[3, "case_id"] == "c1"


def test_row_with_extra_fields_names_its_excel_row(tmp_path: Path):
    """An unquoted comma inside a cell: a Chinese message naming the Excel row, not a parser traceback."""
    folder = _district(tmp_path)
    bad = _write(folder / "cases.csv", "办件明细,,,,,,\n" + CASES_HEADER + "c1,公安局,A1,,窗口,2024-06-03,\n"
                 "c2,公安局,A1,,窗口,2024-06-03,,备注,有逗号\n")
    _, report = validate_district(folder.parent, "d1")
    problem = next(p for p in report.errors if p.file == str(bad))
    assert problem.row == 4 and "表头只有7列" in problem.rule


def test_damaged_xlsx_is_a_clear_problem(tmp_path: Path):
    """A file named .xlsx that is not a workbook: a Chinese message on that file, not a traceback."""
    folder = _district(tmp_path)
    bad = folder / "cases.xlsx"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    _, report = validate_district(folder.parent, "d1")
    assert [(p.file, p.rule[:11]) for p in report.errors] == [(str(bad), "无法读取Excel文件")]

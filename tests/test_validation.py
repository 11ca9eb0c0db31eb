"""Reading exports and validating them: each quirk of real files, and each rule's Chinese message."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook

from bulletin.errors import DataError
from bulletin.io import read_source
from bulletin.store import STORE_DIR, load_tables
from bulletin.validation import validate_district

DEPARTMENTS = "单位名称,是否进驻\n公安局,是\n税务局,是\n档案馆,否\n"
ITEMS = "事项编码,事项名称,实施单位,办件类型,法定时限,承诺时限\nA1,户籍证明,公安局,即办件,0,0\nA2,税务登记,税务局,承诺件,20,5\n"
CASES_HEADER = "办件编号,受理单位,事项编码,乡镇街道,申办渠道,受理时间,办结时间\n"


def _write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))
    return path


@pytest.fixture
def district(tmp_path: Path) -> Path:
    """A valid small district: departments, items and two monthly case files."""
    folder = tmp_path / "data" / "d1"
    _write(folder / "departments.csv", DEPARTMENTS, "utf-8-sig")
    _write(folder / "items.csv", ITEMS)
    _write(folder / "cases" / "2024-05.csv", CASES_HEADER + "c1,公安局,A1,,窗口,2024-05-06 09:00:00,2024-05-06 09:30:00\n")
    _write(folder / "cases" / "2024-06.csv",
           CASES_HEADER + "c2,税务局,A2,,掌上办,2024/06/03 09:12,2024/06/05 16:00\nc3,税务局,A2,,窗口,2024/06/04 10:00,\n",
           "gb18030")
    return folder


def test_gbk_csv_with_title_row_and_total_row(tmp_path: Path):
    path = _write(tmp_path / "cases.csv", "云河区2024年6月办件明细表,,,,,,\n" + CASES_HEADER
                  + "c1,公安局,A1,,窗口,2024年6月3日 09:12,2024年6月3日\n合计,1,,,,,\n", "gbk")
    raw = read_source(path, "cases")
    assert list(raw.frame.index) == [3]  # title row 1, header row 2, first record on Excel row 3
    assert raw.frame.loc[3, "received_at"] == "2024年6月3日 09:12"
    assert raw.totals_dropped == 1


def test_english_headers_full_width_and_spaces_are_normalized(tmp_path: Path):
    path = _write(tmp_path / "departments.csv", "department , 窗口数\n  公安局　,１２\n")
    raw = read_source(path, "departments")
    assert raw.frame.loc[2].to_dict() == {"department": "公安局", "windows": "12"}


def test_xlsx_with_merged_title_and_unknown_columns(tmp_path: Path):
    book = Workbook()
    sheet = book.active
    sheet.append(["桐山县进驻单位名单"])
    sheet.merge_cells("A1:C1")
    sheet.append(["序号", "单位名称", "是否进驻"])
    sheet.append([1, "公安局", "是"])
    sheet.append([2, "档案馆", "否"])
    path = tmp_path / "departments.xlsx"
    book.save(path)
    raw = read_source(path, "departments")
    assert list(raw.frame.index) == [3, 4]
    assert list(raw.frame["department"]) == ["公安局", "档案馆"]
    assert raw.ignored == ["序号"]


def test_valid_district_types_columns(district: Path):
    tables, report = validate_district(district.parent, "d1")
    assert report.ok, report.to_text()
    cases = tables.cases
    assert list(cases["case_id"]) == ["c1", "c2", "c3"]
    assert cases["received_at"].dtype == "datetime64[ns]"
    assert cases.loc[1, "received_at"] == pd.Timestamp("2024-06-03 09:12")
    assert pd.isna(cases.loc[2, "completed_at"])
    assert cases["township"].isna().all()
    assert tables.departments["stationed"].tolist() == [True, True, False]
    assert tables.items["legal_days"].dtype == "Int64"
    assert tables.evaluations is None


@pytest.mark.parametrize(
    ("row", "column", "rule"),
    [
        ("c9,公安局,A1,,窗口,2024-06-40,", "受理时间", "日期无法识别"),
        ("c9,民政局,A1,,窗口,2024-06-03,", "受理单位", "不在单位名单"),
        ("c9,公安局,Z9,,窗口,2024-06-03,", "事项编码", "不在事项目录"),
        ("c9,公安局,A1,,飞鸽传书,2024-06-03,", "申办渠道", "取值应为"),
        ("c9,公安局,A1,,窗口,2024-06-03 10:00,2024-06-02", "办结时间", "办结时间早于受理时间"),
        ("c2,公安局,A1,,窗口,2024-06-03,", "办件编号", "不能重复"),
        (",公安局,A1,,窗口,2024-06-03,", "办件编号", "不能为空"),
    ],
)
def test_each_rule_names_file_row_and_column(district: Path, row: str, column: str, rule: str):
    bad = _write(district / "cases" / "2024-07.csv", CASES_HEADER + "c8,公安局,A1,,窗口,2024-07-01,\n" + row + "\n")
    _, report = validate_district(district.parent, "d1")
    assert not report.ok
    text = report.to_text()
    line = next(line for line in text.splitlines() if "第3行" in line and str(bad) in line and column in line)
    assert rule in line


def test_all_problems_of_a_table_are_reported_at_once(district: Path):
    _write(district / "cases" / "2024-07.csv",
           CASES_HEADER + "c8,民政局,A1,,窗口,2024-07-01,\nc9,公安局,A1,,飞鸽,2024-07-01,\nc10,公安局,A1,,窗口,明天,\n")
    _, report = validate_district(district.parent, "d1")
    assert sorted(p.row for p in report.errors) == [2, 3, 4]


def test_missing_required_column_names_it(district: Path):
    _write(district / "cases" / "2024-07.csv", "办件编号,受理单位,事项编码,申办渠道,办结时间\nc8,公安局,A1,窗口,\n")
    _, report = validate_district(district.parent, "d1")
    assert any("受理时间" in p.column and p.rule == "缺少必需的列" for p in report.errors)


@pytest.mark.parametrize(("content", "rule"), [(b"", "文件为空"), (b"\x00\x01\x02binary", "不是文本格式"),
                                                (b"a,b\n1,2\n", "找不到表头行")])
def test_unreadable_files_are_reported(district: Path, content: bytes, rule: str):
    (district / "cases" / "2024-07.csv").write_bytes(content)
    _, report = validate_district(district.parent, "d1")
    assert any(rule in p.rule and p.file.endswith("2024-07.csv") for p in report.errors)


def test_ratings_as_labels_and_numbers(district: Path):
    _write(district / "evaluations.csv", "评价编号,被评价单位,评价渠道,评价等级,评价时间,整改时间\n"
           "e1,公安局,线上,非常满意,2024-06-03,\ne2,公安局,线下,2,2024-06-03,2024-06-05\ne3,税务局,线上,不满意,2024-06-04,\n")
    tables, report = validate_district(district.parent, "d1")
    assert report.ok, report.to_text()
    assert tables.evaluations["rating"].tolist() == [5, 2, 2]


def test_rating_out_of_range_is_an_error(district: Path):
    _write(district / "evaluations.csv", "评价编号,被评价单位,评价渠道,评价等级,评价时间\ne1,公安局,线上,6,2024-06-03\n"
           "e2,公安局,线上,很好,2024-06-03\n")
    _, report = validate_district(district.parent, "d1")
    assert {(p.row, p.column) for p in report.errors} == {(2, "评价等级"), (3, "评价等级")}


def test_store_caches_and_revalidates_when_a_file_changes(district: Path):
    data_dir = district.parent
    first = load_tables(data_dir, "d1")
    assert len(list((data_dir / STORE_DIR / "d1").iterdir())) == 1
    again = load_tables(data_dir, "d1")
    pd.testing.assert_frame_equal(first.cases, again.cases)
    _write(district / "cases" / "2024-07.csv", CASES_HEADER + "c9,民政局,A1,,窗口,2024-07-01,\n")
    with pytest.raises(DataError) as err:
        load_tables(data_dir, "d1")
    assert "2024-07.csv 第2行 列“受理单位”" in err.value.report.to_text()

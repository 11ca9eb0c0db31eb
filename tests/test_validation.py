"""Reading exports and validating them: each quirk of real files, and each rule's Chinese message."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook

from bulletin.errors import DataError
from bulletin.data.exports import read_source
from bulletin.data.store import STORE_DIR, load_tables
from bulletin.data.validation import validate_district
from bulletin.document.validation_page import report_page

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
    """A GBK CSV with a title row and a 合计 row reads with Excel row numbers and the total dropped."""
    path = _write(tmp_path / "cases.csv", "云河区2024年6月办件明细表,,,,,,\n" + CASES_HEADER
                  + "c1,公安局,A1,,窗口,2024年6月3日 09:12,2024年6月3日\n合计,1,,,,,\n", "gbk")
    raw = read_source(path, "cases")
    assert list(raw.frame.index) == [3]  # title row 1, header row 2, first record on Excel row 3
    assert raw.frame.loc[3, "received_at"] == "2024年6月3日 09:12"
    assert raw.totals_dropped == 1


def test_english_headers_full_width_and_spaces_are_normalized(tmp_path: Path):
    """English headers, full-width digits and stray spaces are normalized."""
    path = _write(tmp_path / "departments.csv", "department , 窗口数\n  公安局　,１２\n")
    raw = read_source(path, "departments")
    assert raw.frame.loc[2].to_dict() == {"department": "公安局", "windows": "12"}


def test_xlsx_with_merged_title_and_unknown_columns(tmp_path: Path):
    """An xlsx with a merged title row reads from its header row and names the unknown columns it ignores."""
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
    """A valid district comes out typed: datetimes, empty cells as missing, booleans and integers."""
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
    """Each broken rule is reported with its file, Excel row, column and rule."""
    bad = _write(district / "cases" / "2024-07.csv", CASES_HEADER + "c8,公安局,A1,,窗口,2024-07-01,\n" + row + "\n")
    _, report = validate_district(district.parent, "d1")
    assert not report.ok
    text = report.to_text()
    line = next(line for line in text.splitlines() if "第3行" in line and str(bad) in line and column in line)
    assert rule in line


def test_all_problems_of_a_table_are_reported_at_once(district: Path):
    """All problems of a table are reported at once, not the first only."""
    _write(district / "cases" / "2024-07.csv",
           CASES_HEADER + "c8,民政局,A1,,窗口,2024-07-01,\nc9,公安局,A1,,飞鸽,2024-07-01,\nc10,公安局,A1,,窗口,明天,\n")
    _, report = validate_district(district.parent, "d1")
    assert sorted(p.row for p in report.errors) == [2, 3, 4]


def test_missing_required_column_names_it(district: Path):
    """A missing required column is an error that names the column."""
    _write(district / "cases" / "2024-07.csv", "办件编号,受理单位,事项编码,申办渠道,办结时间\nc8,公安局,A1,窗口,\n")
    _, report = validate_district(district.parent, "d1")
    assert any("受理时间" in p.column and p.rule == "缺少必需的列" for p in report.errors)


@pytest.mark.parametrize(("content", "rule"), [(b"", "文件为空"), (b"\x00\x01\x02binary", "不是文本格式"),
                                                (b"a,b\n1,2\n", "找不到表头行")])
def test_unreadable_files_are_reported(district: Path, content: bytes, rule: str):
    """An unreadable export file is an error naming the file, not a crash."""
    (district / "cases" / "2024-07.csv").write_bytes(content)
    _, report = validate_district(district.parent, "d1")
    assert any(rule in p.rule and p.file.endswith("2024-07.csv") for p in report.errors)


def test_ratings_as_labels_and_numbers(district: Path):
    """Ratings given as words or numbers both come out as the numbers 1-5."""
    _write(district / "evaluations.csv", "评价编号,被评价单位,评价渠道,评价等级,评价时间,整改时间\n"
           "e1,公安局,线上,非常满意,2024-06-03,\ne2,公安局,线下,2,2024-06-03,2024-06-05\ne3,税务局,线上,不满意,2024-06-04,\n")
    tables, report = validate_district(district.parent, "d1")
    assert report.ok, report.to_text()
    assert tables.evaluations["rating"].tolist() == [5, 2, 2]


def test_rating_out_of_range_is_an_error(district: Path):
    """A rating outside 1-5 or an unknown word is an error on its row and column."""
    _write(district / "evaluations.csv", "评价编号,被评价单位,评价渠道,评价等级,评价时间\ne1,公安局,线上,6,2024-06-03\n"
           "e2,公安局,线上,很好,2024-06-03\n")
    _, report = validate_district(district.parent, "d1")
    assert {(p.row, p.column) for p in report.errors} == {(2, "评价等级"), (3, "评价等级")}


def test_store_caches_and_revalidates_when_a_file_changes(district: Path):
    """The store reuses validated tables and validates again when an export changes."""
    data_dir = district.parent
    first = load_tables(data_dir, "d1")
    assert len(list((data_dir / STORE_DIR / "d1").iterdir())) == 1
    again = load_tables(data_dir, "d1")
    pd.testing.assert_frame_equal(first.cases, again.cases)
    _write(district / "cases" / "2024-07.csv", CASES_HEADER + "c9,民政局,A1,,窗口,2024-07-01,\n")
    with pytest.raises(DataError) as err:
        load_tables(data_dir, "d1")
    assert "2024-07.csv 第2行 列“受理单位”" in err.value.report.to_text()


ITEMS_HEADER = "事项编码,事项名称,实施单位,办件类型,法定时限,承诺时限,原环节数,办理环节数,新增日期,取消日期\n"
ITEMS_OK = "A1,户籍证明,公安局,即办件,0,0,,,,\nA2,税务登记,税务局,承诺件,20,5,,,,\n"
EVAL_HEADER = "评价编号,被评价单位,评价渠道,评价等级,评价时间,整改时间\n"
COMPLAINTS_HEADER = "投诉编号,来源,涉及单位,受理时间,办结时间,回访满意\n"


@pytest.mark.parametrize(
    ("name", "text", "row", "column", "rule"),
    [
        ("departments.csv", DEPARTMENTS + "公安局,是\n", 5, "单位名称", "不能重复"),
        ("departments.csv", DEPARTMENTS + "民政局,也许\n", 5, "是否进驻", "应为“是”或“否”"),
        ("departments.csv", "单位名称,窗口数\n公安局,2\n税务局,-1\n档案馆,1\n", 3, "窗口数", "应不小于0"),
        ("townships.csv", "乡镇街道,类型\n城关镇,镇\n东湖,村\n", 3, "类型", "取值应为"),
        ("items.csv", ITEMS_HEADER + ITEMS_OK + "A3,婚姻登记,公安局,承诺件,5,10,,,,\n", 4, "承诺时限", "承诺时限大于法定时限"),
        ("items.csv", ITEMS_HEADER + ITEMS_OK + "A3,婚姻登记,公安局,特急件,5,1,,,,\n", 4, "办件类型", "取值应为"),
        ("items.csv", ITEMS_HEADER + ITEMS_OK + "A3,婚姻登记,公安局,承诺件,3.5,1,,,,\n", 4, "法定时限", "应为整数"),
        ("items.csv", ITEMS_HEADER + ITEMS_OK + "A3,婚姻登记,民政局,承诺件,5,1,,,,\n", 4, "实施单位", "不在单位名单"),
        ("items.csv", ITEMS_HEADER + ITEMS_OK + "A3,婚姻登记,公安局,承诺件,5,1,2,3,,\n", 4, "办理环节数", "办理环节数大于原环节数"),
        ("items.csv", ITEMS_HEADER + ITEMS_OK + "A3,婚姻登记,公安局,承诺件,5,1,2,0,,\n", 4, "办理环节数", "应不小于1"),
        ("items.csv", ITEMS_HEADER + ITEMS_OK + "A3,婚姻登记,公安局,承诺件,5,1,,,2024-03-01,2024-02-01\n", 4, "取消日期",
         "取消日期早于新增日期"),
        ("items.csv", ITEMS_HEADER + ITEMS_OK + "A2,婚姻登记,公安局,承诺件,5,1,,,,\n", 4, "事项编码", "不能重复"),
        ("evaluations.csv", EVAL_HEADER + "e1,公安局,线上,4,2024-06-03,2024-06-05\n", 2, "整改时间", "整改时间只适用于差评"),
        ("evaluations.csv", EVAL_HEADER + "e1,公安局,电话,4,2024-06-03,\n", 2, "评价渠道", "取值应为"),
        ("evaluations.csv", EVAL_HEADER + "e1,民政局,线上,4,2024-06-03,\n", 2, "被评价单位", "不在单位名单"),
        ("evaluations.csv", EVAL_HEADER + "e1,公安局,线上,4,,\n", 2, "评价时间", "不能为空"),
        ("evaluations.csv", EVAL_HEADER + "e1,公安局,线上,4,1989-12-31,\n", 2, "评价时间", "超出合理范围"),
        ("complaints.csv", COMPLAINTS_HEADER + "t1,12345热线,公安局,2024-06-03 10:00,2024-06-02,是\n", 2, "办结时间",
         "办结时间早于受理时间"),
        ("complaints.csv", COMPLAINTS_HEADER + "t1,12345热线,公安局,2024-06-03,,也许\n", 2, "回访满意", "应为“是”或“否”"),
        ("inspections.csv", "日期,单位,类别,问题描述,扣分\n2024-06-03,公安局,着装,未着工装,-1\n", 2, "扣分", "应不小于0"),
        ("inspections.csv", "日期,单位,类别,问题描述,扣分\n2024-06-03,公安局,着装,未着工装,一分\n", 2, "扣分", "应为数字"),
        ("assessment.csv", "单位,考核项目,得分,月份\n公安局,创新加分,2,2024-13\n", 2, "月份", "月份无法识别"),
        ("attendance.csv", "日期,姓名,单位,类型\n2024-06-03,李四,公安局,旷工\n", 2, "类型", "取值应为"),
        ("township_reports.csv", "乡镇街道,月份,报送事项,应报日期\n城关镇,2024-06,月报,2024-07-05\n云岭镇,2024-06,月报,2024-07-05\n",
         3, "乡镇街道", "不在乡镇街道"),
    ],
)
def test_each_table_rule_names_file_row_and_column(district: Path, name: str, text: str, row: int, column: str, rule: str):
    """A file breaking one rule: an error whose Chinese text names the file, the Excel row, the column and the rule."""
    if name == "township_reports.csv":
        _write(district / "townships.csv", "乡镇街道\n城关镇\n")
    bad = _write(district / name, text, "gb18030" if "items" in name else "utf-8")
    _, report = validate_district(district.parent, "d1")
    assert not report.ok
    hits = [p for p in report.errors if p.file == str(bad) and p.row == row and column in (p.column or "")]
    assert hits, report.to_text()
    assert any(rule in p.rule for p in hits)
    line = next(line for line in report.to_text().splitlines() if str(bad) in line and f"第{row}行" in line and column in line)
    assert rule in line


def test_case_township_must_be_known_when_townships_exist(district: Path):
    """With a townships table, a case naming another township is an error on that row."""
    _write(district / "townships.csv", "乡镇街道\n城关镇\n")
    bad = _write(district / "cases" / "2024-07.csv", CASES_HEADER + "c8,公安局,A1,城关镇,窗口,2024-07-01,\n"
                 "c9,公安局,A1,云岭镇,窗口,2024-07-01,\n")
    _, report = validate_district(district.parent, "d1")
    assert [(p.file, p.row, p.column) for p in report.errors] == [(str(bad), 3, "乡镇街道")]


def test_warnings_are_separate_from_errors_and_do_not_fail(district: Path):
    """合计 rows, unknown columns, evaluations of unknown cases and duplicate rows are warnings; the data passes."""
    _write(district / "cases" / "2024-07.csv", "序号," + CASES_HEADER + "1,c8,公安局,A1,,窗口,2024-07-01,\n合计,1,,,,,,\n")
    _write(district / "evaluations.csv", "评价编号,办件编号,被评价单位,评价渠道,评价等级,评价时间\n"
           "e1,c8,公安局,线上,5,2024-07-01\ne2,c404,公安局,线上,5,2024-07-01\n")
    _write(district / "inspections.csv", "日期,单位,类别,问题描述,扣分\n2024-06-03,公安局,着装,未着工装,1\n"
           "2024-06-03,公安局,着装,未着工装,1\n")
    tables, report = validate_district(district.parent, "d1")
    assert report.ok and tables is not None
    rules = {(p.table, p.row): p.rule for p in report.warnings}
    assert "合计" in rules[("cases", None)] and "已忽略" in rules[("cases", 1)]
    assert "办件编号不在办件表中" in rules[("evaluations", 3)]
    assert "与第2行完全相同" in rules[("inspections", 3)]
    assert report.counts()["cases"] == (4, 0, 2)
    assert "错误0处,警告4处" in report.summary()


def test_completed_before_received_stays_an_error(district: Path):
    """办结时间早于受理时间 is an error (SPEC rule), not a warning: the district does not pass."""
    _write(district / "cases" / "2024-07.csv", CASES_HEADER + "c8,公安局,A1,,窗口,2024-07-02 10:00,2024-07-01 09:00\n")
    _, report = validate_district(district.parent, "d1")
    assert [(p.level, p.row, p.column) for p in report.problems if "早于" in p.rule] == [("error", 2, "办结时间")]


def test_a_warning_repeated_in_many_files_is_summarized(district: Path):
    """A 合计 row in each of eight monthly files: five files are listed, the other three counted in one line."""
    for month in range(1, 9):
        _write(district / "cases" / f"2023-{month:02d}.csv",
               CASES_HEADER + f"x{month},公安局,A1,,窗口,2023-{month:02d}-03 09:00:00,2023-{month:02d}-03 10:00:00\n合计,1,,,,,\n")
    _, report = validate_district(district.parent, district.name)
    text = report.to_text()
    assert report.ok and len([w for w in report.warnings if "合计" in w.rule]) == 8
    assert sum(".csv" in line and "2023-0" in line and "另见" not in line for line in text.splitlines()) == 5
    assert "……同一问题另见3个文件共3处(2023-06.csv、2023-07.csv、2023-08.csv)" in text


# --- values that must not pass silently (issue 14)

COMPLAINTS_HEADER = "投诉编号,来源,涉及单位,类别,内容,受理时间,办结时间,回访满意\n"
SERVICES_HEADER = "日期,单位,服务类型,次数\n"


def _problems(district: Path, level: str = "error") -> list:
    _, report = validate_district(district.parent, district.name)
    return report.errors if level == "error" else report.warnings


@pytest.mark.parametrize("written", ["2024-06-31 09:00", "2024/02/30", "2024年6月31日", "20240631", "2023-02-29"])
def test_a_day_the_month_does_not_have_is_an_error_not_the_next_month(district: Path, written: str):
    """2024-06-31 is refused naming file, Excel row, column and rule; it never becomes 2024-07-01."""
    _write(district / "cases" / "2024-06.csv", CASES_HEADER + f"c9,公安局,A1,,窗口,{written},\n")
    errors = _problems(district)
    assert [(Path(p.file).name, p.row, p.column) for p in errors] == [("2024-06.csv", 2, "受理时间")]
    assert "日期不存在" in errors[0].rule and errors[0].value == written


@pytest.mark.parametrize("written", ["0,5", "1,2,3,4", "12,34", "1e400", "nan", "inf", "-inf", "1e30", "NaN"])
def test_ambiguous_non_finite_and_huge_numbers_are_errors(district: Path, written: str):
    """"0,5" is not 5, "1,2,3,4" not 1234, 1e400/nan/inf/1e30 not numbers: each an error on its cell."""
    _write(district / "services.csv", SERVICES_HEADER + f'2024-06-03,公安局,延时服务,"{written}"\n')
    errors = _problems(district)
    assert [(Path(p.file).name, p.row, p.column) for p in errors] == [("services.csv", 2, "次数")]
    assert "逗号只能作千分位" in errors[0].rule


def test_thousands_separators_still_read(district: Path):
    """"1,234" and "12,345,678" are thousands-grouped counts and read as such."""
    _write(district / "services.csv", SERVICES_HEADER + '2024-06-03,公安局,延时服务,"1,234"\n2024-06-04,公安局,延时服务,"12,345,678"\n')
    tables, report = validate_district(district.parent, district.name)
    assert report.ok and tables.services["count"].tolist() == [1234, 12345678]


def test_control_characters_are_cleaned_with_a_warning(district: Path):
    """NUL/ESC in a cell: a warning with the cleaned value, and no control character left in the tables or report."""
    _write(district / "complaints.csv", COMPLAINTS_HEADER
           + "K1,现场\x1b[31m,公安局,态度,排队\x00太久\x07,2024-06-03 09:00,,\n")
    tables, report = validate_district(district.parent, district.name)
    assert report.ok
    warned = [p for p in report.warnings if "控制字符" in p.rule]
    assert {(p.row, p.column, p.value) for p in warned} == {(2, "来源", "现场[31m"), (2, "内容", "(投诉内容,不在报告中显示)")}
    assert tables.complaints.loc[0, "source"] == "现场[31m" and tables.complaints.loc[0, "content"] == "排队太久"
    assert not any(ch in report.to_text() for ch in "\x00\x1b\x07")


def test_dates_later_than_the_export_are_warnings(district: Path):
    """A case received after its export file was saved is a warning naming the cell; the data still passes."""
    _write(district / "cases" / "2024-06.csv", CASES_HEADER + "c9,公安局,A1,,窗口,2099-06-03 09:00,\n")
    tables, report = validate_district(district.parent, district.name)
    later = [p for p in report.warnings if "晚于该导出文件的保存时间" in p.rule]
    assert report.ok and [(Path(p.file).name, p.row, p.column) for p in later] == [("2024-06.csv", 2, "受理时间")]


def test_a_month_without_rows_among_months_with_rows_is_a_warning(district: Path):
    """Cases in March and June but none in April and May: one warning naming both months; a header-only file
    is named too."""
    _write(district / "cases" / "2024-03.csv", CASES_HEADER + "c0,公安局,A1,,窗口,2024-03-04 09:00,2024-03-04 10:00\n")
    _write(district / "cases" / "2024-05.csv", CASES_HEADER)
    warnings = _problems(district, "warning")
    assert any("2024-04、2024-05没有任何数据行" in p.rule for p in warnings)
    assert any(Path(p.file).name == "2024-05.csv" and "没有数据行" in p.rule for p in warnings)


# --- every file accounted for, no link out of the data folder

FIXTURES = Path(__file__).parent / "fixtures"


def test_xls_exports_are_read(district: Path):
    """An .xls (Excel 97-2003) export is read like an .xlsx, not skipped; its phone and ID numbers are masked."""
    (district / "complaints.xls").write_bytes((FIXTURES / "complaints_2024-06.xls").read_bytes())
    tables, report = validate_district(district.parent, district.name)
    assert report.ok and report.rows["complaints"] == 2
    assert tables.complaints["content"].tolist() == ["市民来电 138****5555 反映排队久", "身份证110101********1234的群众"]


@pytest.mark.parametrize("name", ["notes.txt", "case.csv", "cases/2024-07.txt", "~$cases.xlsx"])
def test_a_file_no_table_reads_is_a_warning_naming_it(district: Path, name: str):
    """Stray files (a typo in a table name, .txt, an Excel lock file) are reported by name, not silently skipped."""
    _write(district / name, "x\n")
    _, report = validate_district(district.parent, district.name)
    assert report.ok
    assert [Path(p.file).name for p in report.warnings if p.table == "files"] == [Path(name).name]
    assert "【数据目录(files)】警告1处" in report.to_text() and Path(name).name in report.to_text()
    page = report_page(report, district.parent)
    assert "数据目录(files)" in page and Path(name).name.replace("~", "") in page


def test_a_month_file_linking_outside_the_data_folder_is_refused(district: Path, tmp_path: Path):
    """A symlinked month file whose target lies outside data/ is an error naming the link, and is not read."""
    outside = _write(tmp_path / "elsewhere" / "secret.csv", CASES_HEADER + "s1,公安局,A1,,窗口,2024-06-03 09:00,\n")
    (district / "cases" / "2024-07.csv").symlink_to(outside)
    tables, report = validate_district(district.parent, district.name)
    assert tables is None
    assert [(Path(p.file).name, p.rule) for p in report.errors] == [("2024-07.csv", "是指向数据目录之外的链接,已拒绝读取(请把文件本身复制到数据目录中)")]


def test_a_link_inside_the_data_folder_is_read(district: Path):
    """A symlink to another file inside data/ is fine: it is read like the file itself."""
    shared = _write(district.parent / "shared" / "departments.csv", DEPARTMENTS)
    (district / "departments.csv").unlink()
    (district / "departments.csv").symlink_to(shared)
    tables, report = validate_district(district.parent, district.name)
    assert report.ok and report.rows["departments"] == 3


def test_a_district_folder_linking_outside_is_refused(district: Path, tmp_path: Path):
    """data/<district> as a symlink to a folder outside data/: DataError naming it, nothing read."""
    (district.parent / "d2").symlink_to(district.rename(tmp_path / "outside_d1"))
    with pytest.raises(DataError, match="d2 是指向数据目录.*之外的链接,已拒绝读取"):
        validate_district(district.parent, "d2")


def test_a_file_name_with_control_characters_is_reported_cleaned(district: Path):
    """A stray file whose name carries ESC is named in the report without the ESC (the terminal is not steered)."""
    _write(district / "notes\x1b[2J.txt", "x\n")
    _, report = validate_district(district.parent, district.name)
    assert "notes[2J.txt" in report.to_text() and "\x1b" not in report.to_text()

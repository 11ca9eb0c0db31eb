"""The regional bulletin: pooled totals, ranks with ties, incomplete members named, hostile region files, the
same figures as each district's own bulletin, aggregates kept with the store, the CLI and Dask paths."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml
from conftest import ROOT, make_project

from bulletin.config import Grade, Scheme, ScoreItem, load_district
from bulletin.data.tables import Tables
from bulletin.errors import ConfigError
from bulletin.figures.aggregates import Aggregates, monthly_aggregates
from bulletin.figures.periods import parse_period
from bulletin.figures.regional import competition_ranks, regional_figures
from bulletin.figures.workdays import builtin_calendar
from bulletin.region import Region, load_region

T = pd.Timestamp
NAT = pd.NaT
JUNE = parse_period("2024-06")


# --- the worked example: three small districts, figures computed by hand ------------------------------

ITEMS = pd.DataFrame({"item_code": ["A", "B"], "item_type": ["即办件", "承诺件"],
                      "promised_days": [0, 5], "legal_days": [0, 10]})


def _cases(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["case_id", "item_code", "channel", "received_at", "completed_at"]).assign(
        department="局", township=None).astype({"received_at": "datetime64[ns]", "completed_at": "datetime64[ns]"})


def _evaluations(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["rating", "evaluated_at", "rectified_at"]).astype(
        {"evaluated_at": "datetime64[ns]", "rectified_at": "datetime64[ns]", "rating": "int64"})


def _complaints(rows: list[tuple]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["source", "received_at", "resolved_at", "callback_satisfied"])
    return frame.astype({"received_at": "datetime64[ns]", "resolved_at": "datetime64[ns]",
                         "callback_satisfied": "boolean"})


# 2024-06-03 is a Monday; 5 working days later is 06-11 (06-10 is 端午节). A May case received 05-06 is due 05-11
# (a 调休 Saturday), so it is overdue at the end of May and of June when still open.
TABLES = {
    "a": Tables(items=ITEMS, cases=_cases([
        ("a1", "A", "窗口", T("2024-06-03 09:00"), T("2024-06-03 10:00")),  # 即办件, same day
        ("a2", "B", "全程网办", T("2024-06-03 09:00"), T("2024-06-05 10:00")),  # early, on time
        ("a3", "B", "窗口", T("2024-06-03 09:00"), NAT),  # open, due 06-11: overdue at June's end
        ("a4", "B", "窗口", T("2024-05-06 09:00"), NAT),  # May, open, overdue at May's and June's end
    ]), evaluations=_evaluations([
        (5, T("2024-06-04"), NAT), (5, T("2024-06-05"), NAT), (2, T("2024-06-06"), T("2024-06-10")),
    ]), complaints=_complaints([
        ("12345热线", T("2024-06-03"), T("2024-06-04"), True), ("现场", T("2024-06-20"), NAT, None),
    ])),
    "b": Tables(items=ITEMS, cases=_cases([
        ("b1", "B", "窗口", T("2024-06-03 09:00"), T("2024-06-20 10:00")),  # late
        ("b2", "A", "掌上办", T("2024-06-04 09:00"), T("2024-06-04 09:30")),  # 即办件, same day
        ("b3", "A", "窗口", T("2024-06-04 09:00"), T("2024-06-05 09:30")),  # 即办件, next day
    ]), evaluations=_evaluations([
        (5, T("2024-06-04"), NAT), (4, T("2024-06-04"), NAT), (3, T("2024-06-05"), NAT), (1, T("2024-06-06"), NAT),
    ]), complaints=_complaints([("12345热线", T("2024-06-10"), T("2024-06-12"), False)])),
    "c": Tables(items=ITEMS, cases=_cases([  # no case in June; no complaints table at all
        ("c1", "B", "窗口", T("2024-05-06 09:00"), T("2024-05-07 09:00")),
    ]), evaluations=_evaluations([(4, T("2024-06-12"), NAT)])),
}
NAMES = {"a": "甲区", "b": "乙区", "c": "丙县"}
SCHEME = Scheme("worked", "县区考核办法", 100.0, (
    ScoreItem("overdue", "超期未办", "时效", "metric", metric="overdue_open", scale=((0.0, 0.0), (2.0, -2.0))),
), (Grade("好", 0.0),))


def _region(members=("a", "b", "c"), satisfaction="satisfied_rate") -> Region:
    return Region(id="city", name="示范市", districts=tuple(members), satisfaction=satisfaction, scoring="worked")


def _aggregates(members=("a", "b", "c")) -> dict[str, Aggregates]:
    calendar = builtin_calendar()
    return {d: Aggregates(d, **monthly_aggregates(TABLES[d], calendar)) for d in members}


@pytest.fixture(scope="module")
def worked() -> dict:
    return regional_figures(_region(), NAMES, _aggregates(), {}, SCHEME, JUNE, "monthly")


def test_totals_pool_the_members_rows(worked: dict):
    """Region totals are sums of the members' counts and ratios of those sums, never means of rates."""
    c = worked["cases"]
    assert (c["received"], c["completed"], c["overdue_open"]) == (6, 5, 2)
    assert c["completion_rate"] == pytest.approx(5 / 6)
    assert c["on_time_rate"] == pytest.approx(3 / 5)  # a1, a2 and b2; b1 is late, b3 (即办件) was due the same day
    assert (c["instant"], c["instant_same_day"], c["early"]) == (3, 2, 1)
    assert c["previous"]["received"] == 2 and c["previous"]["overdue_open"] == 1
    assert c["mom"] == pytest.approx((6 - 2) / 2)
    e = worked["evaluations"]
    assert (e["total"], e["bad"], e["rectified"]) == (8, 2, 1)
    assert e["good_rate"] == pytest.approx(6 / 8)
    assert e["satisfaction"] == pytest.approx(5 / 8)  # ratings 5 and 4 (the region's satisfied_rate) over all 8
    assert e["satisfaction"] != pytest.approx((2 / 3 + 2 / 4 + 1 / 1) / 3)  # not the mean of the members' rates
    p = worked["complaints"]
    assert (p["total"], p["resolved"]) == (3, 2) and p["by_source"] == {"12345热线": 2, "现场": 1}
    assert p["callback_satisfied_rate"] == pytest.approx(1 / 2)


def test_district_rows_by_hand(worked: dict):
    """Each district's row: its own counts and rates for the period, under the JSON keys of the issue."""
    a, b, c = (worked["districts"][d] for d in "abc")
    assert (a["name"], a["received"], a["completed"], a["overdue_open"]) == ("甲区", 3, 2, 2)
    assert a["completion_rate"] == pytest.approx(2 / 3) and a["on_time_rate"] == 1.0
    assert b["on_time_rate"] == pytest.approx(1 / 3) and b["completion_rate"] == 1.0
    assert a["satisfaction"] == pytest.approx(2 / 3) and b["satisfaction"] == pytest.approx(2 / 4)
    assert a["rectified_rate"] == 1.0 and b["rectified_rate"] == 0.0
    assert a["complaints"] == 2 and a["complaints_resolved_rate"] == pytest.approx(1 / 2)
    keys = {"name", "received", "completed", "completion_rate", "on_time_rate", "overdue_open", "evaluations",
            "good_rate", "satisfaction", "rectified_rate", "complaints", "complaints_resolved_rate", "score", "rank",
            "previous_rank"}
    assert keys <= set(a)


def test_a_district_with_no_cases_in_the_period_is_unranked_not_zero(worked: dict):
    """丙县 received nothing in June: 0 received, rates undefined (None) and no rank on them."""
    c = worked["districts"]["c"]
    assert c["received"] == 0 and c["completed"] == 0
    assert c["completion_rate"] is None and c["ranks"]["completion_rate"] is None
    assert worked["districts"]["b"]["ranks"]["completion_rate"] == 1 and worked["districts"]["a"]["ranks"]["completion_rate"] == 2


def test_ties_share_a_rank_and_previous_rank_is_kept(worked: dict):
    """Fewer overdue ranks first; 乙区 and 丙县 both have none and share rank 1, 甲区 is 3rd (1, 1, 3); same for scores."""
    ranks = {d: worked["districts"][d]["ranks"]["overdue_open"] for d in "abc"}
    assert ranks == {"a": 3, "b": 1, "c": 1}
    assert {d: worked["districts"][d]["score"] for d in "abc"} == {"a": 98.0, "b": 100.0, "c": 100.0}
    assert {d: worked["districts"][d]["rank"] for d in "abc"} == {"a": 3, "b": 1, "c": 1}
    assert {d: worked["districts"][d]["previous_rank"] for d in "abc"} == {"a": 3, "b": 1, "c": 1}  # May: a4 overdue
    assert worked["ranking"][-1] == "a"


def test_competition_ranking_as_shown():
    """Values equal as shown (two decimals of a percent) share a rank and the next rank is skipped (1, 2, 2, 4)."""
    ranks = competition_ranks({"w": 0.99, "x": 0.951, "y": 0.95096, "z": 0.9, "n": None}, True, 4)
    assert ranks == {"w": 1, "x": 2, "y": 2, "z": 4, "n": None}


def test_missing_table_is_named_and_no_one_is_called_advanced(worked: dict):
    """丙县 has no complaints table: its complaint figures are None, the page names it, and no 先进/后进 are named."""
    from bulletin.document.regional_narrative import coverage, named

    assert worked["missing_tables"] == {"c": ["complaints"]}
    assert worked["districts"]["c"]["complaints"] is None
    assert worked["named"]["advanced"] == [] and "不完整" in worked["named"]["reason"]
    assert any("丙县未报送投诉数据表" in b.text for b in coverage(worked))
    assert named(worked, "本月")[0].text == worked["named"]["reason"]


def test_advanced_and_lagging_only_when_scores_set_them_apart():
    """With complete data, the top and bottom scores are named; when every score is equal, none is."""
    tables = {d: TABLES[d] for d in "ab"}
    tables["d"] = Tables(items=ITEMS, cases=TABLES["a"].cases.iloc[:2], evaluations=TABLES["b"].evaluations,
                         complaints=TABLES["b"].complaints)
    tables["c"] = Tables(items=ITEMS, cases=TABLES["c"].cases, evaluations=TABLES["c"].evaluations,
                         complaints=TABLES["b"].complaints)
    calendar = builtin_calendar()
    aggs = {d: Aggregates(d, **monthly_aggregates(t, calendar)) for d, t in tables.items()}
    names = {**NAMES, "d": "丁区"}
    f = regional_figures(_region(("a", "b", "c", "d")), names, aggs, {}, SCHEME, JUNE, "monthly")
    assert f["named"] == {"advanced": ["b", "c", "d"], "lagging": ["a"], "reason": None}
    equal = regional_figures(_region(("b", "c", "d")), names, {d: aggs[d] for d in "bcd"}, {}, SCHEME, JUNE, "monthly")
    assert equal["named"]["advanced"] == [] and "相同" in equal["named"]["reason"]


def test_a_failed_member_is_named_and_ranking_marked_incomplete():
    """A member without data is listed with its reason, left out of totals, and no 先进/后进 are named."""
    from bulletin.document.regional_narrative import coverage

    aggs = _aggregates(("a", "b"))
    f = regional_figures(_region(), NAMES, aggs, {"c": "数据校验发现2处错误"}, SCHEME, JUNE, "monthly")
    assert f["included"] == ["a", "b"] and f["failed"] == {"c": "数据校验发现2处错误"}
    assert f["districts"]["c"]["status"] == "failed" and f["districts"]["c"]["rank"] is None
    assert f["cases"]["received"] == 6 and f["named"]["advanced"] == []
    text = " ".join(b.text for b in coverage(f))
    assert "丙县" in text and "数据校验发现2处错误" in text and "不代表完整排名" in text


# --- region files ----------------------------------------------------------------------------------


@pytest.fixture()
def params(tmp_path: Path) -> Path:
    root = tmp_path / "params"
    (root / "districts").mkdir(parents=True)
    (root / "regions").mkdir()
    for d in ("yunhe", "tongshan"):
        (root / "districts" / f"{d}.yaml").write_text(f"name: {d}\n", encoding="utf-8")
    return root


def _write_region(params: Path, region: str, **settings) -> None:
    body = {"name": "示例市", "districts": ["yunhe", "tongshan"], **settings}
    (params / "regions" / f"{region}.yaml").write_text(yaml.safe_dump(body, allow_unicode=True), encoding="utf-8")


def test_region_file_loads(params: Path):
    """A region file gives its members, scope and one 满意度 definition; `all` means every district file."""
    _write_region(params, "city", satisfaction="mean_rating", scope="全市", kinds=["monthly"])
    region = load_region(params, "city")
    assert region.districts == ("yunhe", "tongshan") and region.satisfaction == "mean_rating"
    _write_region(params, "all-of-them", districts="all")
    assert load_region(params, "all-of-them").districts == ("tongshan", "yunhe")


@pytest.mark.parametrize("districts, message", [
    (["yunhe", "nowhere"], "“nowhere”不是已知区县"),
    (["yunhe", "city"], "不能包含地区自身"),
    (["../x"], "“../x”无效"),
    ([], "districts 不能为空"),
    (None, "districts 不能为空"),
    (["yunhe", "yunhe"], "重复"),
    (["regions"], "保留字"),
    ("yunhe", "应为列表"),
])
def test_hostile_region_files_are_refused(params: Path, districts, message: str):
    """Unknown members, the region itself, path tricks, empty or repeated lists: a Chinese message naming the file."""
    _write_region(params, "city", districts=districts)
    with pytest.raises(ConfigError, match=message) as caught:
        load_region(params, "city")
    assert "city.yaml" in str(caught.value)


def test_region_id_is_checked_and_regions_is_no_district_id(params: Path):
    """A region id like ../x is refused before any file is read; `regions` (their output folder) is no district id."""
    from bulletin.errors import ParamError

    with pytest.raises(ParamError, match="无效"):
        load_region(params, "../x")
    (params / "districts" / "regions.yaml").write_text("name: 假区\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="保留字"):
        load_district(params, "regions")


# --- over the demo: same figures as each district's own bulletin, aggregates kept, failing member ------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    """The three demo districts, small, over the months the 2024 bulletins read, and the demo region."""
    return make_project(tmp_path_factory.mktemp("region"), ["yunhe", "tongshan", "lanxi"], "2023-01", "2024-12", 0.01)


SAME_DEFINITION = {  # regional row key -> (section, key) of the district bulletin's JSON
    "received": ("cases", "received"), "completed": ("cases", "completed"),
    "completion_rate": ("cases", "completion_rate"), "instant": ("cases", "instant"), "early": ("cases", "early"),
    "instant_same_day_rate": ("cases", "instant_same_day_rate"), "on_time_rate": ("cases", "on_time_rate"),
    "overdue_open": ("cases", "overdue_open"), "evaluations": ("evaluations", "total"), "bad": ("evaluations", "bad"),
    "good_rate": ("evaluations", "good_rate"), "rectified_rate": ("evaluations", "rectified_rate"),
    "complaints": ("complaints", "total"), "complaints_resolved_rate": ("complaints", "resolved_rate"),
}


@pytest.mark.parametrize("period, kind", [("2024-06", "monthly"), ("2024-Q4", "quarterly"),
                                          ("2024-H1", "half_year"), ("2024-01..2024-11", "annual")])
def test_rows_equal_each_districts_own_bulletin(demo: Path, period: str, kind: str):
    """Wherever the definition is the same, a district's row is the figure of its own bulletin for the period; 满意度
    equals it only for the district whose own definition is the region's (the others use the region's)."""
    from bulletin.document.builder import open_bulletin
    from bulletin.document.regional import open_region

    params = demo / "params"
    regional = open_region("shili", period, kind, demo / "data", params).figures
    assert regional["satisfaction_mode"] == "good_rate"
    for district in ("yunhe", "tongshan", "lanxi"):
        own = open_bulletin(district, period, kind, demo / "data", params).figures
        row = regional["districts"][district]
        for key, (section, name) in SAME_DEFINITION.items():
            expected = own[section][name]
            assert (row[key] is None) if expected is None else row[key] == pytest.approx(expected, rel=1e-12), \
                (district, key)
        if load_district(params, district).satisfaction == "good_rate":
            assert row["satisfaction"] == pytest.approx(own["evaluations"]["satisfaction"], rel=1e-12)
            assert row["satisfaction"] is not None
        else:
            assert row["satisfaction"] == pytest.approx(row["good_rate"], rel=1e-12)
    assert regional["cases"]["received"] == sum(regional["districts"][d]["received"] for d in regional["members"])


def test_aggregates_are_computed_once_and_kept_with_the_store(demo: Path, monkeypatch):
    """A second regional bulletin reads each member's aggregates from the store, never its case rows."""
    import bulletin.figures.aggregates as aggregates
    from bulletin.data.store import AGGREGATES_DIR, store_path
    from bulletin.document.regional import open_region

    open_region("shili", "2024-06", "monthly", demo / "data", demo / "params")
    assert (store_path(demo / "data", "yunhe") / AGGREGATES_DIR).is_dir()

    def refuse(*_):
        raise AssertionError("case rows read again")

    monkeypatch.setattr(aggregates, "read_store", refuse)
    monkeypatch.setattr(aggregates, "monthly_aggregates", refuse)
    assert open_region("shili", "2024-05", "monthly", demo / "data", demo / "params").figures["cases"]["received"] > 0


def test_member_failing_validation_is_named_with_its_reason(demo: Path, tmp_path: Path):
    """A member whose exports have errors is named in the figures with the reason; the others still pool."""
    from bulletin.document.regional import open_region

    root = tmp_path / "p"
    shutil.copytree(demo / "params", root / "params")
    for d in ("yunhe", "tongshan", "lanxi"):
        shutil.copytree(demo / "data" / d, root / "data" / d, ignore=shutil.ignore_patterns(".store"))
    shutil.copy(ROOT / "tests" / "bad_inputs" / "completed_before_received.csv",
                root / "data" / "tongshan" / "cases" / "2024-06-bad.csv")
    f = open_region("shili", "2024-06", "monthly", root / "data", root / "params").figures
    assert list(f["failed"]) == ["tongshan"] and "错误" in f["failed"]["tongshan"]
    assert f["districts"]["tongshan"]["status"] == "failed"
    assert f["named"]["advanced"] == [] and f["included"] == ["yunhe", "lanxi"]


def test_index_lists_regions_first_with_links_to_members(tmp_path: Path):
    """outputs/index.html shows the regional bulletins before the districts', each linking its members' bulletins."""
    from bulletin.run.index_page import render_index

    out = tmp_path / "outputs"
    region = out / "regions" / "shili" / "2024-06"
    region.mkdir(parents=True)
    (region / "monthly.json").write_text(json.dumps({"region_name": "示例市", "period_label": "2024年6月",
                                                     "members": ["yunhe"], "districts": {"yunhe": {"name": "云河区"}}}),
                                         encoding="utf-8")
    (region / "monthly.html").write_text("<html></html>", encoding="utf-8")
    member = out / "yunhe" / "2024-06"
    member.mkdir(parents=True)
    (member / "monthly.json").write_text(json.dumps({"district_name": "云河区", "period": "2024-06"}), encoding="utf-8")
    (member / "monthly.html").write_text("<html></html>", encoding="utf-8")
    page = render_index(out)
    assert page.index("示例市各县(市、区)") < page.index("云河区政务服务工作月通报")
    assert 'href="regions/shili/2024-06/monthly.html"' in page and 'href="yunhe/2024-06/monthly.html">云河区</a>' in page


def test_regional_notebook_stripped_and_paired():
    """notebooks/regional.ipynb is committed without outputs and in step with regional.py."""
    import jupytext
    import nbformat

    notebook = nbformat.read(ROOT / "notebooks" / "regional.ipynb", as_version=4)
    script = jupytext.read(ROOT / "notebooks" / "regional.py")
    code = [c.source.strip() for c in notebook.cells if c.cell_type == "code"]
    assert code == [c.source.strip() for c in script.cells if c.cell_type == "code"]
    assert all(c.outputs == [] and c.execution_count is None for c in notebook.cells if c.cell_type == "code")


# --- rendering through the runner and the CLI; aggregation on Dask ------------------------------------------------


@pytest.mark.slow
def test_cli_renders_the_regional_bulletin(demo: Path, tmp_path: Path):
    """`bulletin run --region shili --period 2024-06 --kind monthly` writes html/json/xlsx/ipynb under outputs/regions/."""
    from typer.testing import CliRunner

    from bulletin.cli import app
    from conftest import cli_args

    root = tmp_path / "p"
    shutil.copytree(demo / "params", root / "params")
    shutil.copytree(demo / "data", root / "data")
    result = CliRunner().invoke(app, cli_args(root, "run", "--region", "shili", "--period", "2024-06", "--kind",
                                              "monthly"))
    assert result.exit_code == 0, result.output
    folder = root / "outputs" / "regions" / "shili" / "2024-06"
    assert sorted(p.name for p in folder.iterdir()) == ["monthly.docx", "monthly.html", "monthly.ipynb", "monthly.json", "monthly.pdf", "monthly.xlsx"]
    figures = json.loads((folder / "monthly.json").read_text(encoding="utf-8"))
    assert set(figures["districts"]) == {"yunhe", "tongshan", "lanxi"} and figures["cases"]["received"] > 0
    html = (folder / "monthly.html").read_text(encoding="utf-8")
    assert "各县（市、区）排名" in html and "好评率口径" in html and "<script" not in html
    assert "regions/shili/2024-06/monthly.html" in (root / "outputs" / "index.html").read_text(encoding="utf-8")


@pytest.mark.slow
def test_dask_aggregation_gives_the_same_bytes_as_local(demo: Path, tmp_path: Path):
    """Aggregating the members on a Dask LocalCluster stores the same aggregates and renders the same bulletin bytes;
    a second batch with nothing changed skips the regional bulletin."""
    from distributed import LocalCluster

    from bulletin.data.store import AGGREGATES_DIR, store_path
    from bulletin.run.regional import render_regions

    roots = {}
    for name in ("local", "dask"):
        root = tmp_path / name
        shutil.copytree(demo / "params", root / "params")
        for d in ("yunhe", "tongshan", "lanxi"):
            shutil.copytree(demo / "data" / d, root / "data" / d, ignore=shutil.ignore_patterns(".store"))
        roots[name] = root
    kwargs = {"notebooks_dir": ROOT / "notebooks", "echo": lambda _: None}
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        root = roots["dask"]
        done = render_regions(("shili",), ("2024-06",), ("monthly",), data_dir=root / "data",
                              params_dir=root / "params", out_dir=root / "outputs", scheduler=cluster.scheduler_address,
                              **kwargs)
    assert [o.ok for o in done] == [True]
    root = roots["local"]
    render_regions(("shili",), ("2024-06",), ("monthly",), data_dir=root / "data", params_dir=root / "params",
                   out_dir=root / "outputs", **kwargs)

    def stored(root: Path) -> dict[str, bytes]:
        return {f"{d}/{p.name}": p.read_bytes() for d in ("yunhe", "tongshan", "lanxi")
                for p in sorted((store_path(root / "data", d) / AGGREGATES_DIR).rglob("*.parquet"))}

    assert stored(roots["dask"]) == stored(roots["local"]) and stored(roots["local"])
    for suffix in ("html", "json", "xlsx"):
        name = f"regions/shili/2024-06/monthly.{suffix}"
        assert (roots["dask"] / "outputs" / name).read_bytes() == (roots["local"] / "outputs" / name).read_bytes()
    said: list[str] = []  # nothing changed: the next batch skips the regional bulletin
    again = render_regions(("shili",), ("2024-06",), ("monthly",), data_dir=root / "data", params_dir=root / "params",
                           out_dir=root / "outputs", notebooks_dir=ROOT / "notebooks", echo=said.append)
    assert again == [] and any("跳过" in line for line in said)


def test_committed_region_file_is_what_the_demo_writes(demo: Path):
    """`bulletin demo` rewrites params/regions/shili.yaml; the committed file is exactly that, and it loads."""
    name = "regions/shili.yaml"
    assert (demo / "params" / name).read_bytes() == (ROOT / "params" / name).read_bytes()
    region = load_region(ROOT / "params", "shili")
    assert region.districts == ("yunhe", "tongshan", "lanxi") and region.demo
    assert yaml.safe_load((ROOT / "params" / "runs" / "demo.yaml").read_text(encoding="utf-8"))["regions"] == ["shili"]


@pytest.mark.parametrize("extra, message", [
    ([], "请指定 --district"),
    (["--district", "yunhe", "--region", "shili"], "请指定 --district"),
    (["--region", "../x"], "地区代码“../x”无效"),
    (["--region", "nowhere"], "找不到地区参数文件"),
])
def test_run_refuses_bad_region_arguments(tmp_path: Path, extra: list[str], message: str):
    """`bulletin run` with neither or both of --district/--region, or a hostile region id: a Chinese message, exit 1."""
    from typer.testing import CliRunner

    from bulletin.cli import app
    from conftest import cli_args

    (tmp_path / "params" / "regions").mkdir(parents=True)
    result = CliRunner().invoke(app, cli_args(tmp_path, "run", "--period", "2024-06", *extra))
    assert result.exit_code == 1 and message in result.output and "Traceback" not in result.output


def test_run_file_may_list_regions_only(tmp_path: Path):
    """A run file with `regions:` and no `districts:` loads; its regions are read apart."""
    from bulletin.config import load_run
    from bulletin.region import run_regions

    runfile = tmp_path / "province.yaml"
    runfile.write_text("regions: [shili]\nperiods: [2024-06]\nkinds: [monthly]\n", encoding="utf-8")
    spec = load_run(runfile, tmp_path)
    assert spec.districts == () and spec.periods == ("2024-06",) and run_regions(runfile) == ("shili",)
    runfile.write_text("periods: [2024-06]\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="districts 不能为空"):
        load_run(runfile, tmp_path)


@pytest.mark.parametrize("period, kind, base, header", [
    ("2024-H1", "half_year", "2023-H1", "上年同期排名(2023年上半年)"),
    ("2024-Q4", "quarterly", "2024-Q3", "上期排名(2024年第三季度)"),
])
def test_previous_rank_is_the_rank_of_the_period_compared_with(demo: Path, period: str, kind: str, base: str,
                                                                header: str):
    """A half year's 上年同期排名 is each district's rank in the same half a year earlier (a quarter's, the previous
    quarter's), and the table and workbook say which."""
    import io

    from openpyxl import load_workbook

    from bulletin.document.regional import open_region, regional_workbook_bytes
    from bulletin.document.regional_narrative import ranking_table

    params = demo / "params"
    now = open_region("shili", period, kind, demo / "data", params).figures
    then = open_region("shili", base, kind, demo / "data", params).figures
    assert {d: r["previous_rank"] for d, r in now["districts"].items()} == \
        {d: r["rank"] for d, r in then["districts"].items()}
    assert None not in {r["previous_rank"] for r in now["districts"].values()}
    assert ranking_table(now)[0].header[-1] == header
    sheet = load_workbook(io.BytesIO(regional_workbook_bytes(now))).worksheets[0]
    assert header in [c.value for row in sheet.iter_rows(max_row=3) for c in row]

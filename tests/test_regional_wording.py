"""The regional bulletin's sentences come from wording templates (regional/<name>.j2) an analyst can override."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_regional import JUNE, NAMES, SCHEME, _aggregates, _region

from bulletin.document import regional_narrative as rn
from bulletin.document.wording import PACKAGE_DIR, Wording
from bulletin.figures.regional import regional_figures


@pytest.fixture(scope="module")
def failed() -> dict:
    return regional_figures(_region(), NAMES, _aggregates(("a", "b")), {"c": "数据校验发现2处错误"}, SCHEME, JUNE,
                            "monthly")


def test_attention_lists_come_with_the_figures(failed: dict):
    """The districts the text names (below the region's 办结率, overdue, unrectified, unresolved, failed) are ids in the JSON."""
    a = failed["attention"]
    assert a["below_completion"] == ["a"] and a["overdue"] == ["a"] and a["overdue_most_first"] == ["a"]
    assert a["unrectified"] == ["b"] and a["unresolved"] == ["a"] and a["failed"] == ["c"]
    assert a["points"] == ["below_completion", "overdue", "unrectified", "unresolved", "failed"]
    assert (failed["member_count"], failed["included_count"]) == (3, 2)
    assert failed["trend"]["from_label"] == "2023年7月" and failed["trend"]["to_label"] == "2024年6月"


def test_regional_sentences_read_as_before(failed: dict):
    """The templates write the sentences the f-strings wrote (worked example, one member failed)."""
    assert [b.text for b in rn.problems(failed)] == [
        "一是甲区办结率低于全市平均水平(83.33%);二是甲区存在超期未办件;三是乙区差评整改不到位;四是甲区投诉未全部办结;"
        "五是丙县数据未按要求报送或未通过校验。"]
    lead = rn.coverage(failed)
    assert [b.role for b in lead] == ["lead"] and lead[0].text == (
        "丙县本期数据缺失或未通过校验(数据校验发现2处错误),未纳入全市汇总和排名,以下数据和排名仅涉及其余2个县(市、区),不代表完整排名。")
    assert rn.overdue(failed)[0].text == "截至期末,甲区2件超期未办,请督促办结。"
    assert rn.intro(failed, "县区考核办法")[0].text == (
        "根据《县区考核办法》有关规定,依据政务服务平台数据,现将2024年6月示范市各县(市、区)(3个)政务服务工作情况通报如下:")
    assert [b.role for b in rn.overview(failed)][-1] == "note"


def test_every_regional_function_reads_a_packaged_template():
    """Each sentence function has its default template under templates/wording/regional/."""
    names = {"intro", "coverage", "overview", "overview_note", "ranking_intro", "named", "evaluations", "overdue",
             "complaints", "problems", "trend"}
    assert names <= {p.stem for p in (PACKAGE_DIR / "regional").glob("*.j2")}


def test_overrides_for_every_region_and_for_one_region(failed: dict, tmp_path: Path):
    """params/wording/regional/<name>.j2 rewords every region; params/wording/<region>/regional/<name>.j2 wins for one."""
    (tmp_path / "wording" / "regional").mkdir(parents=True)
    (tmp_path / "wording" / "regional" / "overdue.j2").write_text(
        "超期:{{ attention.overdue_most_first|names_of(districts) }}。", encoding="utf-8")
    assert rn.overdue(failed, wording=Wording(tmp_path, "city", "monthly"))[0].text == "超期:甲区。"
    (tmp_path / "wording" / "city" / "regional").mkdir(parents=True)
    (tmp_path / "wording" / "city" / "regional" / "overdue.j2").write_text("本市超期{{ cases.overdue_open }}件。",
                                                                           encoding="utf-8")
    assert rn.overdue(failed, wording=Wording(tmp_path, "city", "monthly"))[0].text == "本市超期2件。"
    assert rn.overdue(failed, wording=Wording(tmp_path, "other", "monthly"))[0].text == "超期:甲区。"


def test_a_bad_regional_override_names_its_file(failed: dict, tmp_path: Path):
    """An unknown name in a regional override is a Chinese message naming the file, not a traceback."""
    from bulletin.document.wording import WordingError

    (tmp_path / "wording" / "regional").mkdir(parents=True)
    (tmp_path / "wording" / "regional" / "named.j2").write_text("{{ no_such_figure }}", encoding="utf-8")
    with pytest.raises(WordingError, match=r"regional/named\.j2.*未知的名称:'no_such_figure'"):
        rn.named(failed, "本月", wording=Wording(tmp_path, "city", "monthly"))

"""Wording templates: the override chain, the sandbox, the Chinese errors and how text becomes paragraphs."""

from __future__ import annotations

from pathlib import Path

import pytest

from bulletin.document import narrative
from bulletin.document.markup import blocks_html
from bulletin.document.wording import (
    PACKAGE_DIR, Wording, WordingError, override_files, render_template, render_text, split_paragraphs,
)
from bulletin.errors import BulletinError

FIGURES = {
    "kind": "monthly", "period_label": "2024年6月", "district_name": "云河区", "as_of_label": "2024年6月",
    "compare": {"bases": ["previous", "year_ago"], "since": "previous"},
    "cases": {"received": 13724, "completed": 12629, "completion_rate": 0.9202127659574468, "yoy": 0.0672, "mom": None,
              "instant": 0, "instant_same_day": 0, "instant_same_day_rate": None, "early": 0,
              "on_time_rate": None, "overdue_open": 0, "same_change": False},
}


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_package_default_renders_a_sentence():
    """Without params the package's template writes the sentence from the figures."""
    text = render_template("overview", FIGURES, scope="全区")
    assert text.replace("\n", "") .startswith("2024年6月,全区政务服务共受理办件13724件,同比增加6.7%;办结12629件,办结率92.02%。")


def test_override_chain_most_specific_wins(tmp_path):
    """params/wording/<district>/<kind>/ beats <district>/, <kind>/, the params root and the package, in that order."""
    root = tmp_path / "params" / "wording"
    write(root / "intro.j2", "全部")
    assert Wording(tmp_path / "params", "yunhe", "monthly").render_template("intro", FIGURES) == "全部"
    write(root / "monthly" / "intro.j2", "月报")
    assert Wording(tmp_path / "params", "yunhe", "monthly").render_template("intro", FIGURES) == "月报"
    write(root / "yunhe" / "intro.j2", "云河")
    assert Wording(tmp_path / "params", "yunhe", "monthly").render_template("intro", FIGURES) == "云河"
    write(root / "yunhe" / "monthly" / "intro.j2", "云河月报{{ cases.received|count }}")
    assert Wording(tmp_path / "params", "yunhe", "monthly").render_template("intro", FIGURES) == "云河月报13724件"
    assert Wording(tmp_path / "params", "yunhe", "quarterly").render_template("intro", FIGURES) == "云河"
    assert Wording(tmp_path / "params", "lanxi", "monthly").render_template("intro", FIGURES) == "月报"


def test_override_for_one_district_changes_only_its_sentence(tmp_path):
    """A district's override changes that district's intro; another district still reads the package's."""
    write(tmp_path / "params" / "wording" / "yunhe" / "intro.j2", "本区{{ period_label }}情况如下:")
    f = dict(FIGURES)
    yunhe = narrative.intro(f, None, "中心", wording=Wording(tmp_path / "params", "yunhe", "monthly"))
    lanxi = narrative.intro(f, None, "中心", wording=Wording(tmp_path / "params", "lanxi", "monthly"))
    assert [p.text for p in yunhe] == ["本区2024年6月情况如下:"]
    assert lanxi == narrative.intro(f, None, "中心")


@pytest.mark.parametrize("source, problem", [
    ("{{ ''.__class__.__mro__ }}", "不允许"),
    ("{{ cases.__class__ }}", "不允许"),
    ("{% import 'intro.j2' as x %}", "import"),
    ("{% include '/etc/passwd' %}", "include"),
    ("{% extends 'intro.j2' %}", "extends"),
    ("{% from 'intro.j2' import x %}", "from"),
    ("{{ 'x' * 100000000 }}", "过长"),
    ("{{ 9 ** 999999 }}", "指数"),
    ("{{ cases.update({'received': 1}) }}", "不允许"),
])
def test_forbidden_constructs_refused_in_chinese(tmp_path, source, problem):
    """Attribute walks, import, include and extends are refused with a Chinese message naming the file and line."""
    path = write(tmp_path / "params" / "wording" / "intro.j2", "第一行\n" + source)
    with pytest.raises(WordingError, match=problem) as caught:
        Wording(tmp_path / "params", "yunhe", "monthly").render_template("intro", FIGURES)
    assert str(path) in str(caught.value) and "第2行" in str(caught.value)
    assert isinstance(caught.value, BulletinError)


def test_unknown_figure_is_named_with_its_line(tmp_path):
    """A template naming a figure the data does not have fails naming it, the file and the line."""
    write(tmp_path / "params" / "wording" / "intro.j2", "开头\n\n受理{{ cases.recieved|count }}")
    with pytest.raises(WordingError, match="recieved") as caught:
        Wording(tmp_path / "params", "yunhe", "monthly").render_template("intro", FIGURES)
    assert "intro.j2 第3行" in str(caught.value) and "未知的名称" in str(caught.value)


def test_syntax_error_names_file_and_line(tmp_path):
    """An unclosed tag is a Chinese syntax error with the file and line."""
    write(tmp_path / "params" / "wording" / "intro.j2", "a\n{% if cases %}\nb")
    with pytest.raises(WordingError, match="模板语法错误") as caught:
        Wording(tmp_path / "params", "yunhe", "monthly").render_template("intro", FIGURES)
    assert "intro.j2 第3行" in str(caught.value)


@pytest.mark.parametrize("name", ["/etc/passwd", "../districts/yunhe", "a/../../b", "..\\x"])
def test_names_outside_the_chain_refused(name):
    """The loader refuses absolute names and `..`: nothing outside the template folders is read."""
    with pytest.raises(WordingError, match="不允许"):
        Wording().render_template(name, FIGURES)


def test_markup_in_data_is_literal_text_once():
    """A data value like `<b>&` comes out as the literal text (escaped once by the renderer, never markup)."""
    f = dict(FIGURES, district_name="<b>&区")
    blocks = narrative.intro(f, "办法<i>", "中心")
    assert "<b>&区" in blocks[0].text and "《办法<i>》" in blocks[0].text
    html = blocks_html(blocks)
    assert "&lt;b&gt;&amp;区" in html and "<b>" not in html and "&amp;amp;" not in html


def test_render_text_for_notebook_cells():
    """A Markdown-cell text with placeholders renders to plain text; an error names the cell."""
    assert render_text("本月受理{{ cases.received|count }}", FIGURES, name="单元格3") == "本月受理13724件"
    with pytest.raises(WordingError, match="单元格3 第1行.*nothing"):
        render_text("{{ nothing }}", FIGURES, name="单元格3")


def test_no_globals_beyond_figures():
    """Templates see figures and filters only: range, lipsum, namespace and cycler are not there."""
    for source in ("{{ range(3) }}", "{{ lipsum() }}", "{% set ns = namespace(a=1) %}{{ ns.a }}"):
        with pytest.raises(WordingError):
            render_text(source, FIGURES)


def test_paragraph_rule():
    """A paragraph is a run of non-blank lines joined without spaces; a blank line starts the next."""
    assert split_paragraphs("一、\n  二。\n\n\n三。\n") == ["一、二。", "三。"]


def test_every_package_template_parses():
    """Every shipped template parses and uses no forbidden tag."""
    from bulletin.document.wording import _check_tags, _environment
    env = _environment(None)
    names = sorted(PACKAGE_DIR.glob("*.j2"))
    assert names
    for path in names:
        _check_tags(env, path.read_text(encoding="utf-8"), path.stem, str(path))


def test_override_files_for_the_batch(tmp_path):
    """The batch hashes the overrides that may apply to a district: its own, every kind's and the root's, not another district's."""
    root = tmp_path / "wording"
    mine = [write(root / "a.j2", ""), write(root / "monthly" / "b.j2", ""), write(root / "yunhe" / "monthly" / "c.j2", "")]
    write(root / "lanxi" / "d.j2", "")
    assert override_files(tmp_path, "yunhe") == sorted(mine)

"""Wording overrides through the public way in: `bulletin run` picks a district's override up, and a broken or
hostile template stops the bulletin with a Chinese message naming the file and line, writing nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from bulletin.cli import app
from conftest import make_project

DISTRICT, PERIOD = "tongshan", "2024-06"


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    return make_project(tmp_path_factory.mktemp("wording"), [DISTRICT], "2024-04", "2024-06", 0.02)


def _run(root: Path, out: Path):
    args = ["run", "--district", DISTRICT, "--period", PERIOD, "--kind", "monthly", "--data-dir", str(root / "data"),
            "--params-dir", str(root / "params"), "--out-dir", str(out)]
    return CliRunner().invoke(app, args)


@pytest.mark.slow
def test_district_override_changes_its_sentence_and_escapes_data(project: Path, tmp_path: Path):
    """An override in params/wording/<district>/<kind>/ is the sentence in the page, with figures filled in."""
    override = project / "params" / "wording" / DISTRICT / "monthly" / "intro.j2"
    override.parent.mkdir(parents=True, exist_ok=True)
    override.write_text("现将{{ period_label }}情况通报如下<b>&:受理{{ cases.received|count }}。\n", encoding="utf-8")
    try:
        result = _run(project, tmp_path / "out")
        assert result.exit_code == 0, result.output
        page = (tmp_path / "out" / DISTRICT / PERIOD / "monthly.html").read_text(encoding="utf-8")
        assert "现将2024年6月情况通报如下&lt;b&gt;&amp;：受理" in page and "<b>&" not in page
    finally:
        override.unlink()


@pytest.mark.slow
@pytest.mark.parametrize("source, problem", [
    ("开头\n{{ ''.__class__.__mro__ }}", "不允许"),
    ("开头\n{% include '/etc/passwd' %}", "include"),
    ("开头\n{{ cases.recieved }}", "recieved"),
])
def test_bad_template_refused_and_nothing_written(project: Path, tmp_path: Path, source: str, problem: str):
    """A hostile or mistaken override fails the run in Chinese, naming the template file and line 2; no file is written."""
    override = project / "params" / "wording" / "intro.j2"
    override.parent.mkdir(parents=True, exist_ok=True)
    override.write_text(source, encoding="utf-8")
    try:
        result = _run(project, tmp_path / "out")
        assert result.exit_code == 1, result.output
        assert problem in result.output and "intro.j2 第2行" in result.output and "Traceback" not in result.output
        assert not list((tmp_path / "out").rglob("monthly.*"))
    finally:
        override.unlink()

"""Hostile district ids, periods and kinds from the command line or a run file: a clear Chinese message and a
non-zero exit, no traceback, no code evaluated, nothing written anywhere."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bulletin.cli import app
from conftest import ROOT, cli_args

DISTRICT_MSG = r"区县代码“.*”无效"
PERIOD_MSG = r"统计期“.*”无效"
KIND_MSG = r"通报类型“.*”无效"
RUN_ARGS = [
    (["--district", "../../etc", "--period", "2024-06", "--kind", "monthly"], DISTRICT_MSG),
    (["--district", "/etc/passwd", "--period", "2024-06", "--kind", "monthly"], DISTRICT_MSG),
    (["--district", "..", "--period", "2024-06"], DISTRICT_MSG),
    (["--district", "yunhe/../../x", "--period", "2024-06"], DISTRICT_MSG),
    (["--district", "Yunhe", "--period", "2024-06"], DISTRICT_MSG),
    (["--district", "yunhe;rm -rf ~", "--period", "2024-06"], DISTRICT_MSG),
    (["--district", "__import__('os').system('touch PWNED')", "--period", "2024-06"], DISTRICT_MSG),
    (["--district", "", "--period", "2024-06"], DISTRICT_MSG),
    (["--district", "yunhe", "--period", "2023-13", "--kind", "monthly"], PERIOD_MSG),
    (["--district", "yunhe", "--period", "2023-00", "--kind", "monthly"], PERIOD_MSG),
    (["--district", "yunhe", "--period", "2023-Q5", "--kind", "quarterly"], PERIOD_MSG),
    (["--district", "yunhe", "--period", "2023-Q0", "--kind", "quarterly"], PERIOD_MSG),
    (["--district", "yunhe", "--period", "2023-H3", "--kind", "half_year"], PERIOD_MSG),
    (["--district", "yunhe", "--period", "2024-06..2024-01", "--kind", "annual"], PERIOD_MSG),
    (["--district", "yunhe", "--period", "../../etc", "--kind", "monthly"], PERIOD_MSG),
    (["--district", "yunhe", "--period", "/tmp/x", "--kind", "monthly"], PERIOD_MSG),
    (["--district", "yunhe", "--period", "9999-01", "--kind", "monthly"], PERIOD_MSG),
    (["--district", "yunhe", "--period", "2024-06\n__import__('os')", "--kind", "monthly"], PERIOD_MSG),
    (["--district", "yunhe", "--period", "2024-06", "--kind", "../x"], KIND_MSG),
    (["--district", "yunhe", "--period", "2024-06", "--kind", "/etc/passwd"], KIND_MSG),
    (["--district", "yunhe", "--period", "2024-06", "--kind", "monthly.ipynb"], KIND_MSG),
    (["--district", "yunhe", "--period", "2024-06", "--kind", "quarterly"], r"不适用于通报类型"),
    (["--district", "nosuch", "--period", "2024-06", "--kind", "monthly"], r"找不到区县参数文件"),
]
RUN_FILES = [
    ("districts: [../../etc]\nperiods: [2024-06]\n", DISTRICT_MSG),
    ("districts: [/etc/passwd]\nperiods: [2024-06]\n", DISTRICT_MSG),
    ("districts: [yunhe]\nperiods: [2023-13]\n", PERIOD_MSG),
    ("districts: [yunhe]\nperiods: [2023-Q5]\n", PERIOD_MSG),
    ("districts: [yunhe]\nperiods: [2023-H3]\n", PERIOD_MSG),
    ("districts: [yunhe]\nperiods: [2024-06]\nkinds: [../x]\n", KIND_MSG),
    ("districts: [yunhe]\nperiods: []\n", r"periods 不能为空"),
    ("districts: !!python/object/apply:os.system ['touch PWNED']\nperiods: [2024-06]\n", r"不允许的 YAML 标签"),
    ("!!python/object/new:os.system [touch PWNED]\n", r"不允许的 YAML 标签"),
    ("districts: [yunhe]\nperiods: [!!python/name:os.system '']\n", r"不允许的 YAML 标签"),
    ("[districts, yunhe]\n", r"键值映射"),
    ("districts: [yunhe\n", r"格式错误"),
]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """The repo's params (demo districts and scheme), with no data and no outputs."""
    root = tmp_path / "project"
    shutil.copytree(ROOT / "params", root / "params")
    return root


def _tree(root: Path) -> set[str]:
    return {p.relative_to(root.parent).as_posix() for p in root.parent.rglob("*")}


def _refused(project: Path, args: list[str], message: str) -> None:
    before = _tree(project)
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    assert re.search(message, result.output, re.S), result.output
    assert re.search(r"[\u4e00-\u9fff]", result.output)
    assert _tree(project) == before  # nothing written, in outputs or anywhere else
    assert not Path("PWNED").exists()


@pytest.mark.parametrize(("args", "message"), RUN_ARGS, ids=[" ".join(a[:4])[:40] for a, _ in RUN_ARGS])
def test_run_refuses_hostile_arguments(project: Path, args: list[str], message: str):
    """`bulletin run` validates district, period and kind before touching any file."""
    _refused(project, cli_args(project, "run", *args), message)


@pytest.mark.parametrize("district", ["../../etc", "/etc/passwd", ".."])
def test_validate_refuses_hostile_district(project: Path, district: str):
    """`bulletin validate` refuses a district id that is a path."""
    _refused(project, ["validate", "--district", district, "--data-dir", str(project / "data"),
                        "--out-dir", str(project / "outputs")], DISTRICT_MSG)


@pytest.mark.parametrize(("text", "message"), RUN_FILES, ids=[t.splitlines()[0][:40] for t, _ in RUN_FILES])
def test_batch_refuses_hostile_run_file(project: Path, text: str, message: str):
    """A run file naming paths, impossible periods or python tags is refused whole, before anything renders."""
    runfile = project / "params" / "runs" / "hostile.yaml"
    runfile.write_text(text, encoding="utf-8")
    _refused(project, cli_args(project, "batch", str(runfile)), message)


def test_parameters_reach_the_notebook_as_literals():
    """papermill writes parameters as Python literals: a hostile string stays a string, it is never code."""
    from papermill.translators import PythonTranslator

    hostile = "__import__('os').system('touch PWNED')\"; import os; os.system('x') #"
    source = PythonTranslator.codify({"district": hostile, "period": "2024-06"})
    namespace: dict = {}
    exec(compile(source, "<parameters>", "exec"), {"__builtins__": {}}, namespace)
    assert namespace["district"] == hostile


def test_run_warns_about_a_typo_key_with_the_closest_key(project: Path):
    """`bulletin run` prints a warning naming the file, line and the key a typo probably meant (then goes on)."""
    path = project / "params" / "districts" / "yunhe.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "satisfation: mean_rating\n", encoding="utf-8")
    result = CliRunner().invoke(app, cli_args(project, "run", "--district", "yunhe", "--period", "2024-06"))
    assert "警告" in result.output and "satisfation" in result.output and "是否应为 satisfaction" in result.output
    assert "Traceback" not in result.output


def test_run_without_kind_when_no_enabled_kind_fits(project: Path):
    """Without --kind, a period that no enabled kind is written for is a clear message, nothing rendered."""
    path = project / "params" / "districts" / "yunhe.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("- quarterly\n", "").replace("- half_year\n", "").replace("- annual\n", ""),
                    encoding="utf-8")
    _refused(project, cli_args(project, "run", "--district", "yunhe", "--period", "2024-Q2"), r"都不适用于统计期“2024-Q2”")


@pytest.mark.parametrize(("text", "message"), [("kinds: 5\n", r"第\d+行:kinds 应为列表"),
                                               ("name: [a, b]\n", r"第\d+行:name 应为文字")])
def test_run_refuses_wrong_types_in_the_district_file(project: Path, text: str, message: str):
    """`kinds: 5` or a list as `name` in the district file: a Chinese message naming file, line and key."""
    path = project / "params" / "districts" / "yunhe.yaml"
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")
    _refused(project, cli_args(project, "run", "--district", "yunhe", "--period", "2024-06"), message)


def test_batch_all_skips_a_stray_district_file(project: Path):
    """`districts: all` with a stray `c1 - 副本.yaml` warns and goes on with the valid districts."""
    from bulletin.config import load_run

    shutil.copy(project / "params" / "districts" / "yunhe.yaml", project / "params" / "districts" / "yunhe - 副本.yaml")
    runfile = project / "params" / "runs" / "all.yaml"
    runfile.write_text("districts: all\nperiods: [2024-06]\n", encoding="utf-8")
    spec = load_run(runfile, project / "params")
    assert "yunhe" in spec.districts and not any("副本" in d for d in spec.districts)
    assert any("yunhe - 副本" in w for w in spec.warnings)

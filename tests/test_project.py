"""`bulletin init`: a new office's own project from the files installed with the package; bad input refused whole."""

from pathlib import Path

import yaml
from typer.testing import CliRunner

from bulletin.cli import app
from bulletin.config import load_district, load_scheme
from bulletin.demo import DEMO_SCHEME_HEADER, DEMO_SCHEME_TITLE
from bulletin.figures.workdays import load_calendar
from bulletin.project import NOTEBOOKS, init_project, scheme_text
from bulletin.run.runner import PACKAGED_NOTEBOOKS, default_notebooks_dir

ROOT = Path(__file__).resolve().parents[1]


def _init(*args: str):
    return CliRunner().invoke(app, ["init", *args])


def test_init_writes_a_project_that_loads(tmp_path: Path):
    """init writes notebooks, district file, scheme, calendar, data note and README; the params load as written."""
    folder = tmp_path / "fengcheng"
    result = _init(str(folder), "--district", "fengcheng", "--name", "凤城县")
    assert result.exit_code == 0, result.output
    assert "已在" in result.output
    params = folder / "params"
    settings = load_district(params, "fengcheng")
    assert (settings.name, settings.scope, settings.issuer) == ("凤城县", "全县", "凤城县政务服务中心")
    assert load_scheme(params, settings.scoring) is not None
    load_calendar(params)
    names = {p.name for p in (folder / "notebooks").iterdir()}
    assert {f"{k}.ipynb" for k in ("monthly", "quarterly", "half_year", "annual")} <= names
    assert (folder / "notebooks" / "monthly.ipynb").read_bytes() == (NOTEBOOKS / "monthly.ipynb").read_bytes()
    note = (folder / "data" / "fengcheng" / "导出说明.md").read_text(encoding="utf-8")
    assert "办件编号" in note and "受理时间" in note
    assert "bulletin run --district fengcheng" in (folder / "README.md").read_text(encoding="utf-8")
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no staging folder left behind


def test_init_into_an_empty_existing_folder(tmp_path: Path):
    """An existing empty folder is used as the project folder."""
    result = _init(str(tmp_path), "--district", "a1", "--name", "甲市")
    assert result.exit_code == 0, result.output
    assert yaml.safe_load((tmp_path / "params/districts/a1.yaml").read_text(encoding="utf-8"))["scope"] == "全市"


def test_init_refuses_a_non_empty_folder(tmp_path: Path):
    """A folder with files in it is refused with a Chinese message naming --force, and left exactly as it was."""
    (tmp_path / "mine.txt").write_text("x", encoding="utf-8")
    result = _init(str(tmp_path), "--district", "fengcheng", "--name", "凤城县")
    assert result.exit_code == 1
    assert "不是空的" in result.output and "--force" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.txt"]


def test_init_force_keeps_the_office_files_and_refreshes_notebooks(tmp_path: Path):
    """--force into an existing project keeps its edited params and data, replaces the notebooks."""
    init_project(tmp_path, "fengcheng", "凤城县")
    district = tmp_path / "params/districts/fengcheng.yaml"
    district.write_text("name: 凤城县\nscope: 全县\nissuer: 改过的\n", encoding="utf-8")
    notebook = tmp_path / "notebooks/monthly.ipynb"
    notebook.write_text("{}", encoding="utf-8")
    result = _init(str(tmp_path), "--district", "fengcheng", "--name", "凤城县", "--force")
    assert result.exit_code == 0, result.output
    assert "改过的" in district.read_text(encoding="utf-8")
    assert notebook.read_bytes() == (NOTEBOOKS / "monthly.ipynb").read_bytes()


def test_init_refuses_bad_ids_and_names_writing_nothing(tmp_path: Path):
    """An invalid district id or name gives a Chinese message and exit 1; the target folder is never created."""
    folder = tmp_path / "new"
    for args, words in [(["--district", "Feng Cheng", "--name", "凤城县"], "区县代码“Feng Cheng”无效"),
                        (["--district", "../etc", "--name", "凤城县"], "无效"),
                        (["--district", "fengcheng", "--name", "  "], "不能为空"),
                        (["--district", "fengcheng", "--name", "凤城\n县"], "控制字符")]:
        result = _init(str(folder), *args)
        assert result.exit_code == 1, args
        assert words in result.output
        assert "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []


def test_init_onto_a_file_is_refused(tmp_path: Path):
    """A target that is a file is refused, the file untouched."""
    target = tmp_path / "office"
    target.write_text("keep", encoding="utf-8")
    result = _init(str(target), "--district", "fengcheng", "--name", "凤城县")
    assert result.exit_code == 1 and "不是文件夹" in result.output
    assert target.read_text(encoding="utf-8") == "keep"


def test_demo_scheme_is_the_packaged_scheme():
    """The repository's demo scheme is the scheme `init` gives an office, under the demo's title."""
    text = (ROOT / "params/scoring/demo.yaml").read_text(encoding="utf-8")
    assert text == scheme_text(DEMO_SCHEME_TITLE, DEMO_SCHEME_HEADER)


def test_repository_notebooks_are_the_packaged_ones():
    """notebooks/ of this repository is the package's notebooks folder (one source of truth)."""
    assert (ROOT / "notebooks").resolve() == PACKAGED_NOTEBOOKS


def test_runner_falls_back_to_packaged_notebooks(tmp_path: Path, monkeypatch):
    """Without a notebooks/ folder in the project the runner uses the packaged notebooks; with one, the project's."""
    monkeypatch.chdir(tmp_path)
    assert default_notebooks_dir() == PACKAGED_NOTEBOOKS
    (tmp_path / "notebooks").mkdir()
    assert default_notebooks_dir() == Path("notebooks")


def test_init_into_the_current_empty_folder(tmp_path: Path, monkeypatch):
    """`bulletin init .` in an empty folder fills that folder."""
    monkeypatch.chdir(tmp_path)
    result = _init(".", "--district", "here", "--name", "本区")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "params/districts/here.yaml").exists()
    assert not [p for p in tmp_path.parent.iterdir() if p.name.startswith(".tmp") or "-init-" in p.name]


def test_failed_init_leaves_nothing_half_written(tmp_path: Path, monkeypatch):
    """A write that fails part-way leaves neither the project folder nor a staging folder behind."""
    calls = []
    real = Path.write_bytes

    def failing(self, data):
        calls.append(self)
        if len(calls) == 5:
            raise OSError(28, "No space left on device")
        return real(self, data)

    monkeypatch.setattr(Path, "write_bytes", failing)
    result = _init(str(tmp_path / "office"), "--district", "fengcheng", "--name", "凤城县")
    assert result.exit_code == 1 and "写入" in result.output and "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []

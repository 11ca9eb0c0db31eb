"""The bulletin notebooks under the standard tools: papermill from the project root, `papermill --help-notebook`,
`jupyter nbconvert --to bulletin`, and Markdown prose with placeholders reaching the page."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import nbformat
import pytest

from bulletin.config import KIND_LABELS
from conftest import ROOT, make_project

BIN = Path(sys.executable).parent
PROSE = "本月共受理办件{{ cases.received|count }},<b>请留意</b>。\n\n{{ district_name }}将继续努力。"


def _env(extra_path: Path | None = None) -> dict[str, str]:
    """The environment of a subprocess: this worktree's package first (and an extra folder, if given)."""
    paths = [str(ROOT / "lib")] + ([str(extra_path)] if extra_path else [])
    return {**os.environ, "PYTHONPATH": os.pathsep.join(paths + [os.environ.get("PYTHONPATH", "")])}


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """A project folder (data/, params/, notebooks/) whose monthly notebook has a prose Markdown cell."""
    root = make_project(tmp_path_factory.mktemp("tools"), ["yunhe"], "2023-06", "2024-06", 0.02)
    shutil.copytree(ROOT / "notebooks", root / "notebooks", ignore=shutil.ignore_patterns("*.py"))
    nb = nbformat.read(root / "notebooks" / "monthly.ipynb", as_version=4)
    at = next(i for i, c in enumerate(nb.cells) if "b.title_block()" in c.source) + 1
    nb.cells.insert(at, nbformat.v4.new_markdown_cell(PROSE))
    nb.cells.insert(at + 1, nbformat.v4.new_code_cell("%%prose\n魔法段落:办结率{{ cases.completion_rate|pct }}。"))
    nbformat.write(nb, root / "notebooks" / "monthly.ipynb")
    return root


@pytest.fixture(scope="module")
def executed(project: Path) -> Path:
    """The monthly notebook executed by the papermill command line, run from the project root."""
    out = project / "run.ipynb"
    done = subprocess.run([str(BIN / "papermill"), "notebooks/monthly.ipynb", str(out), "-p", "district", "yunhe",
                           "-p", "period", "2024-06", "--no-progress-bar"],
                          cwd=project, env=_env(), capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    return out


def test_help_notebook_shows_types_and_meanings():
    """`papermill --help-notebook` lists every parameter with its type and comment, none as Unknown type."""
    for kind in KIND_LABELS:
        done = subprocess.run([str(BIN / "papermill"), "--help-notebook", str(ROOT / "notebooks" / f"{kind}.ipynb")],
                              env=_env(), capture_output=True, text=True, timeout=120)
        assert done.returncode == 0
        for name in ("district", "period", "kind", "data_dir", "params_dir"):
            assert f"{name}: str" in done.stdout, (kind, name, done.stdout)
        assert "Unknown type" not in done.stdout and "folder of input tables" in done.stdout


def test_project_root_found_by_walking_up(tmp_path: Path):
    """Empty data_dir/params_dir resolve to the nearest folder holding params/; none gives a Chinese ParamError."""
    from bulletin.document.builder import project_root
    from bulletin.errors import ParamError

    (tmp_path / "proj" / "params").mkdir(parents=True)
    (tmp_path / "proj" / "notebooks").mkdir()
    assert project_root(tmp_path / "proj" / "notebooks") == (tmp_path / "proj").resolve()
    assert project_root(tmp_path / "proj") == (tmp_path / "proj").resolve()
    with pytest.raises(ParamError, match="找不到含 params/ 的项目目录"):
        project_root(tmp_path)


def test_exporter_registered_by_the_package():
    """pyproject registers the `bulletin` nbconvert exporter (what `--to bulletin` looks up)."""
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert meta["project"]["entry-points"]["nbconvert.exporters"]["bulletin"] == "bulletin.document.html:BulletinExporter"


@pytest.mark.slow
def test_papermill_from_the_project_root(executed: Path):
    """Run from the root with only district and period, the notebook finds data/ and params/ and emits figures."""
    nb = nbformat.read(executed, as_version=4)
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors
    assert any("application/vnd.bulletin.figures+json" in o.get("data", {}) for c in nb.cells for o in c.get("outputs", []))


@pytest.mark.slow
def test_nbconvert_to_bulletin_writes_the_page(executed: Path, project: Path, tmp_path: Path):
    """`jupyter nbconvert --to bulletin` writes the official page: prose filled and escaped, no code, no removed cells."""
    dist = tmp_path / "site" / "bulletin_exporter-0.dist-info"  # the entry point as `pip install` would register it
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: bulletin-exporter\nVersion: 0\n", encoding="utf-8")
    (dist / "entry_points.txt").write_text("[nbconvert.exporters]\nbulletin = bulletin.document.html:BulletinExporter\n",
                                           encoding="utf-8")
    done = subprocess.run([str(BIN / "jupyter"), "nbconvert", "--to", "bulletin", str(executed), "--output-dir",
                           str(tmp_path)], env=_env(tmp_path / "site"), capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    page = (tmp_path / "run.html").read_text(encoding="utf-8")
    assert "<title>云河区2024年6月政务服务工作月通报</title>" in page
    received = nbformat.read(executed, as_version=4)
    figures = next(o.data["application/vnd.bulletin.figures+json"] for c in received.cells for o in c.get("outputs", [])
                   if "application/vnd.bulletin.figures+json" in o.get("data", {}))
    assert f"<p>本月共受理办件{figures['cases']['received']}件,&lt;b&gt;请留意&lt;/b&gt;。</p>" in page
    assert "<p>云河区将继续努力。</p>" in page
    assert page.index("将继续努力") < page.index("<p>魔法段落：办结率") < page.index("一、总体运行情况")
    assert "{{" not in page and "open_bulletin" not in page and "Run top to bottom" not in page


@pytest.mark.slow
def test_bulletin_run_puts_markdown_prose_in_the_html(project: Path):
    """`bulletin run` renders a notebook's Markdown paragraph filled in, after the title and before 一、."""
    from bulletin.run.runner import run_bulletin

    result = run_bulletin("yunhe", "2024-06", "monthly", data_dir=project / "data", params_dir=project / "params",
                          out_dir=project / "outputs", notebooks_dir=project / "notebooks")
    page = (project / "outputs" / "yunhe" / "2024-06" / "monthly.html").read_text(encoding="utf-8")
    sentence = f"<p>本月共受理办件{result.figures['cases']['received']}件,&lt;b&gt;请留意&lt;/b&gt;。</p>"
    assert sentence in page and page.index("doc-title") < page.index(sentence) < page.index("一、总体运行情况")


def test_git_strips_notebooks_on_add(tmp_path: Path):
    """With the filter `make setup` configures, `git add` stores an executed notebook without outputs, tags kept."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "git-filters" in makefile.split("setup:", 1)[1].splitlines()[0]
    assert "*.ipynb filter=nbstripout" in (ROOT / ".gitattributes").read_text(encoding="utf-8")
    clean = f"{BIN / 'nbstripout'} --keep-id"
    assert "nbstripout --keep-id" in makefile
    nb = nbformat.read(ROOT / "notebooks" / "monthly.ipynb", as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.execution_count = 3
            cell.outputs = [nbformat.v4.new_output("stream", text="输出\n")]
    nbformat.write(nb, tmp_path / "monthly.ipynb")
    shutil.copy(ROOT / ".gitattributes", tmp_path / ".gitattributes")
    git = ["git", "-C", str(tmp_path)]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "config", "filter.nbstripout.clean", clean], check=True)
    subprocess.run([*git, "config", "filter.nbstripout.smudge", "cat"], check=True)
    subprocess.run([*git, "add", "monthly.ipynb"], check=True)
    stored = nbformat.reads(subprocess.run([*git, "show", ":monthly.ipynb"], check=True, capture_output=True,
                                           text=True).stdout, as_version=4)
    assert stored == nbformat.read(ROOT / "notebooks" / "monthly.ipynb", as_version=4)
    assert any("parameters" in c.metadata.get("tags", []) for c in stored.cells)

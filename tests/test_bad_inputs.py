"""The bad-input corpus (tests/bad_inputs/): each broken data or params file gets a clear Chinese message and a
non-zero exit, never a traceback, and nothing is rendered."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from bulletin.cli import app
from conftest import cli_args, make_project

CORPUS = Path(__file__).parent / "bad_inputs"
MANIFEST = yaml.safe_load((CORPUS / "manifest.yaml").read_text(encoding="utf-8"))
DISTRICT = "tongshan"
COMPLAINTS_HEADER = "投诉编号,来源,涉及单位,类别,内容,受理时间,办结时间,回访满意\n"
# Too big to commit: written at test time.
GENERATED = {
    "huge_cell.csv": (COMPLAINTS_HEADER + "H1,现场,税务局,服务态度," + "长" * 100_000 + ",2024-06-03 09:00,,\n").encode("utf-8"),
    "huge_name.csv": ("单位名称,是否进驻\n税务局,是\n" + "局" * 100_000 + ",是\n").encode("utf-8"),
}
GENERATED_CASES = [
    {"file": "huge_cell.csv", "data": "complaints.csv", "message": "列“内容”.*内容过长"},
    {"file": "huge_name.csv", "data": "departments.csv", "message": "列“单位名称”.*内容过长"},
]
CASES = [c for c in MANIFEST if c.get("level", "error") == "error"] + GENERATED_CASES
WARNINGS = [c for c in MANIFEST if c.get("level") == "warning"]


def _validate_args(root: Path) -> list[str]:
    return ["validate", "--district", DISTRICT, "--data-dir", str(root / "data"), "--out-dir", str(root / "outputs")]


@pytest.fixture(scope="module")
def good(tmp_path_factory) -> Path:
    """A small good project (two months of one demo district) that validates cleanly."""
    root = make_project(tmp_path_factory.mktemp("good"), [DISTRICT], "2024-05", "2024-06", 0.005)
    result = CliRunner().invoke(app, _validate_args(root))
    assert result.exit_code == 0, result.output
    return root


def test_corpus_is_complete():
    """At least 30 committed files, each listed once in the manifest with one target and a message."""
    files = {p.name for p in CORPUS.iterdir() if p.name != "manifest.yaml"}
    listed = [case["file"] for case in MANIFEST]
    assert len(files) >= 30 and sorted(listed) == sorted(files)
    assert all(("data" in c) != ("params" in c) and c["message"] for c in MANIFEST)
    assert all(c.get("level", "error") in ("error", "warning") for c in MANIFEST)


def _project_with(good: Path, tmp_path: Path, case: dict) -> Path:
    root = tmp_path / "project"
    shutil.copytree(good / "params", root / "params")
    shutil.copytree(good / "data" / DISTRICT, root / "data" / DISTRICT, ignore=shutil.ignore_patterns(".store"))
    data = GENERATED.get(case["file"]) or (CORPUS / case["file"]).read_bytes()
    target = root / ("data/" + DISTRICT if "data" in case else "params") / case.get("data", case.get("params"))
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return root


@pytest.mark.parametrize("case", CASES, ids=[c["file"] for c in CASES])
def test_refused_with_chinese_message(good: Path, tmp_path: Path, case: dict):
    """Non-zero exit, the expected Chinese message (naming the file for data), no traceback, nothing rendered."""
    root = _project_with(good, tmp_path, case)
    if "data" in case:
        args = _validate_args(root)
    else:
        args = cli_args(root, "run", "--district", DISTRICT, "--period", "2024-06", "--kind", "monthly")
    result = CliRunner().invoke(app, args)
    output = result.output
    assert result.exit_code not in (0, None) and isinstance(result.exception, SystemExit), output
    assert "Traceback" not in output
    assert re.search(case["message"], output), output[-2000:]
    if "data" in case:
        assert Path(case["data"]).name in output
    assert [p.name for p in (root / "outputs").rglob("*.html")] in ([], ["validation.html"])
    assert not (root / "PWNED").exists() and not Path("PWNED").exists()
    _assert_absent(root, output, case)


def _assert_absent(root: Path, output: str, case: dict) -> None:
    """None of the case's `absent` strings in the terminal output or on the validation page."""
    pages = "".join(p.read_text(encoding="utf-8") for p in (root / "outputs").rglob("validation.html"))
    for text in case.get("absent", ()):
        assert text not in output and text not in pages, repr(text)


@pytest.mark.parametrize("case", WARNINGS, ids=[c["file"] for c in WARNINGS])
def test_warned_and_still_valid(good: Path, tmp_path: Path, case: dict):
    """A file that is read or reported but does not stop the data: exit 0, the expected Chinese warning naming
    the file, no traceback, nothing in `absent` shown."""
    root = _project_with(good, tmp_path, case)
    result = CliRunner().invoke(app, _validate_args(root))
    output = result.output
    assert result.exit_code == 0, output[-2000:]
    assert "Traceback" not in output
    assert re.search(case["message"], output, re.S), output[-2000:]
    _assert_absent(root, output, case)


@pytest.mark.parametrize("what", ["month file", "district folder"])
def test_a_link_out_of_the_data_folder_is_refused(good: Path, tmp_path: Path, what: str):
    """A month file or the whole data/<district> folder as a symlink to a place outside data/: refused, naming it."""
    root = tmp_path / "project"
    shutil.copytree(good / "params", root / "params")
    outside = tmp_path / "outside"
    shutil.copytree(good / "data" / DISTRICT, outside, ignore=shutil.ignore_patterns(".store"))
    if what == "month file":
        shutil.copytree(good / "data" / DISTRICT, root / "data" / DISTRICT, ignore=shutil.ignore_patterns(".store"))
        link = root / "data" / DISTRICT / "cases" / "2024-07.csv"
        link.symlink_to(outside / "cases" / "2024-06.csv")
        expected = "2024-07.csv——是指向数据目录之外的链接,已拒绝读取"
    else:
        (root / "data").mkdir()
        (root / "data" / DISTRICT).symlink_to(outside)
        expected = f"区县数据目录 .*{DISTRICT} 是指向数据目录 .* 之外的链接,已拒绝读取"
    result = CliRunner().invoke(app, _validate_args(root))
    assert result.exit_code not in (0, None) and isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    assert re.search(expected, result.output), result.output[-2000:]

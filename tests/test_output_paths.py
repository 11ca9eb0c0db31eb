"""Outputs are written only inside --out-dir: a link under it that leads elsewhere is refused, nothing written there."""

from __future__ import annotations

from pathlib import Path

import pytest

from bulletin.data.validation import Report
from bulletin.errors import OutputError
from bulletin.run.outputs import publish, write_report_page


def test_publish_refuses_a_district_folder_linking_outside(tmp_path: Path):
    """outputs/<district> -> /elsewhere: OutputError naming the folder, and no file appears in /elsewhere."""
    out, elsewhere = tmp_path / "outputs", tmp_path / "elsewhere"
    out.mkdir()
    elsewhere.mkdir()
    (out / "d1").symlink_to(elsewhere)
    with pytest.raises(OutputError, match="经由符号链接指向 --out-dir.*之外,已拒绝写入"):
        publish(out / "d1" / "2024-06", {"monthly.html": b"x"}, root=out)
    assert list(elsewhere.rglob("*")) == []


def test_validation_page_is_not_written_through_a_link(tmp_path: Path):
    """validation.html is refused too when outputs/<district> leads outside --out-dir."""
    out, elsewhere = tmp_path / "outputs", tmp_path / "elsewhere"
    out.mkdir()
    elsewhere.mkdir()
    (out / "d1").symlink_to(elsewhere)
    with pytest.raises(OutputError):
        write_report_page(Report("d1"), tmp_path / "data", out)
    assert list(elsewhere.iterdir()) == []


def test_publish_writes_inside_the_out_dir_even_when_it_is_a_link(tmp_path: Path):
    """--out-dir itself may be a link (the analyst chose it); folders inside it are written normally."""
    real = tmp_path / "big_disk"
    real.mkdir()
    (tmp_path / "outputs").symlink_to(real)
    written = publish(tmp_path / "outputs" / "d1" / "2024-06", {"monthly.html": b"x"}, root=tmp_path / "outputs")
    assert [p.name for p in written] == ["monthly.html"] and (real / "d1" / "2024-06" / "monthly.html").read_bytes() == b"x"

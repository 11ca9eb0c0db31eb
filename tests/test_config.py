"""Params files: districts, scoring schemes and run files are checked with clear Chinese errors."""

import pytest

from bulletin.config import check_id, load_district, load_run, load_scheme
from bulletin.errors import ConfigError, ParamError


def _write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


@pytest.mark.parametrize("bad", ["../../etc", "/abs", "Yunhe", "a b", "", "-x", "区县"])
def test_district_ids_are_safe(bad):
    """Ids that could escape data/ or outputs/ are refused."""
    with pytest.raises(ParamError, match="无效"):
        check_id(bad)


def test_district_defaults_and_notes(tmp_path):
    """A minimal district file gets defaults; notes are keyed by period text."""
    _write(tmp_path / "districts" / "a.yaml", "name: 甲区\nnotes:\n  2024-06:\n    problems: 问题一\n")
    d = load_district(tmp_path, "a")
    assert d.name == "甲区" and d.satisfaction == "good_rate" and d.kinds[0] == "monthly"
    assert d.notes["2024-06"]["problems"] == "问题一"


def test_district_unknown_satisfaction(tmp_path):
    """An unknown satisfaction mode names the key and the allowed values."""
    _write(tmp_path / "districts" / "a.yaml", "name: 甲区\nsatisfaction: magic\n")
    with pytest.raises(ConfigError, match="satisfaction"):
        load_district(tmp_path, "a")


def test_yaml_is_loaded_safely(tmp_path):
    """A python-object tag is refused, not constructed."""
    _write(tmp_path / "districts" / "a.yaml", "name: !!python/object/apply:os.system ['echo hi']\n")
    with pytest.raises(ConfigError, match="不允许的 YAML 标签"):
        load_district(tmp_path, "a")


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ("{id: x, source: formula}", "source"),
        ("{id: x, source: metric, metric: nonsense, scale: [[0, 0], [1, 1]]}", "metric"),
        ("{id: x, source: metric, metric: good_rate, scale: [[1, 0], [0, 1]]}", "scale"),
        ("{id: x, source: metric, metric: good_rate, scale: oops}", "scale"),
        ("{id: x, source: inspections}", "categories"),
        ("{id: x, source: manual}", "max"),
    ],
)
def test_scheme_items_are_checked(tmp_path, item, message):
    """Unknown sources, unknown metrics and malformed scales are ConfigErrors naming the item."""
    _write(tmp_path / "scoring" / "s.yaml", f"name: 办法\ncategories:\n  - name: 类\n    items:\n      - {item}\n")
    with pytest.raises(ConfigError, match=message):
        load_scheme(tmp_path, "s")


def test_demo_scheme_loads():
    """The committed demo scheme is valid."""
    from pathlib import Path

    scheme = load_scheme(Path(__file__).resolve().parents[1] / "params", "demo")
    assert scheme.base == 100 and len(scheme.categories) == 4


def test_run_file_all_districts(tmp_path):
    """`all` expands to every district file; periods are normalized and checked."""
    _write(tmp_path / "districts" / "b.yaml", "name: 乙\n")
    _write(tmp_path / "districts" / "a.yaml", "name: 甲\n")
    _write(tmp_path / "runs" / "r.yaml", "districts: all\nperiods: [2024-06, 2024-Q2]\nkinds: [monthly]\n")
    spec = load_run(tmp_path / "runs" / "r.yaml", tmp_path)
    assert spec.districts == ("a", "b") and spec.periods == ("2024-06", "2024-Q2") and spec.kinds == ("monthly",)
    _write(tmp_path / "runs" / "bad.yaml", "districts: [a]\nperiods: [2024-13]\n")
    with pytest.raises(ParamError, match="2024-13"):
        load_run(tmp_path / "runs" / "bad.yaml", tmp_path)

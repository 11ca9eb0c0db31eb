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


def test_unknown_key_warns_with_the_closest_known_key(tmp_path):
    """A typo key is ignored with a warning naming file, line and the key it probably meant."""
    _write(tmp_path / "districts" / "a.yaml", "name: 甲区\nsatisfation: mean_rating\n")
    d = load_district(tmp_path, "a")
    assert d.satisfaction == "good_rate"
    assert len(d.warnings) == 1 and "第2行" in d.warnings[0] and "satisfation" in d.warnings[0]
    assert "是否应为 satisfaction" in d.warnings[0]


def test_unknown_scheme_and_run_keys_warn(tmp_path):
    """Unknown keys in a scheme item and in a run file warn too, with a suggestion."""
    _write(tmp_path / "scoring" / "s.yaml", "name: 办法\ncategories:\n  - name: 类\n    items:\n"
           "      - {id: x, source: manual, max: 5, mx: 3}\n")
    assert any("mx" in w and "是否应为 max" in w for w in load_scheme(tmp_path, "s").warnings)
    _write(tmp_path / "districts" / "a.yaml", "name: 甲\n")
    _write(tmp_path / "runs" / "r.yaml", "districts: [a]\nperiods: [2024-06]\nkind: [monthly]\n")
    spec = load_run(tmp_path / "runs" / "r.yaml", tmp_path)
    assert spec.kinds is None and any("是否应为 kinds" in w for w in spec.warnings)


@pytest.mark.parametrize(("text", "expected"), [("true", True), ("false", False), ('"false"', False),
                                                ('"true"', True), ("是", True), ('"否"', False)])
def test_demo_flag_text_is_read_as_written(tmp_path, text, expected):
    """demo: "false" (a string) is read as false, never as a truthy string."""
    _write(tmp_path / "districts" / "a.yaml", f"name: 甲区\ndemo: {text}\n")
    assert load_district(tmp_path, "a").demo is expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("name: [a, b]\n", r"第1行:name 应为文字"),
        ("name: 甲\nkinds: 5\n", r"第2行:kinds 应为列表"),
        ("name: 甲\nkinds: [monthly, 5]\n", r"第2行:kinds\[2\] 中的“5”不是通报类型"),
        ("name: 甲\ndemo: [1]\n", r"第2行:demo 应为 true 或 false"),
        ("name: 甲\nscope: {a: 1}\n", r"第2行:scope 应为文字"),
        ("name: 甲\nnotes: [1]\n", r"第2行:notes 内容应为键值映射"),
        ("name: 甲\nnotes:\n  2024-06:\n    problems: [a]\n", r"第4行:notes.2024-06.problems 应为文字"),
        ("name: 甲\ntargets: 5\n", r"第2行:targets 应为列表"),
        ("name: 甲\ntargets:\n  - {metric: good_rate}\n", r"第3行:targets\[1\] 需要 min"),
        ("name: 甲\ntargets:\n  - {metric: good_rate, min: .inf}\n", r"targets\[1\].min 应为有限的数字"),
        ("name: 甲\nscoring: [x]\n", r"第2行:scoring 应为文字"),
    ],
)
def test_district_type_errors_name_file_line_and_key(tmp_path, text, message):
    """Every type or value error in a district file is a ConfigError naming the file, the line and the key."""
    _write(tmp_path / "districts" / "a.yaml", text)
    with pytest.raises(ConfigError, match=message) as caught:
        load_district(tmp_path, "a")
    assert "a.yaml" in str(caught.value)


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ("{id: x, source: inspections, categories: [到岗], cap: -50}", r"cap 应不小于0"),
        ("{id: x, source: inspections, categories: [到岗], cap: .nan}", r"cap 应为有限的数字"),
        ("{id: x, source: metric, metric: good_rate, scale: [[0, 0], [.nan, 1]]}", r"scale\[2\] 应为有限的数字"),
        ("{id: x, source: metric, metric: good_rate, scale: [[0, 0], [0, 1]]}", r"scale\[2\].*递增"),
        ("{id: x, source: manual, max: -5}", r"max 应不小于0"),
        ("{id: x, source: manual, max: 5, min: 9}", r"min 大于 max"),
        ("{id: [x], source: manual, max: 5}", r"id 应为文字"),
    ],
)
def test_scheme_values_are_checked(tmp_path, item, message):
    """Scheme numbers are finite, caps and maxima not negative, scales strictly increasing; the line is named."""
    _write(tmp_path / "scoring" / "s.yaml", f"name: 办法\ncategories:\n  - name: 类\n    items:\n      - {item}\n")
    with pytest.raises(ConfigError, match=f"第5行:.*{message}"):
        load_scheme(tmp_path, "s")


@pytest.mark.parametrize("text", ["grades: 5\n", "grades: [5]\n", "grades:\n  - {name: 好, min: .nan}\n", "base: .nan\n",
                                  "base: 1e400\n"])
def test_scheme_top_level_values_are_checked(tmp_path, text):
    """grades and base of the wrong type or not finite are ConfigErrors, never a traceback."""
    _write(tmp_path / "scoring" / "s.yaml", "name: 办法\ncategories:\n  - name: 类\n    items:\n"
           "      - {id: x, source: manual, max: 5}\n" + text)
    with pytest.raises(ConfigError, match=r"s.yaml 第\d+行:(grades|base)"):
        load_scheme(tmp_path, "s")


def test_yaml_alias_bomb_is_refused_quickly(tmp_path):
    """Nine levels of nested YAML aliases are refused by count, before anything is built."""
    import time

    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    _write(tmp_path / "districts" / "a.yaml", "name: 甲\n" + "\n".join(lines) + "\n")
    start = time.monotonic()
    with pytest.raises(ConfigError, match="过多的 YAML 别名"):
        load_district(tmp_path, "a")
    assert time.monotonic() - start < 30  # a bound against hanging, not a timing claim


def test_a_few_aliases_are_fine(tmp_path):
    """Aliases within the limit still work (analysts may reuse a note)."""
    _write(tmp_path / "districts" / "a.yaml", "name: 甲\nnotes:\n  2024-05: &n {problems: 问题}\n  2024-06: *n\n")
    assert load_district(tmp_path, "a").notes["2024-06"]["problems"] == "问题"


def test_params_file_and_note_sizes_are_limited(tmp_path):
    """A params file over the size limit and a note over the length limit get a clear message, not a slow render."""
    from bulletin.config import MAX_NOTE_CHARS
    from bulletin.yamlio import MAX_PARAMS_BYTES

    _write(tmp_path / "districts" / "a.yaml", "name: 甲\nnotes:\n  2024-06:\n    problems: " + "长" * (MAX_NOTE_CHARS + 1) + "\n")
    with pytest.raises(ConfigError, match=r"第4行:notes.2024-06.problems 内容过长"):
        load_district(tmp_path, "a")
    _write(tmp_path / "districts" / "b.yaml", "name: 乙\n# " + "x" * MAX_PARAMS_BYTES + "\n")
    with pytest.raises(ConfigError, match="过大"):
        load_district(tmp_path, "b")


def test_stray_district_file_is_skipped_with_a_warning(tmp_path):
    """`districts: all` skips a copy such as `c1 - 副本.yaml` (not a valid id) with a warning, not a refusal."""
    _write(tmp_path / "districts" / "c1.yaml", "name: 甲\n")
    _write(tmp_path / "districts" / "c1 - 副本.yaml", "name: 甲\n")
    _write(tmp_path / "runs" / "r.yaml", "districts: all\nperiods: [2024-06]\n")
    spec = load_run(tmp_path / "runs" / "r.yaml", tmp_path)
    assert spec.districts == ("c1",)
    assert any("c1 - 副本" in w and "已跳过" in w for w in spec.warnings)


def test_unknown_target_metric_is_refused_with_a_suggestion(tmp_path):
    """A target naming no known figure is an error suggesting the closest one, never a silent 未达标."""
    _write(tmp_path / "districts" / "a.yaml", "name: 甲\ntargets:\n  - {metric: completion_rat, min: 0.9}\n")
    with pytest.raises(ConfigError, match=r"第3行:targets\[1\].metric “completion_rat”不是已知指标,是否应为 completion_rate"):
        load_district(tmp_path, "a")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("districts: [a, ../x]\nperiods: [2024-06]\n", r"r.yaml 第1行:区县代码“../x”无效"),
        ("districts: [a]\nperiods: [2024-06]\nkinds: [monthly, weekly]\n", r"r.yaml 第3行:通报类型“weekly”无效"),
        ("districts: 5\nperiods: [2024-06]\n", r"r.yaml 第1行:districts 应为列表"),
        ("districts: [a]\nperiods:\n  - 2024-06\n  - 2024-13\n", r"r.yaml 第4行:periods\[2\] 统计期“2024-13”无效"),
        ("districts: [a]\nperiods: [[2024-06]]\n", r"r.yaml 第2行:periods\[1\] 应为文字"),
    ],
)
def test_run_file_errors_name_file_line_and_key(tmp_path, text, message):
    """Errors in a run file name the file, the line and the key."""
    _write(tmp_path / "runs" / "r.yaml", text)
    with pytest.raises((ConfigError, ParamError), match=message):
        load_run(tmp_path / "runs" / "r.yaml", tmp_path)

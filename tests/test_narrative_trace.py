"""Every number a demo bulletin states is a value of its figures JSON under the display rules (issue 16)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from bulletin.document.display import change_phrase, count, num, pct, points, rate_change, score_number
from bulletin.document.model import Paragraph, Table
from conftest import ROOT, make_project

DISTRICTS = ["yunhe", "tongshan", "lanxi"]
RUNS = [("monthly", "2024-06"), ("quarterly", "2024-Q4"), ("half_year", "2024-H1"), ("annual", "2024"),
        ("annual", "2024-01..2024-11")]
NUMBER = re.compile(r"\d+(?:\.\d+)?")
LIST_NUMBER = re.compile(r"^\d+\.")  # the 1. 2. 3. of a list of points


def shown(value) -> list[str]:
    """Every way the display rules may write one JSON value."""
    if isinstance(value, bool):
        return []
    if isinstance(value, str):
        return [value]
    out = [str(value), pct(value), pct(value, 1), score_number(value), points(value), num(value),
           change_phrase(value), rate_change(value), count(value, wan=True)]
    if float(value).is_integer():
        out.append(str(int(value)))
    return out


def allowed_numbers(figures) -> set[str]:
    """The numeric tokens of every value (and key) of the figures, as the display rules write them."""
    tokens: set[str] = set()

    def walk(node):
        if isinstance(node, dict):
            for k, v in node.items():
                tokens.update(NUMBER.findall(str(k)))
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)
        elif node is not None:
            for text in shown(node):
                tokens.update(NUMBER.findall(text))

    walk(figures)
    return tokens


def untraceable(blocks, figures) -> list[str]:
    """Numbers in paragraphs and table cells that no figure gives, with the text they are in."""
    allowed = allowed_numbers(figures)
    texts = [LIST_NUMBER.sub("", b.text) for b in blocks if isinstance(b, Paragraph)]
    texts += [cell for b in blocks if isinstance(b, Table) for row in b.rows for cell in row]
    return [f"{n} in {t[:60]}" for t in texts for n in NUMBER.findall(t) if n not in allowed]


def notebook_blocks(root: Path, district: str, period: str, kind: str):
    """The blocks a kind's notebook shows, and its figures as the JSON holds them (run in-process, charts skipped)."""
    import matplotlib.pyplot as plt
    from bulletin.document import builder

    shown_blocks, figures = [], {}
    source = (ROOT / "notebooks" / f"{kind}.py").read_text(encoding="utf-8")
    params = {"district": district, "period": period, "kind": kind,
              "data_dir": str(root / "data"), "params_dir": str(root / "params")}
    for name, value in params.items():
        source = re.sub(rf"^{name}(: \w+)? = .*$", f"{name} = {value!r}", source, count=1, flags=re.M)
    patches = {
        "show": lambda self, blocks: shown_blocks.extend(blocks),
        "chart": lambda self, fig, caption: plt.close(fig),
        "emit_figures": lambda self: figures.update(json.loads(json.dumps(self.figures))),
    }
    saved = {k: getattr(builder.Bulletin, k) for k in patches}
    try:
        for k, v in patches.items():
            setattr(builder.Bulletin, k, v)
        exec(compile(source, f"{kind}.py", "exec"), {"__name__": "bulletin_notebook"})
    finally:
        for k, v in saved.items():
            setattr(builder.Bulletin, k, v)
    return shown_blocks, figures


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    root = make_project(tmp_path_factory.mktemp("trace"), DISTRICTS, "2023-01", "2024-12", 0.02)
    return {(d, k, p): notebook_blocks(root, d, p, k) for d in DISTRICTS for k, p in RUNS}


@pytest.mark.slow
def test_every_number_in_every_demo_bulletin_is_a_json_value(rendered):
    """Each count, rate, score and rank in the text and tables of every kind for every demo district is in the JSON."""
    for key, (blocks, figures) in rendered.items():
        assert any(isinstance(b, Paragraph) for b in blocks), key
        assert untraceable(blocks, figures) == [], key


@pytest.mark.slow
def test_an_injected_wrong_number_is_caught(rendered):
    """A sentence whose count is off by one (or any number no figure gives) fails the check."""
    blocks, figures = rendered[("yunhe", "monthly", "2024-06")]
    received = figures["cases"]["received"]
    wrong = next(n for n in range(received + 1, received + 10_000) if str(n) not in allowed_numbers(figures))
    changed = [Paragraph(b.text.replace(f"{received}件", f"{wrong}件")) if isinstance(b, Paragraph) else b for b in blocks]
    assert changed != blocks
    assert any(str(wrong) in problem for problem in untraceable(changed, figures))


@pytest.mark.slow
def test_drafted_problems_match_the_inspections_found(rendered):
    """No bulletin's 存在问题 names an inspection category its period did not find (the 着装 contradiction)."""
    for key, (blocks, figures) in rendered.items():
        found = set((figures.get("inspections") or {}).get("by_category") or {})
        said = " ".join(b.text for b in blocks if isinstance(b, Paragraph) and b.text.startswith(tuple("123456789")))
        for category in ("着装", "到岗", "卷宗", "一口受理", "服务态度", "日清周结"):
            if category not in found:
                assert category not in said, (key, category)

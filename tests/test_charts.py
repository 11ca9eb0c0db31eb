"""Chart colours carry meaning: red marks what needs attention, never a mere category."""

from __future__ import annotations

import matplotlib.colors as mcolors
import matplotlib.pyplot as plt

from bulletin.document.charts import PALETTE, ranking_chart, share_bars

RED = mcolors.to_rgba(PALETTE[1])


def _bar_colors(fig) -> list[tuple]:
    colors = [patch.get_facecolor() for patch in fig.axes[0].patches]
    plt.close(fig)
    return colors


def test_categories_are_never_red():
    """Channel share bars never use the red that marks units below base or overdue cases."""
    fig = share_bars({"窗口": 50, "一网通办": 20, "全程网办": 20, "掌上办": 10, "自助终端": 5, "其他": 1, "邮寄": 1, "代办": 1})
    colors = _bar_colors(fig)
    assert len(colors) == 8 and RED not in colors


def test_units_below_base_are_red():
    """In a ranking chart only the units scoring below the base score are red."""
    colors = _bar_colors(ranking_chart(["甲局", "乙局", "丙局"], [104.0, 100.0, 97.5], base=100))
    assert colors[:2] == [mcolors.to_rgba(PALETTE[0])] * 2 and colors[2] == RED

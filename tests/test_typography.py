"""Chinese punctuation: full-width in Chinese context (GB/T 15834), numbers and Latin half-width."""

from __future__ import annotations

import pytest

from bulletin.document.model import Attachment, Figure, Heading, Paragraph, table
from bulletin.document.typography import full_width, typeset


@pytest.mark.parametrize(("text", "expected"), [
    ("受理71073件,同比增长3.5%;其中:", "受理71073件，同比增长3.5%；其中："),
    ("(一)总体运行情况", "（一）总体运行情况"),
    ("(1)窗口服务", "（1）窗口服务"),
    ("得分128.037分(第1名)", "得分128.037分（第1名）"),
    ("好评率97.8%,环比", "好评率97.8%，环比"),
    ("“一件事”,共3项", "“一件事”，共3项"),
    ("受理(件)", "受理（件）"),
])
def test_chinese_context_goes_full_width(text, expected):
    """, ; : ( ) next to Chinese text become their full-width forms."""
    assert full_width(text) == expected


@pytest.mark.parametrize("text", ["1,234", "12:30", "Noto Serif (SC), v2", "128.037", "2024-06", ""])
def test_numbers_and_latin_stay_half_width(text):
    """Digit groups, times and Latin text keep their half-width marks."""
    assert full_width(text) == text


def test_number_inside_chinese_keeps_its_comma():
    """A thousands comma between digits stays half-width even inside a Chinese sentence."""
    assert full_width("受理1,234件,同比") == "受理1,234件，同比"


def test_full_width_is_idempotent():
    """Applying the rule twice changes nothing more."""
    text = "本月(6月)受理1,234件,办结率97.8%;"
    assert full_width(full_width(text)) == full_width(text)


def test_typeset_reaches_every_text_of_a_block():
    """Paragraphs, headings, table cells, captions and 附件 tables are all typeset."""
    t = table(["单位", "受理(件)"], [["甲局(窗口)", "1,234"]], caption="排名(前3)")
    assert typeset(Paragraph("共3件,其中:")).text == "共3件，其中："
    assert typeset(Heading("(二)好差评", 2)).text == "（二）好差评"
    done = typeset(t)
    assert done.header[1] == "受理（件）" and done.rows[0] == ("甲局（窗口）", "1,234") and done.caption == "排名（前3）"
    assert typeset(Figure(b"", 1, "各单位得分(分)")).caption == "各单位得分（分）"
    assert typeset(Attachment(1, "附件(数据)", (t,))).tables[0].header[1] == "受理（件）"

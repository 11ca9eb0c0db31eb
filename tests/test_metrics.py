"""Metric definitions of SPEC on small hand-made tables whose answers are known."""

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bulletin.figures import metrics as m
from bulletin.figures.workdays import builtin_calendar
from bulletin.figures.periods import parse_period

JUNE = parse_period("2024-06")
CAL = builtin_calendar()


def _items():
    return pd.DataFrame(
        {
            "item_code": ["I1", "I2", "I3"],
            "item_name": ["即办事项", "承诺事项", "审核事项"],
            "department": ["甲局", "乙局", "乙局"],
            "item_type": ["即办件", "承诺件", "一审一核件"],
            "legal_days": pd.array([0, 20, 10], dtype="Int64"),
            "promised_days": pd.array([0, 5, 2], dtype="Int64"),
            "steps_before": pd.array([4, 6, 5], dtype="Int64"),
            "steps": pd.array([1, 2, 2], dtype="Int64"),
            "online": pd.array([True, True, False], dtype="boolean"),
            "added_on": pd.to_datetime([None, None, "2024-06-10"]),
            "cancelled_on": pd.to_datetime([None, None, None]),
        }
    )


def _cases():
    rows = [
        # id, department, item, township, channel, received, completed
        ("C1", "甲局", "I1", None, "窗口", "2024-06-03 09:00", "2024-06-03 09:30"),  # instant same day
        ("C2", "甲局", "I1", "东镇", "窗口", "2024-06-07 16:00", "2024-06-11 09:00"),  # instant, not same day
        ("C3", "乙局", "I2", None, "全程网办", "2024-06-03 10:00", "2024-06-05 10:00"),  # early (deadline 06-11)
        ("C4", "乙局", "I2", "东镇", "一网通办", "2024-06-03 10:00", "2024-06-11 17:00"),  # on the deadline day
        ("C5", "乙局", "I2", "西镇", "窗口", "2024-06-03 10:00", "2024-06-12 09:00"),  # late
        ("C6", "乙局", "I3", "西镇", "掌上办", "2024-06-20 10:00", None),  # open, deadline 06-24 passed by 06-30
        ("C7", "乙局", "I2", "西镇", "窗口", "2024-06-28 10:00", None),  # open, deadline 07-05 not passed
        ("C8", "乙局", "I3", "东镇", "窗口", "2024-05-06 10:00", "2024-07-02 10:00"),  # May case open at end: overdue
        ("C9", "甲局", "I1", None, "窗口", "2024-05-31 10:00", "2024-05-31 10:05"),  # May, done
    ]
    frame = pd.DataFrame(rows, columns=["case_id", "department", "item_code", "township", "channel", "received_at", "completed_at"])
    for col in ("case_id", "department", "item_code", "township", "channel"):
        frame[col] = frame[col].astype("string")
    frame["received_at"] = pd.to_datetime(frame["received_at"])
    frame["completed_at"] = pd.to_datetime(frame["completed_at"])
    return frame


def test_case_metrics_june():
    """受理/办结/即办/提前/按时/超期 follow SPEC on a worked example."""
    frame = m.case_frame(_cases(), _items(), JUNE, CAL)
    c = m.case_metrics(frame, JUNE)
    assert c["received"] == 7
    assert c["completed"] == 5
    assert c["completion_rate"] == pytest.approx(5 / 7)
    assert c["instant"] == 2 and c["instant_same_day"] == 1
    assert c["instant_same_day_rate"] == pytest.approx(0.5)
    assert c["early"] == 1  # C3 only: C4 finished on its deadline day
    assert c["on_time"] == 3 and c["on_time_rate"] == pytest.approx(3 / 5)  # C2 (instant, 0 days) and C5 late
    assert c["overdue_open"] == 2  # C6 and the May case C8
    assert c["overdue_by_township"] == {"东镇": 1, "西镇": 1}
    assert c["by_channel"] == {"窗口": 4, "一网通办": 1, "全程网办": 1, "掌上办": 1}
    assert c["by_township"] == {"西镇": 3, "东镇": 2}
    assert c["hall"] == 2
    assert c["by_department"] == {"乙局": 5, "甲局": 2}


def test_department_case_metrics_add_up():
    """Per-department received and completed add up to the district totals."""
    frame = m.case_frame(_cases(), _items(), JUNE, CAL)
    c = m.case_metrics(frame, JUNE)
    d = m.department_case_metrics(frame, JUNE)
    assert d["received"].sum() == c["received"] and d["completed"].sum() == c["completed"]
    assert d.loc["乙局", "online_share"] == pytest.approx(2 / 5)


def test_catalog_seed_001_steps():
    """环节精简率 = 1 - steps / steps_before (seed 001: 1 - 769/2165 = 64.48%)."""
    items = pd.DataFrame(
        {
            "item_code": ["A", "B"], "item_name": ["a", "b"], "department": ["甲", "甲"],
            "item_type": ["即办件", "承诺件"],
            "legal_days": pd.array([0, 100], dtype="Int64"), "promised_days": pd.array([0, 17.55 and 18], dtype="Int64"),
            "steps_before": pd.array([2000, 165], dtype="Int64"), "steps": pd.array([700, 69], dtype="Int64"),
            "online": pd.array([True, None], dtype="boolean"),
            "added_on": pd.to_datetime([None, None]), "cancelled_on": pd.to_datetime([None, None]),
        }
    )
    cat = m.catalog_metrics(items, JUNE)
    assert round(cat["steps_compression"] * 100, 2) == 64.48
    assert cat["time_compression"] == pytest.approx(1 - 18 / 100)
    assert cat["items"] == 2 and cat["instant_share"] == 0.5 and cat["online_rate"] == 0.5


def test_catalog_as_of_period_end():
    """Items added after the period end are not yet in the catalog; additions in the period are counted."""
    may = m.catalog_metrics(_items(), parse_period("2024-05"))
    june = m.catalog_metrics(_items(), JUNE)
    assert (may["items"], may["added"]) == (2, 0)
    assert (june["items"], june["added"]) == (3, 1)


def test_evaluations_three_satisfaction_modes():
    """好评率, satisfied_rate and mean_rating per SPEC; 差评整改率 counts rectifications by period end."""
    e = pd.DataFrame(
        {
            "eval_id": ["E1", "E2", "E3", "E4", "E5"],
            "department": ["甲", "甲", "乙", "乙", "乙"],
            "channel": ["线上", "线上", "线下", "线上", "线下"],
            "rating": [5, 4, 3, 2, 1],
            "evaluated_at": pd.to_datetime(["2024-06-01", "2024-06-02", "2024-06-03", "2024-06-04", "2024-06-05"]),
            "rectified_at": pd.to_datetime([None, None, None, "2024-06-10", "2024-07-02"]),
        }
    )
    good = m.evaluation_metrics(e, JUNE, "good_rate")
    assert good["good"] == 3 and good["bad"] == 2 and good["good_rate"] == pytest.approx(0.6)
    assert good["rectified_rate"] == pytest.approx(0.5)
    assert good["by_rating"] == {"5": 1, "4": 1, "3": 1, "2": 1, "1": 1}
    assert (good["online"], good["offline"]) == (3, 2)
    assert m.evaluation_metrics(e, JUNE, "satisfied_rate")["satisfaction"] == pytest.approx(0.4)
    assert m.evaluation_metrics(e, JUNE, "mean_rating")["satisfaction"] == pytest.approx(0.6)


def test_complaints():
    """投诉办结率 over complaints received in the period; 回访满意率 over those answered."""
    c = pd.DataFrame(
        {
            "complaint_id": ["K1", "K2", "K3", "K4"],
            "source": ["12345热线", "12345热线", "现场", "政务服务平台"],
            "department": pd.array(["甲", None, "甲", "乙"], dtype="string"),
            "received_at": pd.to_datetime(["2024-06-01", "2024-06-02", "2024-06-03", "2024-05-30"]),
            "resolved_at": pd.to_datetime(["2024-06-05", None, "2024-07-01", "2024-06-01"]),
            "callback_satisfied": pd.array([True, None, False, True], dtype="boolean"),
        }
    )
    out = m.complaint_metrics(c, JUNE)
    assert out["total"] == 3
    assert out["by_source"] == {"12345热线": 2, "现场": 1}
    assert out["by_department"] == {"甲": 2}
    assert out["resolved_rate"] == pytest.approx(1 / 3)
    assert out["callback_satisfied_rate"] == pytest.approx(0.5)


def test_rates_are_none_without_base():
    """A rate whose base is zero is None, not NaN or 0."""
    assert m.rate(0, 0) is None
    assert m.change(5, 0) is None
    assert m.change(15, 12) == pytest.approx(0.25)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 45), st.integers(0, 20) | st.none(), st.sampled_from(["I1", "I2", "I3"])), min_size=1, max_size=40))
def test_case_invariants(rows):
    """completed <= received, rates in [0, 1], departments add up, whatever the cases."""
    start = pd.Timestamp("2024-05-20 09:00")
    frame = pd.DataFrame(
        {
            "case_id": [f"C{i}" for i in range(len(rows))],
            "department": ["甲局" if code == "I1" else "乙局" for _, _, code in rows],
            "item_code": [code for _, _, code in rows],
            "township": pd.array([None] * len(rows), dtype="string"),
            "channel": ["窗口"] * len(rows),
            "received_at": [start + pd.Timedelta(days=d) for d, _, _ in rows],
            "completed_at": [start + pd.Timedelta(days=d + w) if w is not None else pd.NaT for d, w, _ in rows],
        }
    )
    cf = m.case_frame(frame, _items(), JUNE, CAL)
    c = m.case_metrics(cf, JUNE)
    assert c["completed"] <= c["received"]
    assert c["instant_same_day"] <= c["instant"] <= c["completed"]
    for key in ("completion_rate", "instant_same_day_rate", "on_time_rate"):
        assert c[key] is None or 0 <= c[key] <= 1
    d = m.department_case_metrics(cf, JUNE)
    assert d["received"].sum() == c["received"]
    assert sum(c["by_department"].values()) == c["received"]


def test_department_catalog_metrics_sum_to_catalog():
    """Per-department catalog counts add up to the district catalog as of the period end."""
    per = m.department_catalog_metrics(_items(), JUNE)
    assert per["items"].to_dict() == {"甲局": 1, "乙局": 2}
    assert per.loc["乙局", "item_online_rate"] == pytest.approx(0.5)
    assert per["items"].sum() == m.catalog_metrics(_items(), JUNE)["items"]


def test_township_report_timeliness():
    """Township reports due in the period count as on time only when submitted by their due date."""
    reports = pd.DataFrame(
        {
            "township": ["东镇", "东镇", "西乡", "西乡"],
            "month": ["2024-06"] * 4,
            "report": ["月报", "专报", "月报", "月报"],
            "due": pd.to_datetime(["2024-06-05", "2024-06-20", "2024-06-05", "2024-07-05"]),
            "submitted": pd.to_datetime(["2024-06-05", "2024-06-21", None, "2024-07-01"]),
        }
    )
    got = m.township_report_metrics(reports, JUNE)
    assert (got["due"], got["on_time"]) == (3, 1)
    assert got["on_time_rate"] == pytest.approx(1 / 3)
    assert got["late_by_township"] == {"东镇": 1, "西乡": 1}


def test_staff_ranking_shares_ranks_on_ties():
    """Staff ranking uses only the period's month and gives tied scores the same rank."""
    scores = pd.DataFrame(
        {
            "month": ["2024-06", "2024-06", "2024-06", "2024-05"],
            "staff": ["张三", "李四", "王五", "张三"],
            "department": ["甲局", "乙局", "乙局", "甲局"],
            "score": [98.0, 99.0, 98.0, 60.0],
        }
    )
    table = m.staff_ranking(scores, JUNE)
    assert table["staff"].tolist() == ["李四", "王五", "张三"]  # ties by department name
    assert table["rank"].tolist() == [1, 2, 2]


def test_attendance_counts():
    """Attendance findings are counted by kind and department within the period only."""
    rows = pd.DataFrame(
        {
            "date": pd.to_datetime(["2024-06-03", "2024-06-04", "2024-07-01"]),
            "staff": ["张三", "李四", "王五"],
            "department": ["甲局", "甲局", "乙局"],
            "kind": ["迟到", "脱岗", "迟到"],
        }
    )
    got = m.attendance_metrics(rows, JUNE)
    assert got == {"total": 2, "by_kind": {"脱岗": 1, "迟到": 1}, "by_department": {"甲局": 2}}


def test_targets_met_and_unknown():
    """A target is met, missed, or unknown (None) when its figure is absent."""
    from bulletin.config import Target

    targets = [Target("online_rate", "网上可办率", min=1.0), Target("completion_rate", "办结率", min=0.99),
               Target("overdue_open", "超期未办", max=0), Target("unknown_metric", "未知")]
    got = m.target_status(targets, {"online_rate": 1.0, "completion_rate": 0.98, "overdue_open": 0})
    assert [t["met"] for t in got] == [True, False, True, None]


def test_compare_counts_relative_rates_in_points():
    """同比/环比 compare counts as relative change and rates as differences in fraction points."""
    this = {"received": 120, "completed": 100, "instant": 0, "early": 5, "overdue_open": 0,
            "completion_rate": 0.95, "instant_same_day_rate": None, "on_time_rate": 0.99}
    base = {"received": 100, "completed": 100, "instant": 0, "early": 10, "overdue_open": 3,
            "completion_rate": 0.948, "instant_same_day_rate": 0.9, "on_time_rate": 0.99}
    got = m.compare(this, base)
    assert got["received"] == pytest.approx(0.2) and got["completed"] == 0 and got["early"] == pytest.approx(-0.5)
    assert got["instant"] is None and got["overdue_open"] == pytest.approx(-1.0)
    assert got["completion_rate"] == pytest.approx(0.002) and got["instant_same_day_rate"] is None


def test_issue_date_is_fifth_workday_after_period():
    """The issue date is the fifth working day after the period, 调休 days counted, 7 days beyond the calendar."""
    from bulletin.figures.compute import issue_date

    assert issue_date(CAL, parse_period("2024-09")) == "2024-10-12"  # 国庆 off, 10-12 (Sat) is a 调休 workday
    assert issue_date(CAL, parse_period("2026-12")) == "2027-01-07"  # beyond the calendar: 7 days later


def test_certificates_by_type_and_month():
    """Certificate counts are summed by type and by month over the period's months only."""
    rows = pd.DataFrame({"month": ["2024-04", "2024-05", "2024-05", "2024-07"], "cert_type": ["营业执照", "营业执照", "结婚证", "营业执照"],
                         "count": [3, 4, 5, 100]})
    got = m.certificate_metrics(rows, parse_period("2024-Q2"))
    assert got == {"total": 12, "by_type": {"营业执照": 7, "结婚证": 5}, "by_month": {"2024-04": 3, "2024-05": 9, "2024-06": 0}}

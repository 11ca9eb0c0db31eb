"""Deterministic sample exports for three fictional districts (示例数据), shaped like real platform exports.

Each district exports differently, as real ones do: 云河区 UTF-8 with BOM and ISO times, 桐山县 GB18030
with `2024/06/03 09:12` and rating words, 澜溪市 UTF-8 with `2024年6月3日` and its small tables as
.xlsx under a title row. Cases and evaluations are one file per month in folders `cases/`,
`evaluations/`. Everything is drawn with numpy's seeded generator, vectorized; same arguments, same bytes.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd
import yaml
from openpyxl import Workbook

from bulletin.document.attachments import reproducible_xlsx
from bulletin.figures.workdays import builtin_calendar
from bulletin.figures.periods import parse_period
from bulletin.data.tables import TABLE_NAMES
from bulletin.vocabulary import EVAL_OFFLINE, EVAL_ONLINE, INSTANT, ITEM_TYPES, ONLINE_CHANNELS, RATING_LABELS, WINDOW
from bulletin.project import scheme_text

DEMO_DISTRICTS: tuple[str, ...] = ("yunhe", "tongshan", "lanxi")

DEMO_SCHEME_TITLE = "政务服务工作绩效考核办法(示例)"
DEMO_SCHEME_HEADER = "政务服务工作绩效考核办法(示例)——示例数据所用的考核办法。"
DEPARTMENTS = (
    "市场监督管理局", "公安局", "人力资源和社会保障局", "不动产登记中心", "税务局", "住房和城乡建设局",
    "自然资源局", "交通运输局", "卫生健康委员会", "民政局", "教育局", "医疗保障局", "生态环境局",
    "农业农村局", "水利局", "商务局", "文化广电旅游局", "应急管理局", "司法局", "退役军人事务局",
    "城市管理局", "住房公积金管理中心", "残疾人联合会", "供电公司", "自来水公司", "燃气公司",
    "发展和改革局", "财政局", "统计局", "档案馆", "气象局",
)
NOT_STATIONED = ("统计局", "档案馆", "气象局")
ITEM_NAMES = {  # typical catalog entries of the busiest departments
    "市场监督管理局": ("企业设立登记", "企业变更登记", "企业注销登记", "个体工商户登记", "食品经营许可", "药品零售企业许可",
                "特种设备使用登记", "营业执照补办"),
    "公安局": ("居民身份证申领", "居民身份证换领", "户口迁移", "出生登记", "临时身份证明", "机动车登记", "驾驶证换证",
            "出入境证件签发"),
    "人力资源和社会保障局": ("社会保险登记", "失业保险金申领", "灵活就业人员参保登记", "养老保险关系转移", "社保卡申领",
                   "就业创业证申领", "职业技能补贴申领"),
    "不动产登记中心": ("不动产首次登记", "不动产转移登记", "不动产抵押登记", "不动产变更登记", "不动产注销登记",
                "不动产登记资料查询", "预告登记"),
    "税务局": ("发票领用", "税务登记信息变更", "增值税申报", "个人所得税汇算清缴", "完税证明开具", "跨区域涉税事项报告"),
    "住房和城乡建设局": ("建筑工程施工许可", "商品房预售许可", "建设工程竣工验收备案", "建筑业企业资质核准"),
    "医疗保障局": ("医保关系转移接续", "异地就医备案", "门诊慢特病待遇认定", "医疗费用手工报销"),
    "民政局": ("结婚登记", "离婚登记", "最低生活保障审核", "社会团体登记", "殡葬补贴申领"),
    "交通运输局": ("道路运输经营许可", "道路运输证配发", "从业资格证换证", "出租汽车驾驶员证核发"),
    "卫生健康委员会": ("医疗机构执业登记", "医师执业注册", "出生医学证明补发", "公共场所卫生许可"),
}
ITEM_OBJECTS = ("资格", "许可证", "资质证书", "备案证明", "档案", "补贴", "登记证")
ITEM_ACTIONS = ("核发", "变更", "延续", "注销", "补办", "查询")
SURNAMES = tuple("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕")
GIVEN = ("伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超",
         "秀英", "华", "慧", "建华", "志强", "晓东", "海燕", "玉兰", "文博", "子涵", "雨萱", "浩然", "思远")
FINDINGS = {
    "到岗": ("窗口工作人员上班时间未按时到岗", "工作时间窗口空岗未摆放暂离牌", "午间值守人员未在岗"),
    "着装": ("工作人员未按规定统一着装", "工作人员未佩戴工作牌"),
    "服务态度": ("窗口人员对群众咨询解答不耐心", "工作时间玩手机、闲聊,群众等候"),
    "一口受理": ("要求群众到其他窗口重复提交材料", "未执行一次性告知制度"),
    "日清周结": ("办件未按日清周结要求及时录入系统", "已办结事项未及时在系统中办结"),
    "卷宗": ("办件卷宗材料不齐全", "卷宗未按要求及时归档"),
}
COMPLAINT_TEXT = (
    "群众反映在{d}窗口办理业务等候时间过长,联系电话{p}。",
    "来电人称在{d}办理事项时被要求重复提交材料,身份证号{i},联系电话{p}。",
    "反映{d}窗口工作人员解释政策不清楚,请求回复,电话{p}。",
    "投诉{d}网上申报后长时间无人审核,联系人电话{p}。",
)
COMPLAINT_SOURCES = ("12345热线", "政务服务平台", "办不成事窗口", "现场")
COMPLAINT_CATEGORIES = ("服务态度", "办事效率", "政策咨询", "系统问题")
SERVICES = ("延时服务", "预约服务", "上门服务", "午间不间断服务", "帮办代办")
CERTIFICATES = ("营业执照", "食品经营许可证", "不动产权证书", "结婚证", "社会保障卡", "道路运输证")


@dataclass(frozen=True)
class Profile:
    """How one fictional district looks and exports."""

    id: str
    code: str
    name: str
    scope: str
    issuer: str
    doc_prefix: str
    cases_per_month: int
    encoding: str
    style: str  # iso / slash / chinese date style of the export
    rating_words: bool
    satisfaction: str
    townships: tuple[str, ...]
    excel_tables: tuple[str, ...] = ()


PROFILES = {
    "yunhe": Profile("yunhe", "YH", "云河区", "全区", "云河区政务服务和数据管理局", "云政务通", 12000, "utf-8-sig",
                     "iso", False, "good_rate",
                     ("东湖街道", "西城街道", "青石镇", "云岭镇", "白沙镇", "枫桥镇", "柳溪镇", "石门乡", "河口乡", "高新区管委会")),
    "tongshan": Profile("tongshan", "TS", "桐山县", "全县", "桐山县行政审批服务局", "桐审批", 5000, "gb18030",
                        "slash", True, "satisfied_rate",
                        ("城关镇", "桐林镇", "南山镇", "北坪镇", "大坝镇", "溪口乡", "松岗乡", "梅岭乡", "龙潭乡", "凤凰街道", "工业园区管委会")),
    "lanxi": Profile("lanxi", "LX", "澜溪市", "全市", "澜溪市政务服务中心", "澜政服", 8000, "utf-8", "chinese", True,
                     "mean_rating",
                     ("澜江街道", "新溪街道", "望海街道", "桥头镇", "金滩镇", "竹园镇", "清水镇", "横山乡", "浦口乡", "经济开发区管委会"),
                     ("departments", "townships", "items", "inspections", "assessment")),
}


# --- formatting as the district's export does ---------------------------------------------------


def _fmt_dates(values: pd.Series, style: str, with_time: bool) -> pd.Series:
    """Timestamps as export text in the district's style; NaT as empty."""
    v = pd.to_datetime(values)
    if style == "iso":
        text = v.dt.strftime("%Y-%m-%d %H:%M:%S" if with_time else "%Y-%m-%d")
    elif style == "slash":
        text = v.dt.strftime("%Y/%m/%d %H:%M" if with_time else "%Y/%m/%d")
    else:
        text = (v.dt.year.astype("Int64").astype(str) + "年" + v.dt.month.astype("Int64").astype(str) + "月"
                + v.dt.day.astype("Int64").astype(str) + "日")
        if with_time:
            text = text + " " + v.dt.strftime("%H:%M")
    return text.where(v.notna(), "")


def _yes_no(values: pd.Series) -> pd.Series:
    return values.map({True: "是", False: "否"}).fillna("")


def _put(path: Path, data: bytes) -> None:
    """Write a file unless it already holds these bytes (so its mtime, and the validated store, stay valid)."""
    if path.is_file() and path.read_bytes() == data:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def _csv_bytes(frame: pd.DataFrame, encoding: str) -> bytes:
    return frame.to_csv(index=False, lineterminator="\n").encode(encoding)


def _xlsx_bytes(frame: pd.DataFrame, title: str) -> bytes:
    """An .xlsx with a merged title row above the header, as exports often have."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Sheet1"
    sheet.append([title])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=max(1, len(frame.columns)))
    sheet.append(list(frame.columns))
    for row in frame.astype(object).where(frame.notna(), None).itertuples(index=False):
        sheet.append(["" if v is None else v for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return reproducible_xlsx(buffer.getvalue())


class _Exports:
    """One district's export folder as this demo writes it: each table in the district's format, and what it wrote."""

    def __init__(self, folder: Path, profile: Profile):
        self.folder, self.profile = folder, profile
        self.written: set[Path] = set()  # files written (or found identical) so far

    def _put(self, path: Path, data: bytes) -> None:
        self.written.add(path)
        _put(path, data)

    def table(self, frame: pd.DataFrame, table: str, title: str) -> None:
        """One file for the table: .xlsx with a title row for the district's Excel tables, else CSV."""
        if table in self.profile.excel_tables:
            self._put(self.folder / f"{table}.xlsx", _xlsx_bytes(frame, f"{self.profile.name}{title}"))
        else:
            self._put(self.folder / f"{table}.csv", _csv_bytes(frame, self.profile.encoding))

    def monthly(self, frame: pd.DataFrame, months: pd.Series, table: str) -> None:
        """A folder of monthly CSV files for the table."""
        for month, part in frame.groupby(months.to_numpy(), sort=True):
            self._put(self.folder / table / f"{month}.csv", _csv_bytes(part, self.profile.encoding))

    def remove_stale(self) -> None:
        """Remove table files an earlier demo wrote that this one did not (e.g. months outside the new range).

        Only files named after the tables are touched; files this demo wrote (or found identical) stay, so their
        mtimes, and any cache keyed on them, remain valid.
        """
        for table in TABLE_NAMES:
            candidates = [self.folder / f"{table}.{ext}" for ext in ("csv", "xlsx", "parquet")]
            sub = self.folder / table
            if sub.is_dir():
                candidates += sorted(p for p in sub.iterdir() if p.suffix in (".csv", ".xlsx", ".parquet"))
            for path in candidates:
                if path.is_file() and path not in self.written:
                    path.unlink()
            if sub.is_dir() and not any(sub.iterdir()):
                sub.rmdir()


# --- drawing ------------------------------------------------------------------------------------


def _names(rng: np.random.Generator, n: int) -> np.ndarray:
    """n distinct fictional personal names."""
    pool = np.array([s + g for s in SURNAMES for g in GIVEN])
    return pool[rng.choice(len(pool), size=n, replace=False)]


def _random_days(rng: np.random.Generator, workdays: np.ndarray, month_of_day: np.ndarray, months: np.ndarray) -> np.ndarray:
    """One random working day in each given month index."""
    starts = np.searchsorted(month_of_day, months, side="left")
    ends = np.searchsorted(month_of_day, months, side="right")
    return workdays[starts + (rng.random(len(months)) * (ends - starts)).astype("int64")]


def _departments(rng: np.random.Generator) -> pd.DataFrame:
    stationed = np.array([d not in NOT_STATIONED for d in DEPARTMENTS])
    return pd.DataFrame(
        {
            "department": list(DEPARTMENTS),
            "stationed": stationed,
            "windows": np.where(stationed, rng.integers(1, 9, len(DEPARTMENTS)), 0),
            "staff": np.where(stationed, rng.integers(2, 15, len(DEPARTMENTS)), 0),
        }
    )


def _items(rng: np.random.Generator, profile: Profile, stationed: list[str], first: date, last: date) -> pd.DataFrame:
    per_department = rng.integers(8, 30, len(stationed))
    department = np.repeat(stationed, per_department)
    n = len(department)
    kind = rng.choice(list(ITEM_TYPES), n, p=[0.42, 0.23, 0.35])
    legal = np.where(kind == INSTANT, 0, rng.choice([5, 10, 15, 20, 30, 60], n))
    promised = np.where(kind == INSTANT, 0, np.maximum(1, np.ceil(legal * rng.uniform(0.1, 0.5, n)))).astype(int)
    before = rng.integers(3, 9, n)
    steps = np.minimum(before, rng.integers(1, 4, n))
    span = (last - first).days
    # A few items are added or cancelled during the range; each department's first item stays in the
    # catalog throughout, so cases always have an active item of their department to fall back on.
    first_of_department = np.zeros(n, dtype=bool)
    first_of_department[np.cumsum(per_department) - per_department] = True
    added = np.where((rng.random(n) < 0.05) & ~first_of_department, rng.integers(span // 4, span + 1, n), -1)
    cancelled = np.where((rng.random(n) < 0.03) & (added < 0) & ~first_of_department, rng.integers(span // 4, span + 1, n), -1)
    start = pd.Timestamp(first)
    names = np.concatenate([_item_names(rng, d, k) for d, k in zip(stationed, per_department)])
    return pd.DataFrame(
        {
            "item_code": [f"{profile.code}-{i:04d}" for i in range(1, n + 1)],
            "item_name": names,
            "department": department,
            "item_type": kind,
            "legal_days": legal,
            "promised_days": promised,
            "steps_before": before,
            "steps": steps,
            "online": rng.random(n) < 0.92,
            "added_on": [start + pd.Timedelta(days=int(d)) if d >= 0 else pd.NaT for d in added],
            "cancelled_on": [start + pd.Timedelta(days=int(d)) if d >= 0 else pd.NaT for d in cancelled],
        }
    )


def _item_names(rng: np.random.Generator, department: str, count: int) -> np.ndarray:
    """count distinct item names for one department: its typical entries first, then generic ones."""
    stem = department.removesuffix("局").removesuffix("中心").removesuffix("委员会")
    generic = [f"{stem}{o}{a}" for o in ITEM_OBJECTS for a in ITEM_ACTIONS]
    own = list(ITEM_NAMES.get(department, ()))
    pool = own + [generic[i] for i in rng.permutation(len(generic))]
    return np.array(pool[:count])


def _id_numbers(rng: np.random.Generator, n: int) -> np.ndarray:
    """n fictional 18-digit ID numbers: area code, a real birth date, sequence and a valid check digit."""
    born = np.datetime64("1955-01-01") + rng.integers(0, 50 * 365, n).astype("timedelta64[D]")
    body = np.char.add(np.char.add(rng.integers(110101, 654326, n).astype(str),
                                   np.datetime_as_string(born, unit="D").astype("U10")),
                       np.char.zfill(rng.integers(0, 1000, n).astype(str), 3))
    body = np.char.replace(body, "-", "")
    digits = np.asarray(body, dtype="U17").view("U1").reshape(n, 17).astype(int)
    weights = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])
    check = np.array(list("10X98765432"))[(digits * weights).sum(axis=1) % 11]
    return np.char.add(body, check)


def _cases(rng, profile: Profile, items: pd.DataFrame, townships: list[str], months: list[str], scale: float,
           workdays: np.ndarray, month_of_day: np.ndarray) -> pd.DataFrame:
    calendar = builtin_calendar()
    index = np.arange(len(months))
    season = np.array([0.75, 0.8, 1.05, 1.0, 1.0, 1.08, 1.02, 0.98, 1.0, 0.9, 1.05, 1.12])
    month_no = np.array([int(m[5:]) for m in months]) - 1
    years = np.array([int(m[:4]) for m in months]) - int(months[0][:4])
    mean = profile.cases_per_month * scale * season[month_no] * (1.08 ** years)
    counts = np.maximum(rng.poisson(np.maximum(mean, 1.0)), 3)
    month_index = np.repeat(index, counts)
    n = len(month_index)
    popularity = rng.pareto(1.2, len(items)) + 0.2
    popularity = np.minimum(popularity, np.quantile(popularity, 0.98))  # no single item takes most of the cases
    popularity = np.where(items["added_on"].notna() | items["cancelled_on"].notna(), popularity * 0.05, popularity)
    popularity = np.where(items["item_type"] == INSTANT, popularity * 3, popularity)  # a hall's busiest items are 即办
    item = rng.choice(len(items), n, p=popularity / popularity.sum())
    day = _random_days(rng, workdays, month_of_day, month_index)
    # A case only uses an item in the catalog on its day; otherwise its department's first (permanent) item.
    added_on = items["added_on"].to_numpy(dtype="datetime64[D]")[item]
    cancelled_on = items["cancelled_on"].to_numpy(dtype="datetime64[D]")[item]
    inactive = (added_on > day) | (cancelled_on <= day)  # NaT compares False: no date, no limit
    fallback = items.groupby("department", sort=False).cumcount().to_numpy()
    fallback = np.arange(len(items)) - fallback  # index of each item's department's first item
    item = np.where(inactive, fallback[item], item)
    item_type = items["item_type"].to_numpy()[item]
    department = items["department"].to_numpy()[item]
    received = pd.Series(day.astype("datetime64[ns]")) + pd.to_timedelta(
        8.5 * 3600 + rng.integers(0, 9 * 3600, n), unit="s")
    instant = item_type == INSTANT
    promised = items["promised_days"].to_numpy()[item].astype(float)
    late = rng.random(n) < 0.015
    work = np.where(instant, np.where(rng.random(n) < 0.97, 0, rng.integers(1, 3, n)),
                    np.floor(promised * rng.uniform(0.05, 0.95, n)) + np.where(late, rng.integers(1, 6, n), 0))
    done_day = calendar.deadlines(received, pd.Series(work))
    same_day = work == 0
    completed = pd.Series(np.where(
        same_day,
        (received + pd.to_timedelta(rng.integers(5 * 60, 3 * 3600, n), unit="s")).to_numpy(),
        (done_day + pd.to_timedelta(9 * 3600 + rng.integers(0, 8 * 3600, n), unit="s")).to_numpy(),
    ))
    last_month = month_index >= len(months) - 1
    open_ = (rng.random(n) < np.where(last_month, 0.03, 0.002)) & ~instant
    completed = completed.where(~open_)
    dept_names = np.unique(department)
    online_share = dict(zip(dept_names, rng.uniform(0.15, 0.8, len(dept_names))))
    online = rng.random(n) < pd.Series(department).map(online_share).to_numpy()
    channel = np.where(online, rng.choice(list(ONLINE_CHANNELS), n, p=[0.3, 0.45, 0.25]), WINDOW)
    township = np.where(rng.random(n) < 0.3, rng.choice(townships, n), "")
    order = np.lexsort((department, received.to_numpy()))
    frame = pd.DataFrame(
        {
            "month": np.array(months)[month_index],
            "department": department,
            "item_code": items["item_code"].to_numpy()[item],
            "township": township,
            "channel": channel,
            "received_at": received,
            "completed_at": completed,
        }
    ).iloc[order].reset_index(drop=True)
    seq = frame.groupby("month").cumcount() + 1
    frame.insert(0, "case_id", profile.code + frame["month"].str.replace("-", "") + seq.astype(str).str.zfill(6))
    return frame


def _evaluations(rng, profile: Profile, cases: pd.DataFrame, end: pd.Timestamp) -> pd.DataFrame:
    done = cases.loc[cases["completed_at"].notna()]
    pick = done.loc[rng.random(len(done)) < 0.5]
    n = len(pick)
    online = pick["channel"].ne(WINDOW).to_numpy() | (rng.random(n) < 0.3)
    # Offline ratings (评价器 at the window) come minutes after completion; online ones within two days.
    delay = np.where(online, rng.integers(10 * 60, 2 * 86400, n), rng.integers(30, 20 * 60, n))
    when = pick["completed_at"] + pd.to_timedelta(delay, unit="s")
    worse = set(rng.choice(sorted(cases["department"].unique()), 3, replace=False))
    is_worse = pick["department"].isin(worse).to_numpy()
    u = rng.random(n)
    thresholds = np.where(is_worse[:, None], [0.70, 0.86, 0.93, 0.975], [0.86, 0.962, 0.985, 0.995])
    rating = 5 - (u[:, None] > thresholds).sum(axis=1)
    bad = rating <= 2
    rectified = pd.Series(when.to_numpy() + pd.to_timedelta(rng.integers(1, 6, n), unit="D").to_numpy())
    rectified = rectified.where(bad & (rng.random(n) < 0.8))
    frame = pd.DataFrame(
        {
            "eval_id": [f"PJ{profile.code}{i:08d}" for i in range(1, n + 1)],
            "case_id": pick["case_id"].to_numpy(),
            "department": pick["department"].to_numpy(),
            "channel": np.where(online, EVAL_ONLINE, EVAL_OFFLINE),
            "rating": rating,
            "evaluated_at": when.to_numpy(),
            "rectified_at": rectified.to_numpy(),
        }
    )
    return frame.loc[frame["evaluated_at"] < end].sort_values(["evaluated_at", "eval_id"], kind="stable").reset_index(drop=True)


def _monthly_rows(rng, months: list[str], per_month: float, workdays, month_of_day) -> tuple[np.ndarray, np.ndarray]:
    """For small event tables: each row's month index and a working day in it."""
    counts = rng.poisson(per_month, len(months))
    month_index = np.repeat(np.arange(len(months)), counts)
    return month_index, _random_days(rng, workdays, month_of_day, month_index)


def _complaints(rng, profile, stationed, months, scale, workdays, month_of_day) -> pd.DataFrame:
    month_index, day = _monthly_rows(rng, months, max(35 * scale ** 0.5, 3), workdays, month_of_day)
    n = len(month_index)
    received = pd.Series(day.astype("datetime64[ns]")) + pd.to_timedelta(rng.integers(8 * 3600, 18 * 3600, n), unit="s")
    department = rng.choice(stationed, n)
    phones = ["1" + str(x) for x in rng.integers(3_000_000_000, 9_999_999_999, n)]
    ids = _id_numbers(rng, n)
    template = rng.integers(0, len(COMPLAINT_TEXT), n)
    content = [COMPLAINT_TEXT[t].format(d=d, p=p, i=i) for t, d, p, i in zip(template, department, phones, ids)]
    resolved = received + pd.to_timedelta(rng.integers(1, 8, n), unit="D")
    resolved = resolved.where(rng.random(n) < 0.95)
    callback = np.where(rng.random(n) < 0.8, rng.random(n) < 0.9, None)
    return pd.DataFrame(
        {
            "complaint_id": [f"TS{profile.code}{i:06d}" for i in range(1, n + 1)],
            "source": rng.choice(COMPLAINT_SOURCES, n, p=[0.5, 0.25, 0.15, 0.1]),
            "department": np.where(rng.random(n) < 0.9, department, ""),
            "category": rng.choice(COMPLAINT_CATEGORIES, n),
            "content": content,
            "received_at": received,
            "resolved_at": resolved,
            "callback_satisfied": pd.Series(callback, dtype="boolean"),
        }
    )


def _inspections(rng, stationed, staff, months, workdays, month_of_day) -> pd.DataFrame:
    month_index, day = _monthly_rows(rng, months, 14, workdays, month_of_day)
    n = len(month_index)
    category = rng.choice(list(FINDINGS), n, p=[0.25, 0.15, 0.15, 0.15, 0.15, 0.15])
    finding = [FINDINGS[c][k % len(FINDINGS[c])] for c, k in zip(category, rng.integers(0, 6, n))]
    person = staff.iloc[rng.integers(0, len(staff), n)]
    has_staff = rng.random(n) < 0.6
    return pd.DataFrame(
        {
            "date": day.astype("datetime64[ns]"),
            "department": np.where(has_staff, person["department"].to_numpy(), rng.choice(stationed, n)),
            "category": category,
            "finding": finding,
            "deduction": rng.choice([0.5, 1.0, 2.0], n, p=[0.5, 0.35, 0.15]),
            "staff": np.where(has_staff, person["staff"].to_numpy(), ""),
        }
    ).sort_values(["date", "department"], kind="stable")


def _assessment(rng, profile, stationed, months) -> pd.DataFrame:
    grid = pd.MultiIndex.from_product([months, stationed], names=["month", "department"]).to_frame(index=False)
    n = len(grid)
    lead = grid.assign(item="leadership" if profile.id == "yunhe" else "领导重视",
                       points=rng.choice([0.0, 1.0, 2.0, 3.0, 4.0, 5.0], n, p=[0.15, 0.2, 0.25, 0.2, 0.12, 0.08]))
    bonus = grid.loc[rng.random(n) < 0.08].copy()
    bonus = bonus.assign(item="创新加分", points=rng.choice([1.0, 2.0, 3.0, 5.0, 8.0, 10.0], len(bonus),
                                                        p=[0.3, 0.25, 0.2, 0.12, 0.08, 0.05]))
    return pd.concat([lead, bonus], ignore_index=True)[["department", "item", "points", "month"]]


def _staff(rng, stationed) -> pd.DataFrame:
    names = _names(rng, 2 * len(stationed))
    return pd.DataFrame({"staff": names, "department": np.repeat(stationed, 2)})


def write_demo(data_dir: Path, params_dir: Path, *, districts: Sequence[str] | None = None, first_month: str = "2023-01",
               last_month: str = "2024-12", scale: float = 1.0, seed: int = 2024) -> list[str]:
    """Write sample exports for the demo districts into data_dir/<id>/ and params_dir/districts/<id>.yaml; return the ids."""
    chosen = list(districts or DEMO_DISTRICTS)
    first, last = parse_period(first_month), parse_period(last_month)
    months = [p.text for p in parse_period(f"{first.text}..{last.text}").month_periods()]
    workdays = builtin_calendar().workdays_between(first.start, last.end)
    month_of_day = (workdays.astype("datetime64[M]") - np.datetime64(first.text, "M")).astype("int64")
    for district in chosen:
        profile = PROFILES[district]
        rng = np.random.default_rng(seed + DEMO_DISTRICTS.index(district))  # independent of which are chosen
        folder = Path(data_dir) / district
        folder.mkdir(parents=True, exist_ok=True)
        exports = _Exports(folder, profile)
        _write_district(rng, exports, months, scale, workdays, month_of_day, first.start, last.end)
        exports.remove_stale()
        _write_params(Path(params_dir), profile)
    scheme = Path(params_dir) / "scoring" / "demo.yaml"
    if not scheme.exists():  # the scheme a new project gets from `bulletin init`, named as the demo's
        scheme.parent.mkdir(parents=True, exist_ok=True)
        scheme.write_text(scheme_text(DEMO_SCHEME_TITLE, DEMO_SCHEME_HEADER), encoding="utf-8")
    _write_region(Path(params_dir), chosen)
    runs = Path(params_dir) / "runs" / "demo.yaml"
    if not runs.exists():
        runs.parent.mkdir(parents=True, exist_ok=True)
        runs.write_text("districts: [yunhe, tongshan, lanxi]\nregions: [shili]\n"
                        "periods: [2024-06, 2024-12, 2024-Q2, 2024-Q4, 2024-H1, 2024, 2024-01..2024-11]\n",
                        encoding="utf-8")
    return chosen


def _write_district(rng, out: _Exports, months: list[str], scale: float, workdays, month_of_day,
                    first: date, last: date) -> None:
    profile = out.profile
    style = profile.style
    departments = _departments(rng)
    stationed = departments.loc[departments["stationed"], "department"].tolist()
    out.table(pd.DataFrame({"单位名称": departments["department"], "是否进驻": _yes_no(departments["stationed"]),
                            "窗口数": departments["windows"], "工作人员数": departments["staff"]}),
              "departments", "进驻单位名单")
    kinds = ["街道" if t.endswith("街道") else "管委会" if t.endswith("管委会") else "乡" if t.endswith("乡") else "镇"
             for t in profile.townships]
    out.table(pd.DataFrame({"乡镇街道": list(profile.townships), "类型": kinds}), "townships", "乡镇街道")

    items = _items(rng, profile, stationed, first, last)
    out.table(pd.DataFrame({
        "事项编码": items["item_code"], "事项名称": items["item_name"], "实施单位": items["department"],
        "办件类型": items["item_type"], "法定时限": items["legal_days"], "承诺时限": items["promised_days"],
        "原环节数": items["steps_before"], "办理环节数": items["steps"], "网上可办": _yes_no(items["online"]),
        "新增日期": _fmt_dates(items["added_on"], style, False), "取消日期": _fmt_dates(items["cancelled_on"], style, False),
    }), "items", "政务服务事项目录")

    cases = _cases(rng, profile, items, list(profile.townships), months, scale, workdays, month_of_day)
    out.monthly(pd.DataFrame({
        "办件编号": cases["case_id"], "受理单位": cases["department"], "事项编码": cases["item_code"],
        "乡镇街道": cases["township"], "申办渠道": cases["channel"],
        "受理时间": _fmt_dates(cases["received_at"], style, True), "办结时间": _fmt_dates(cases["completed_at"], style, True),
    }), cases["month"], "cases")

    end = pd.Timestamp(last) + pd.Timedelta(days=1)
    evaluations = _evaluations(rng, profile, cases, end)
    ratings = evaluations["rating"].map(RATING_LABELS) if profile.rating_words else evaluations["rating"].astype(str)
    out.monthly(pd.DataFrame({
        "评价编号": evaluations["eval_id"], "办件编号": evaluations["case_id"], "被评价单位": evaluations["department"],
        "评价渠道": evaluations["channel"], "评价等级": ratings,
        "评价时间": _fmt_dates(evaluations["evaluated_at"], style, True), "整改时间": _fmt_dates(evaluations["rectified_at"], style, True),
    }), evaluations["evaluated_at"].dt.strftime("%Y-%m"), "evaluations")

    complaints = _complaints(rng, profile, stationed, months, scale, workdays, month_of_day)
    complaints = complaints.loc[complaints["resolved_at"].isna() | (complaints["resolved_at"] < end)]
    out.table(pd.DataFrame({
        "投诉编号": complaints["complaint_id"], "来源": complaints["source"], "涉及单位": complaints["department"],
        "类别": complaints["category"], "内容": complaints["content"],
        "受理时间": _fmt_dates(complaints["received_at"], style, True), "办结时间": _fmt_dates(complaints["resolved_at"], style, True),
        "回访满意": _yes_no(complaints["callback_satisfied"].astype(object)),
    }), "complaints", "投诉台账")

    staff = _staff(rng, stationed)
    inspections = _inspections(rng, stationed, staff, months, workdays, month_of_day)
    out.table(pd.DataFrame({
        "日期": _fmt_dates(inspections["date"], style, False), "单位": inspections["department"], "类别": inspections["category"],
        "问题描述": inspections["finding"], "扣分": inspections["deduction"], "人员": inspections["staff"],
    }), "inspections", "督查通报问题清单")

    assessment = _assessment(rng, profile, stationed, months)
    out.table(assessment.rename(columns={"department": "单位", "item": "考核项目", "points": "得分", "month": "月份"}),
              "assessment", "考核评分")
    _write_small_tables(rng, out, stationed, staff, months, workdays, month_of_day)


def _write_small_tables(rng, out: _Exports, stationed, staff, months, workdays, month_of_day) -> None:
    profile = out.profile
    style = profile.style
    m, day = _monthly_rows(rng, months, 40, workdays, month_of_day)
    out.table(pd.DataFrame({
        "日期": _fmt_dates(pd.Series(day), style, False), "单位": rng.choice(stationed, len(m)),
        "服务类型": rng.choice(SERVICES, len(m)), "次数": rng.integers(1, 25, len(m)),
    }), "services", "便民服务台账")

    grid = pd.MultiIndex.from_product([months, CERTIFICATES]).to_frame(index=False, name=["月份", "证照类型"])
    grid["入库数量"] = rng.poisson(np.resize([800, 300, 500, 120, 900, 60], len(grid)))
    out.table(grid, "certificates", "电子证照入库")

    scores = pd.MultiIndex.from_product([months, range(len(staff))]).to_frame(index=False, name=["月份", "k"])
    person = staff.iloc[scores["k"]]
    out.table(pd.DataFrame({"月份": scores["月份"], "姓名": person["staff"].to_numpy(), "单位": person["department"].to_numpy(),
                            "得分": np.round(80 + 20 * rng.beta(5, 2, len(scores)), 1)}),
              "staff_scores", "工作人员考评")

    m, day = _monthly_rows(rng, months, 4, workdays, month_of_day)
    who = staff.iloc[rng.integers(0, len(staff), len(m))]
    out.table(pd.DataFrame({"日期": _fmt_dates(pd.Series(day), style, False), "姓名": who["staff"].to_numpy(),
                            "单位": who["department"].to_numpy(),
                            "类型": rng.choice(["迟到", "早退", "脱岗", "空岗", "请假未及时"], len(m))}),
              "attendance", "考勤情况")

    m, day = _monthly_rows(rng, months, 4, workdays, month_of_day)
    leaders = ["局长" + n for n in _names(rng, 2)] + ["副局长" + n for n in _names(rng, 3)]
    out.table(pd.DataFrame({"日期": _fmt_dates(pd.Series(day), style, False), "单位": rng.choice(stationed, len(m)),
                            "领导": rng.choice(leaders, len(m)), "接待人数": rng.integers(5, 40, len(m)),
                            "现场办件": rng.integers(2, 20, len(m))}),
              "leader_visits", "局长进大厅")

    grid = pd.MultiIndex.from_product([months, profile.townships, ["月度工作进展", "帮办代办台账"]]).to_frame(
        index=False, name=["月份", "乡镇街道", "报送事项"])
    due = pd.to_datetime(grid["月份"] + "-05") + pd.to_timedelta(np.where(grid["报送事项"] == "帮办代办台账", 20, 0), unit="D")
    delay = np.where(rng.random(len(grid)) < 0.1, rng.integers(1, 4, len(grid)), -rng.integers(0, 3, len(grid)))
    submitted = (due + pd.to_timedelta(delay, unit="D")).where(rng.random(len(grid)) > 0.02)
    out.table(pd.DataFrame({"乡镇街道": grid["乡镇街道"], "月份": grid["月份"], "报送事项": grid["报送事项"],
                            "应报日期": _fmt_dates(due, style, False), "报送日期": _fmt_dates(submitted, style, False)}),
              "township_reports", "乡镇报送情况")


# Analyst notes (存在问题 / 下步工作安排) per period, as an office would write them.
_MONTH_NOTES = {
    # What the figures cannot show (the drafted 存在问题 / 下步 state what they do, see narrative.problems).
    "problems": ("一是部分单位对新进驻事项的办理流程还不够熟悉,窗口人员业务培训有待加强;"
                 "二是个别单位整改回访流于形式,问题整改重结果、轻过程。"),
    "next_steps": "一是组织新进驻事项业务培训,开展窗口岗位练兵;二是建立督查问题台账,整改情况纳入月度考核。",
}
_QUARTER_NOTES = {
    "problems": ("一是乡镇(街道)便民服务中心事项承接不均衡,部分事项仍需群众往返县区大厅办理;"
                 "二是全程网办事项实际网办率不高,线上线下办事标准不够统一;三是个别单位督查问题反复出现,整改不够彻底。"),
    "next_steps": ("一是推动高频事项向乡镇(街道)下沉,开展延伸服务;二是优化一网通办平台功能,提升掌上办、全程网办使用率;"
                   "三是建立督查问题台账,实行销号管理。"),
}
_HALF_NOTES = {
    "problems": ("一是事项标准化程度有待提高,同一事项在不同窗口办理标准不一;二是帮办代办、延时服务等便民举措宣传不够,"
                 "群众知晓率不高;三是窗口工作人员业务能力参差不齐,综合受理能力仍需提升。"),
    "next_steps": ("一是全面梳理事项办事指南,统一受理标准;二是加大便民服务宣传力度,拓展预约、上门服务覆盖面;"
                   "三是常态化开展窗口人员业务培训和岗位练兵。"),
}
_YEAR_NOTES = {
    "problems": ("一是数据共享不充分,部分证照仍需群众重复提交;二是“高效办成一件事”集成服务覆盖面不够广;"
                 "三是考核激励作用发挥不充分,部分单位创新举措不多。"),
    "next_steps": ("一是加快电子证照归集应用,推动更多事项“免证办”;二是扩大“一件事一次办”事项范围,提升集成服务水平;"
                   "三是完善绩效考核办法,强化考核结果运用,营造比学赶超氛围。"),
}
NOTES = {
    "2024-06": _MONTH_NOTES, "2024-12": _MONTH_NOTES, "2024-Q2": _QUARTER_NOTES, "2024-Q4": _QUARTER_NOTES,
    "2024-H1": _HALF_NOTES, "2024-H2": _HALF_NOTES, "2024": _YEAR_NOTES, "2024-01..2024-11": _YEAR_NOTES,
}


def _write_params(params_dir: Path, profile: Profile) -> None:
    settings = {
        "name": profile.name,
        "scope": profile.scope,
        "issuer": profile.issuer,
        "doc_prefix": profile.doc_prefix,
        "cc": f"{profile.name}人民政府办公室，{profile.scope[1:]}各有关单位",
        "printed_by": f"{profile.issuer}办公室",
        "scoring": "demo",
        "kinds": ["monthly", "quarterly", "half_year", "annual"],
        "satisfaction": profile.satisfaction,
        "demo": True,
        "notes": {period: dict(text) for period, text in NOTES.items()},
        "targets": [
            {"metric": "online_rate", "name": "网上可办率", "min": 0.9, "by": "2024-12"},
            {"metric": "completion_rate", "name": "办结率", "min": 0.99},
            {"metric": "good_rate", "name": "好评率", "min": 0.99},
        ],
    }
    path = params_dir / "districts" / f"{profile.id}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    header = f"# {profile.name}(示例数据,由 bulletin demo 生成)\n"
    path.write_text(header + yaml.safe_dump(settings, allow_unicode=True, sort_keys=False, width=1000), encoding="utf-8")


# --- the demo region: 示例市 over the demo districts -------------------------------------------------

DEMO_REGION = "shili"
_REGION_NOTES = {
    "problems": "一是各县(市、区)办件时效不均衡,个别地方超期未办件仍未清零;二是差评整改回访闭环仍有短板;"
                "三是部分县(市、区)投诉办理不够及时。",
    "next_steps": "一是对超期未办件实行市级督办,按月通报;二是统一好差评整改回访标准,整改情况纳入年度考核;"
                  "三是建立投诉办理周调度机制,限时办结。",
}


def _write_region(params_dir: Path, districts: Sequence[str]) -> None:
    """params/regions/shili.yaml: 示例市 over the demo districts written, one 满意度 definition and a scheme."""
    settings = {
        "name": "示例市",
        "scope": "全市",
        "issuer": "示例市政务服务管理办公室",
        "doc_prefix": "示政管",
        "districts": list(districts),
        "kinds": ["monthly", "quarterly", "half_year", "annual"],
        "satisfaction": "good_rate",
        "scoring": "shili",
        "demo": True,
        "notes": {period: dict(_REGION_NOTES) for period in NOTES},
    }
    path = params_dir / "regions" / f"{DEMO_REGION}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    header = "# 示例市(示例数据,由 bulletin demo 生成):比较所辖各县(市、区)的地区通报\n"
    path.write_text(header + yaml.safe_dump(settings, allow_unicode=True, sort_keys=False, width=1000), encoding="utf-8")

"""Check the integrity of the annual FAI plan against the rules of the minutes.

Each check is a pure function on the canonical contract frames that returns a
:class:`CheckResult`: a verdict (``pass``/``fail``), one line in Chinese and
the offending rows. :func:`run_all_checks` runs them all.

=============================  ==========  =========================================
check                          clause      rule
=============================  ==========  =========================================
``key_share``                  三(一)      key-project plan ≥ 2/3 of the total plan
``key_records``                三(一)      every key project names its four parties
                                           and has node targets
``funding_alignment``          四(一)      the funding plan covers each project's
                                           annual planned investment
``land_alignment``             四(二)      projects needing land have a land-plan
                                           entry and an issued red line
``idle_land``                  四(二)      approved but unbuilt land (批而未建)
``renewal_real_estate``        五          no project both "三旧" and real estate
``plan_changes``               七          additions approved by 市发展改革局; cuts,
                                           changes, cancellations by a city leader
                                           with a document number
``stats_registration``         八          plan projects registered with statistics
``stats_figures``              八          reported completion = statistics figure
=============================  ==========  =========================================

The plan of a year is :func:`zjanalysis.plan.select_plan_projects`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from zjanalysis import coverage, schema
from zjanalysis.asof import AsOf
from zjanalysis.plan import (
    as_bool,
    index_in,
    latest_per_code,
    progress_to_date,
    select_plan_projects,
    table_or_empty,
)

PASS, FAIL = "pass", "fail"
#: Verdict of a check whose table has no row for the plan year: nothing to judge.
NO_DATA = "no_data"
#: The table each check judges, when it is not the ledger itself: a check whose
#: table has no row for the plan year has the verdict NO_DATA, never pass or fail.
CHECK_TABLES: dict[str, str] = {
    "funding_alignment": "funding_plan",
    "land_alignment": "land_plan",
    "idle_land": "land_plan",
    "plan_changes": "plan_changes",
    "stats_registration": "stats_registry",
    "stats_figures": "stats_registry",
}
#: Every table the checks read: errors in these block the checks.
READS: tuple[str, ...] = (
    "projects",
    "milestones",
    "funding_plan",
    "land_plan",
    "plan_changes",
    "stats_registry",
    "project_progress",
)

#: Chinese labels of the key-project parties (minutes 三(一)).
PARTY_ZH: dict[str, str] = {
    "city_leader": "分管市领导",
    "lead_unit": "牵头责任单位",
    "industry_dept": "分管行业部门",
    "builder": "建设单位",
}
#: Approver text naming a city leader (市政府分管或主要领导).
LEADER_PATTERN = re.compile(r"市长|副市长|市领导|市政府|常务副|书记")
#: Approver text naming the development and reform bureau.
NDRC_PATTERN = re.compile(r"发展改革|发展和改革|发改")
#: Change types that add money (need the bureau) and that cut or change it
#: (need a city leader and a document number).
ADDING_CHANGES = ("新增", "调增")
CUTTING_CHANGES = ("调减", "调整", "取消")


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one plan-integrity check.

    Attributes
    ----------
    check : str
        Short code, e.g. ``"key_share"``.
    title_zh : str
        Section title for the report.
    clause : str
        The clause of the minutes the rule comes from, e.g. ``"三(一)"``.
    verdict : str
        ``"pass"`` or ``"fail"``.
    rows : pd.DataFrame
        The offending rows (empty when the check passes), English column names
        (:mod:`zjanalysis.reports.checks` shows them).
    details : dict
        Key figures behind the verdict (totals, shares, counts): the display
        layer (:mod:`zjanalysis.reports.checks`) words them.
    """

    check: str
    title_zh: str
    clause: str
    verdict: str
    rows: pd.DataFrame
    details: dict[str, object] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        """Return True when the verdict is pass."""
        return self.verdict == PASS

    @property
    def no_data(self) -> bool:
        """Return True when there was nothing to check (verdict no_data)."""
        return self.verdict == NO_DATA


def _result(check, title, clause, failed, rows, **details) -> CheckResult:
    return CheckResult(
        check=check,
        title_zh=title,
        clause=clause,
        verdict=FAIL if failed else PASS,
        rows=rows.reset_index(drop=True),
        details=details,
    )


def _blank(series: pd.Series) -> np.ndarray:
    """Return True where a text value is missing or only spaces."""
    text = series if series.dtype == "str" else series.astype(object).astype("str")
    return (text.isna() | text.str.strip().eq("")).fillna(True).to_numpy(dtype=bool)


def _info(plan: pd.DataFrame, extra: tuple[str, ...] = ()) -> pd.DataFrame:
    cols = ["project_id", "name", "county", "department", *extra]
    out = plan[cols].copy()
    return out


def _plan_money(plan: pd.DataFrame) -> np.ndarray:
    return (
        pd.to_numeric(plan["plan_investment"], errors="coerce").fillna(0.0).to_numpy()
    )


# --- 三(一) key projects --------------------------------------------------------------


def check_key_project_share(
    projects: pd.DataFrame, *, year: int, min_share: float = 2.0 / 3.0
) -> CheckResult:
    """Check that the key-project plan is at least two thirds of the total plan.

    The **total FAI plan** is the annual planned investment of all projects in
    the year's plan (:func:`~zjanalysis.plan.select_plan_projects`); the
    key-project plan is the part of it flagged ``is_key``.

    Parameters
    ----------
    projects : pd.DataFrame
        Canonical ``projects`` frame.
    year : int
        Plan year.
    min_share : float, default 2/3
        Required share of the key-project plan; compared in percent rounded to
        one decimal, so 0.667 and 2/3 mean the same.

    Returns
    -------
    CheckResult
        ``rows`` holds one summary row (key plan, total plan, share, required,
        shortfall) when the check fails.

    Notes
    -----
    Minutes 三(一): "按照2021年固定资产投资计划总投资额的三分之二谋划2021年重点项目
    计划". The "total of the FAI plan" is read as the total annual investment of
    the plan's project list, the same ledger and caliber as the key projects:
    the city's statistical FAI also contains investment outside any project
    list (real estate, small projects), so the plan list is what the bureau can
    steer to 2/3. Reserve projects and unfunded 预备 projects are outside the plan.

    Examples
    --------
    >>> p = pd.DataFrame({"project_id": ["a", "b"], "plan_year": [2021, 2021],
    ...     "stage": ["续建", "续建"], "is_key": [True, False],
    ...     "plan_investment": [50.0, 50.0], "name": ["甲", "乙"],
    ...     "county": ["赤坎区"] * 2, "department": ["市水务局"] * 2})
    >>> r = check_key_project_share(p, year=2021)
    >>> r.verdict, r.details["key_share_pct"]
    ('fail', 50.0)
    """
    plan = select_plan_projects(projects, year=year)
    money = _plan_money(plan)
    is_key = as_bool(plan["is_key"])
    key_total = float(money[is_key].sum())
    total = float(money.sum())
    share = key_total / total if total > 0 else np.nan
    required = min_share * total
    shortfall = max(required - key_total, 0.0)
    # shares are compared as published, in percent to one decimal: exactly
    # two thirds (66.67%) and a parameter of 66.7 both read 66.7%
    failed = not (total > 0 and round(100 * share, 1) >= round(100 * min_share, 1))
    summary = pd.DataFrame(
        {
            "scope": [f"{year}年计划项目（新开工、续建、竣工及有计划投资的预备项目）"],
            "n_key": [int(is_key.sum())],
            "n_projects": [len(plan)],
            "key_plan_wan": [key_total],
            "total_plan_wan": [total],
            "key_share_pct": [100.0 * share],
            "required_wan": [required],
            "shortfall_wan": [shortfall],
        }
    )
    return _result(
        "key_share",
        "重点项目计划占总计划三分之二",
        "三(一)",
        failed,
        summary if failed else summary.iloc[0:0],
        key_plan_wan=key_total,
        total_plan_wan=total,
        key_share_pct=100.0 * share,
        min_share_pct=100.0 * min_share,
        shortfall_wan=shortfall,
        summary=summary,
    )


def check_key_project_records(
    projects: pd.DataFrame, milestones: pd.DataFrame, *, year: int
) -> CheckResult:
    """Check that every key project names its four parties and has node targets.

    Parameters
    ----------
    projects : pd.DataFrame
        Canonical ``projects`` frame.
    milestones : pd.DataFrame
        Canonical ``milestones`` frame.
    year : int
        Plan year; the key projects of that year's plan are checked.

    Returns
    -------
    CheckResult
        ``rows``: ``project_id``, ``name``, ``county``, ``department``,
        ``missing`` (e.g. ``分管市领导、无节点目标``).

    Examples
    --------
    >>> p = pd.DataFrame({"project_id": ["a"], "plan_year": [2021], "stage": ["续建"],
    ...     "is_key": [True], "plan_investment": [10.0], "name": ["甲"],
    ...     "county": ["赤坎区"], "department": ["市水务局"], "city_leader": ["张三"],
    ...     "lead_unit": ["市水务局"], "industry_dept": [None], "builder": ["水务集团"]})
    >>> ms = pd.DataFrame({"project_id": ["a"], "milestone": ["开工"]})
    >>> check_key_project_records(p, ms, year=2021).rows["missing"].tolist()
    ['分管行业部门']
    """
    plan = select_plan_projects(projects, year=year)
    key = plan.loc[as_bool(plan["is_key"])].reset_index(drop=True)
    gaps = {
        PARTY_ZH[col]: _blank(key[col]) if col in key else np.ones(len(key), bool)
        for col in schema.KEY_PROJECT_PARTIES
    }
    gaps["无节点目标"] = index_in(key["project_id"], milestones["project_id"]) < 0
    bad = np.logical_or.reduce(list(gaps.values())) if len(key) else np.zeros(0, bool)
    where = np.flatnonzero(bad)
    missing = ["、".join(k for k, g in gaps.items() if g[i]) for i in where]
    rows = _info(key.iloc[where]).assign(missing=missing)
    n_bad = len(rows)
    return _result(
        "key_records",
        "重点项目责任主体和节点目标",
        "三(一)",
        n_bad > 0,
        rows,
        n_key=len(key),
        n_incomplete=n_bad,
    )


# --- 四 three-plan alignment ----------------------------------------------------------


def check_funding_alignment(
    projects: pd.DataFrame,
    funding_plan: pd.DataFrame,
    *,
    year: int,
    tolerance_wan: float = 0.5,
) -> CheckResult:
    """Check that the funding plan covers each plan project's annual investment.

    Parameters
    ----------
    projects : pd.DataFrame
        Canonical ``projects`` frame.
    funding_plan : pd.DataFrame
        Canonical ``funding_plan`` frame; entries of ``year`` are summed over
        sources per project.
    year : int
        Plan year.
    tolerance_wan : float, default 0.5
        A gap up to this many 万元 (rounding in the bureaus' sheets) passes;
        a project funded exactly at its plan always passes.

    Returns
    -------
    CheckResult
        ``rows``: ``project_id``, ``name``, ``county``, ``department``,
        ``plan_wan``, ``funded_wan``, ``gap_wan`` (plan − funded) and
        ``unfunded_pct`` (gap / plan), largest gap first.

    Examples
    --------
    >>> p = pd.DataFrame({"project_id": ["a", "b"], "plan_year": [2021, 2021],
    ...     "stage": ["续建", "续建"], "is_key": [True, False],
    ...     "plan_investment": [100.0, 80.0], "name": ["甲", "乙"],
    ...     "county": ["赤坎区"] * 2, "department": ["市水务局"] * 2})
    >>> f = pd.DataFrame({"project_id": ["a", "b"], "year": [2021, 2021],
    ...     "source": ["专项债", "财政预算"], "amount": [100.0, 60.0]})
    >>> check_funding_alignment(p, f, year=2021).rows[
    ...     ["project_id", "gap_wan"]].values.tolist()
    [['b', 20.0]]
    """
    plan = select_plan_projects(projects, year=year)
    fp = funding_plan.loc[(funding_plan["year"] == year).fillna(False).to_numpy(bool)]
    codes = index_in(fp["project_id"], plan["project_id"])
    amount = pd.to_numeric(fp["amount"], errors="coerce").fillna(0.0).to_numpy(float)
    ok = codes >= 0
    money = _plan_money(plan)
    got = np.bincount(codes[ok], weights=amount[ok], minlength=len(plan))
    gap = money - got
    with np.errstate(divide="ignore", invalid="ignore"):
        unfunded = np.where(money > 0, 100.0 * gap / money, np.nan)
    short = (gap > tolerance_wan) & (money > 0)
    bad = (
        _info(plan.loc[short])
        .assign(
            plan_wan=money[short],
            funded_wan=got[short],
            gap_wan=gap[short],
            unfunded_pct=unfunded[short],
        )
        .sort_values("gap_wan", ascending=False)
    )
    total_gap = float(bad["gap_wan"].sum())
    total_plan = float(money.sum())
    return _result(
        "funding_alignment",
        "资金保障计划与投资计划衔接",
        "四(一)",
        not bad.empty,
        bad,
        n_plan=len(plan),
        n_underfunded=len(bad),
        gap_wan=total_gap,
        plan_wan=total_plan,
        funded_wan=float(got.sum()),
    )


def _needs_land(plan: pd.DataFrame, land_plan: pd.DataFrame) -> np.ndarray:
    """Return True for plan projects that need land.

    A project needs land when its ledger says so (``land_status``
    用地预审与选址 is anything but 不需要) or the land plan gives it a land
    area; 竣工 projects are done with land and are not judged.
    """
    status = plan["land_status"] if "land_status" in plan else pd.Series(np.nan)
    by_ledger = status.notna().to_numpy(bool) & (status != "不需要").fillna(
        False
    ).to_numpy(bool)
    area = pd.to_numeric(land_plan["land_area_mu"], errors="coerce")
    with_area = land_plan.loc[(area > 0).fillna(False).to_numpy(bool), "project_id"]
    by_area = index_in(plan["project_id"], with_area) >= 0
    not_done = (plan["stage"] != "竣工").fillna(True).to_numpy(bool)
    return (by_ledger | by_area) & not_done


def check_land_alignment(
    projects: pd.DataFrame, land_plan: pd.DataFrame, *, year: int
) -> CheckResult:
    """Check that plan projects needing land have a land-plan entry and a red line.

    Parameters
    ----------
    projects : pd.DataFrame
        Canonical ``projects`` frame.
    land_plan : pd.DataFrame
        Canonical ``land_plan`` frame.
    year : int
        Plan year.

    Returns
    -------
    CheckResult
        ``rows``: ``project_id``, ``name``, ``county``, ``department``,
        ``problem`` (无用地用海计划 / 红线未下达), ``land_area_mu``,
        ``red_line_issued``.

    Notes
    -----
    A project needs land when its 用地预审与选址 status is not 不需要 or the
    land plan lists a land area for it; 竣工 projects are not judged. Minutes
    四(二): the land plan follows the FAI plan and issues the red lines
    (红线范围) to the counties before acquisition starts.

    Examples
    --------
    >>> p = pd.DataFrame({"project_id": ["a", "b"], "plan_year": [2021, 2021],
    ...     "stage": ["新开工", "续建"], "is_key": [True, False],
    ...     "plan_investment": [10.0, 8.0], "name": ["甲", "乙"],
    ...     "county": ["赤坎区"] * 2, "department": ["市水务局"] * 2,
    ...     "land_status": ["办理中", "不需要"]})
    >>> lp = pd.DataFrame({"project_id": ["a"], "land_area_mu": [50.0],
    ...     "red_line_issued": [False]})
    >>> check_land_alignment(p, lp, year=2021).rows["problem"].tolist()
    ['红线未下达']
    """
    plan = select_plan_projects(projects, year=year)
    need = _needs_land(plan, land_plan)
    codes = index_in(plan["project_id"], land_plan["project_id"])
    has_entry = codes >= 0
    at = np.where(has_entry, codes, 0)
    area = np.where(
        has_entry,
        pd.to_numeric(land_plan["land_area_mu"], errors="coerce").to_numpy(
            float, na_value=np.nan
        )[at]
        if len(land_plan)
        else np.nan,
        np.nan,
    )
    red_all = land_plan["red_line_issued"].astype("boolean")
    red_yes = red_all.fillna(False).to_numpy(bool)
    red_known = red_all.notna().to_numpy(bool)
    red_ok = has_entry & (red_yes[at] if len(land_plan) else False)
    no_entry = need & ~has_entry
    # a red line is drawn for land, not for sea-only entries
    no_red = need & has_entry & ~red_ok & (np.nan_to_num(area) > 0)
    flagged = no_entry | no_red
    red_shown = pd.array(
        np.where(red_known[at] & has_entry, red_yes[at], None)[flagged]
        if len(land_plan)
        else [None] * int(flagged.sum()),
        dtype="boolean",
    )
    rows = _info(plan.loc[flagged]).assign(
        problem=np.where(no_entry, "无用地用海计划", "红线未下达")[flagged],
        land_area_mu=area[flagged],
        red_line_issued=red_shown,
    )
    rows = rows.sort_values(["problem", "project_id"])
    return _result(
        "land_alignment",
        "用地用海保障计划与投资计划衔接",
        "四(二)",
        not rows.empty,
        rows,
        n_need_land=int(need.sum()),
        n_no_entry=int(no_entry.sum()),
        n_no_red_line=int(no_red.sum()),
    )


def list_idle_approved_land(
    projects: pd.DataFrame, land_plan: pd.DataFrame, *, year: int
) -> CheckResult:
    """List land approved but not built on (批而未建) from the land plan.

    Parameters
    ----------
    projects : pd.DataFrame
        Canonical ``projects`` frame (names and counties; any stage of
        ``year``, entries of unknown projects are kept with blank names).
    land_plan : pd.DataFrame
        Canonical ``land_plan`` frame.
    year : int
        Plan year for the project names.

    Returns
    -------
    CheckResult
        Fails when any idle approved land exists: the minutes (四(二)) ask the
        bureau to review and dispose of it. ``rows``: project, county,
        ``land_area_mu``, ``land_approval_status``.

    Examples
    --------
    >>> p = pd.DataFrame({"project_id": ["a"], "plan_year": [2021], "name": ["甲"],
    ...     "county": ["赤坎区"], "department": ["市水务局"]})
    >>> lp = pd.DataFrame({"project_id": ["a"], "land_area_mu": [30.0],
    ...     "approval_status": ["已完成"], "idle_approved_land": [True]})
    >>> list_idle_approved_land(p, lp, year=2021).details["idle_area_mu"]
    30.0
    """
    idle = land_plan.loc[as_bool(land_plan["idle_approved_land"])]
    # names and counties of those projects only (a join on a million rows is slow)
    wanted = (index_in(projects["project_id"], idle["project_id"]) >= 0) & (
        projects["plan_year"] == year
    ).fillna(False).to_numpy(bool)
    info = projects.loc[wanted, ["project_id", "name", "county", "department"]]
    info = info.drop_duplicates("project_id")
    rows = (
        pd.DataFrame(
            {
                "project_id": idle["project_id"].to_numpy(),
                "land_area_mu": pd.to_numeric(
                    idle["land_area_mu"], errors="coerce"
                ).to_numpy(),
                "land_approval_status": idle["approval_status"].to_numpy(),
            }
        )
        .merge(info, on="project_id", how="left")
        .sort_values("land_area_mu", ascending=False)
    )
    rows = rows[
        [
            "project_id",
            "name",
            "county",
            "department",
            "land_area_mu",
            "land_approval_status",
        ]
    ]
    area = float(rows["land_area_mu"].sum())
    return _result(
        "idle_land",
        "批而未建土地",
        "四(二)",
        not rows.empty,
        rows,
        n_idle=len(rows),
        idle_area_mu=area,
    )


# --- 五 三旧 vs real estate -----------------------------------------------------------


def check_renewal_real_estate(projects: pd.DataFrame, *, year: int) -> CheckResult:
    """Check that no project is counted both as "三旧" renewal and as real estate.

    Parameters
    ----------
    projects : pd.DataFrame
        Canonical ``projects`` frame; every project of ``plan_year == year``
        (reserve included: the 三旧 plan is a plan of its own).
    year : int
        Plan year.

    Returns
    -------
    CheckResult
        ``rows``: the projects flagged both ways, with ``plan_wan``.

    Examples
    --------
    >>> p = pd.DataFrame({"project_id": ["a", "b"], "plan_year": [2021, 2021],
    ...     "name": ["甲", "乙"], "county": ["赤坎区"] * 2, "department": ["x"] * 2,
    ...     "stage": ["续建"] * 2, "plan_investment": [5.0, 6.0],
    ...     "is_renewal": [True, True], "is_real_estate": [True, False]})
    >>> check_renewal_real_estate(p, year=2021).rows["project_id"].tolist()
    ['a']
    """
    year_projects = projects.loc[
        (projects["plan_year"] == year).fillna(False).to_numpy(bool)
    ].drop_duplicates("project_id")
    both = as_bool(year_projects["is_renewal"]) & as_bool(
        year_projects["is_real_estate"]
    )
    rows = _info(year_projects.loc[both], ("stage",)).assign(
        plan_wan=_plan_money(year_projects.loc[both])
    )
    n_renewal = int(as_bool(year_projects["is_renewal"]).sum())
    money = float(rows["plan_wan"].sum())
    return _result(
        "renewal_real_estate",
        '"三旧"改造与房地产项目区分',
        "五",
        not rows.empty,
        rows,
        n_double=len(rows),
        double_plan_wan=money,
        n_renewal=n_renewal,
    )


# --- 七 plan-change audit -------------------------------------------------------------


def is_leader_approval(approver: object) -> bool:
    """Return True when the approver text names a city leader.

    Examples
    --------
    >>> is_leader_approval("王副市长"), is_leader_approval("市发展改革局")
    (True, False)
    """
    return isinstance(approver, str) and bool(LEADER_PATTERN.search(approver))


def is_bureau_approval(approver: object) -> bool:
    """Return True when the approver text names the development and reform bureau.

    Examples
    --------
    >>> is_bureau_approval("市发展改革局"), is_bureau_approval("市财政局")
    (True, False)
    """
    return isinstance(approver, str) and bool(NDRC_PATTERN.search(approver))


def audit_plan_changes(
    plan_changes: pd.DataFrame, projects: pd.DataFrame, *, year: int
) -> CheckResult:
    """Audit the plan-change log against the approval rule "许增不许减".

    Rules (minutes 七): an addition (新增, 调增) needs the approval of the
    development and reform bureau (a city leader's approval also suffices);
    a cut, change or cancellation (调减, 调整, 取消) needs a city leader's
    approval **and** a document number. A change whose new amount is below its
    old amount is a cut whatever its type says.

    Parameters
    ----------
    plan_changes : pd.DataFrame
        Canonical ``plan_changes`` frame; changes dated in ``year`` (or
        undated) are audited.
    projects : pd.DataFrame
        Canonical ``projects`` frame: the current plan, after the changes.
    year : int
        Plan year.

    Returns
    -------
    CheckResult
        ``rows``: each violation with ``change_date``, ``project_id``,
        ``name``, ``change_type``, ``old_amount``, ``new_amount``,
        ``delta_wan``, ``approver``, ``approval_ref`` and ``missing`` (what
        approval was missing). ``details`` holds ``plan_before_wan`` (the plan
        total before the changes: the current total minus the net of all
        audited changes) and ``plan_after_wan`` (the current total).

    Examples
    --------
    >>> p = pd.DataFrame({"project_id": ["a"], "plan_year": [2021], "stage": ["续建"],
    ...     "plan_investment": [80.0], "name": ["甲"], "county": ["赤坎区"],
    ...     "department": ["x"], "is_key": [True]})
    >>> ch = pd.DataFrame({"change_date": pd.to_datetime(["2021-05-01"]),
    ...     "project_id": ["a"], "change_type": ["调减"], "old_amount": [100.0],
    ...     "new_amount": [80.0], "approver": ["市发展改革局"], "approval_ref": [None]})
    >>> r = audit_plan_changes(ch, p, year=2021)
    >>> r.rows["missing"].tolist(), r.details["plan_before_wan"]
    (['缺市领导批准、缺批准文号'], 100.0)
    """
    dates = pd.to_datetime(plan_changes["change_date"])
    in_year = (dates.dt.year == year) | dates.isna()
    ch = plan_changes.loc[in_year.fillna(True).to_numpy(bool)]
    ctype = ch["change_type"].astype(object)
    old = pd.to_numeric(ch["old_amount"], errors="coerce")
    new = pd.to_numeric(ch["new_amount"], errors="coerce")
    old = old.where(~(ctype == "新增").to_numpy(bool) | old.notna().to_numpy(bool), 0.0)
    new = new.where(~(ctype == "取消").to_numpy(bool) | new.notna().to_numpy(bool), 0.0)
    delta = (new - old).to_numpy(dtype=float)
    is_cut = ctype.isin(CUTTING_CHANGES).to_numpy(bool) | (np.nan_to_num(delta) < 0)
    leader = np.array([is_leader_approval(a) for a in ch["approver"]], dtype=bool)
    bureau = np.array([is_bureau_approval(a) for a in ch["approver"]], dtype=bool)
    has_ref = ~_blank(ch["approval_ref"])
    missing = []
    for cut, lead, bur, ref in zip(is_cut, leader, bureau, has_ref, strict=True):
        m = []
        if cut:
            if not lead:
                m.append("缺市领导批准")
            if not ref:
                m.append("缺批准文号")
        elif not (bur or lead):
            m.append("缺市发展改革局批准")
        missing.append("、".join(m))
    # names and counties of the changed projects only
    wanted = (index_in(projects["project_id"], ch["project_id"]) >= 0) & (
        projects["plan_year"] == year
    ).fillna(False).to_numpy(bool)
    year_projects = projects.loc[wanted, ["project_id", "name", "county"]]
    year_projects = year_projects.drop_duplicates("project_id")
    audited = pd.DataFrame(
        {
            "change_date": dates[in_year.fillna(True)].to_numpy(),
            "project_id": ch["project_id"].to_numpy(),
            "change_type": ctype.to_numpy(),
            "old_amount": old.to_numpy(dtype=float),
            "new_amount": new.to_numpy(dtype=float),
            "delta_wan": delta,
            "approver": ch["approver"].to_numpy(),
            "approval_ref": ch["approval_ref"].to_numpy(),
            "missing": missing,
        }
    ).merge(year_projects, on="project_id", how="left")
    cols = ["change_date", "project_id", "name", "county", "change_type"]
    cols += [
        "old_amount",
        "new_amount",
        "delta_wan",
        "approver",
        "approval_ref",
        "missing",
    ]
    audited = audited[cols]
    bad = audited.loc[audited["missing"] != ""].sort_values(
        ["change_date", "project_id"]
    )
    # the plan total needs four columns only: select on those (cheaper at scale)
    narrow = projects[["project_id", "plan_year", "stage", "plan_investment"]]
    after = float(_plan_money(select_plan_projects(narrow, year=year)).sum())
    net = float(np.nansum(delta))
    before = after - net
    n_cuts = int(is_cut.sum())
    return _result(
        "plan_changes",
        "计划调整审批（许增不许减）",
        "七",
        not bad.empty,
        bad,
        n_changes=len(audited),
        n_cuts=n_cuts,
        n_violations=len(bad),
        plan_before_wan=before,
        plan_after_wan=after,
        net_change_wan=net,
        changes=audited,
    )


# --- 八 statistics reconciliation -----------------------------------------------------


def _latest_month(frame: pd.DataFrame | None, year: int) -> int | None:
    if frame is None or frame.empty:
        return None
    m = frame.loc[(frame["year"] == year).fillna(False).to_numpy(bool), "month"]
    m = pd.to_numeric(m, errors="coerce").dropna()
    return int(m.max()) if len(m) else None


def check_stats_registration(
    projects: pd.DataFrame,
    stats_registry: pd.DataFrame,
    *,
    year: int,
    month: int | None = None,
    project_progress: pd.DataFrame | None = None,
    project_completion: pd.DataFrame | None = None,
) -> CheckResult:
    """Check that every started plan project is in the statistics registry.

    Parameters
    ----------
    projects : pd.DataFrame
        Canonical ``projects`` frame.
    stats_registry : pd.DataFrame
        Canonical ``stats_registry`` frame; the latest row of ``year`` (up to
        ``month`` when given) per project says whether it is registered.
    year : int
        Plan year.
    month : int, optional
        As-of month; default the latest of ``year`` in the registry (else in
        the progress reports, else 12).
    project_progress : pd.DataFrame, optional
        Canonical ``project_progress`` frame, to tell which new starts have
        started; without it only 续建 and 竣工 projects are judged.
    project_completion : pd.DataFrame, optional
        :func:`~zjanalysis.plan.progress_to_date` of the plan at
        (``year``, ``month``), when already computed (saves time at scale).

    Returns
    -------
    CheckResult
        ``rows``: started plan projects with no registry row or ``registered``
        not 是, with ``plan_wan`` (the investment outside the statistics).

    Notes
    -----
    The statistics bureau registers (入库) a project when construction starts,
    so a project is judged only once started: 续建 or 竣工, or a start date on
    or before the as-of month end, or reported investment (see
    :func:`zjanalysis.plan.progress_to_date`). 预备 projects and
    new starts not yet started are not judged.

    Examples
    --------
    >>> p = pd.DataFrame({"project_id": ["a", "b"], "plan_year": [2021, 2021],
    ...     "stage": ["续建", "续建"], "plan_investment": [5.0, 6.0], "name": ["甲", "乙"],
    ...     "county": ["赤坎区"] * 2, "department": ["x"] * 2, "is_key": [True, False]})
    >>> sr = pd.DataFrame({"project_id": ["a"], "registered": [True], "year": [2021],
    ...     "month": [6], "stats_cum_completed": [1.0]})
    >>> check_stats_registration(p, sr, year=2021).rows["project_id"].tolist()
    ['b']
    """
    plan = select_plan_projects(projects, year=year)
    if month is None:
        month = _latest_month(stats_registry, year) or (
            _latest_month(project_progress, year)
            if project_progress is not None
            else None
        )
    month = month or 12
    if project_progress is None:
        project_progress = table_or_empty({}, "project_progress")
    pc = (
        project_completion
        if project_completion is not None
        else progress_to_date(plan, project_progress, year=year, month=month)
    )
    started = pc["started"].to_numpy(bool)
    sr = stats_registry
    s_month = sr["month"].to_numpy("int64", na_value=0)
    in_window = (sr["year"] == year).fillna(False).to_numpy(bool) & (s_month <= month)
    codes = index_in(sr["project_id"], plan["project_id"])
    codes[~in_window] = -1
    latest = latest_per_code(codes, s_month, len(plan))
    flags = as_bool(sr["registered"])
    ok = latest >= 0
    ok[ok] = flags[latest[ok]]
    bad = plan.loc[started & ~ok]
    rows = _info(bad, ("stage",)).assign(plan_wan=_plan_money(bad))
    money = float(rows["plan_wan"].sum())
    return _result(
        "stats_registration",
        "计划项目统计入库",
        "八",
        not rows.empty,
        rows,
        n_checked=int(started.sum()),
        n_unregistered=len(rows),
        unregistered_plan_wan=money,
    )


def check_stats_figures(
    projects: pd.DataFrame,
    project_progress: pd.DataFrame,
    stats_registry: pd.DataFrame,
    *,
    year: int,
    month: int | None = None,
    tolerance_pct: float = 10.0,
    project_completion: pd.DataFrame | None = None,
) -> CheckResult:
    """Compare reported completion with the statistics bureau's figure.

    Each plan project's latest own report of ``year`` up to ``month``
    (``cum_completed``) is compared with the statistics figure of the same
    month; a difference of more than ``tolerance_pct`` percent of the
    statistics figure fails (a zero statistics figure fails on any reported
    amount). A project that missed the last month's report is thus still
    compared, at the month it last reported.

    Parameters
    ----------
    projects, project_progress, stats_registry : pd.DataFrame
        Canonical frames.
    year : int
        Plan year.
    month : int, optional
        Month compared; default the latest month of ``year`` in the registry.
    tolerance_pct : float, default 10.0
        Allowed relative difference, percent of the statistics figure. 10%
        leaves room for timing and rounding between a unit's own report and
        the bureau's verified figure (a few percent is usual) while catching
        caliber differences, which run to tens of percent.
    project_completion : pd.DataFrame, optional
        :func:`~zjanalysis.plan.progress_to_date` of the plan at
        (``year``, ``month``), when already computed (saves time at scale).

    Returns
    -------
    CheckResult
        ``rows``: ``project_id``, ``name``, ``county``, ``department``,
        ``month``, ``reported_wan``, ``stats_wan``, ``diff_wan`` (reported −
        statistics) and ``diff_pct``, largest difference first; ``month`` is
        the month compared.

    Examples
    --------
    >>> p = pd.DataFrame({"project_id": ["a"], "plan_year": [2021], "stage": ["续建"],
    ...     "plan_investment": [5.0], "name": ["甲"], "county": ["赤坎区"],
    ...     "department": ["x"], "is_key": [True]})
    >>> pg = pd.DataFrame({"project_id": ["a"], "year": [2021], "month": [6],
    ...     "cum_completed": [125.0]})
    >>> sr = pd.DataFrame({"project_id": ["a"], "registered": [True], "year": [2021],
    ...     "month": [6], "stats_cum_completed": [100.0]})
    >>> check_stats_figures(p, pg, sr, year=2021).rows["diff_pct"].tolist()
    [25.0]
    """
    sr = stats_registry
    stats_val = pd.to_numeric(sr["stats_cum_completed"], errors="coerce").to_numpy(
        float, na_value=np.nan
    )
    s_month = sr["month"].to_numpy("int64", na_value=0)
    valid = (sr["year"] == year).fillna(False).to_numpy(bool) & ~np.isnan(stats_val)
    if month is None:
        month = int(s_month[valid].max()) if valid.any() else None
    plan = select_plan_projects(projects, year=year)
    if month is None or not valid.any():
        rows = _info(plan.iloc[0:0])
        return _result(
            "stats_figures",
            "项目填报与统计数据一致",
            "八",
            True,
            rows,
            n_compared=0,
            month=None,
        )
    valid &= s_month <= month
    pc = (
        project_completion
        if project_completion is not None
        else progress_to_date(plan, project_progress, year=year, month=month)
    )
    last = pc["last_report_month"].to_numpy(dtype="int64")
    codes = index_in(sr["project_id"], plan["project_id"])
    codes[~valid] = -1
    # the statistics row of the month each project last reported
    same = (codes >= 0) & (s_month == last[np.where(codes >= 0, codes, 0)])
    codes = np.where(same, codes, -1)
    row = latest_per_code(codes, s_month, len(plan))
    has = (row >= 0) & (last > 0)
    both = (
        _info(plan.loc[has])
        .assign(
            month=last[has],
            reported_wan=pc["completed_wan"].to_numpy(float)[has],
            stats_wan=stats_val[row[has]] if has.any() else np.array([], dtype=float),
        )
        .reset_index(drop=True)
    )
    diff = both["reported_wan"] - both["stats_wan"]
    with np.errstate(divide="ignore", invalid="ignore"):
        diff_pct = np.where(
            both["stats_wan"] != 0,
            100.0 * diff / both["stats_wan"].abs(),
            np.where(diff == 0, 0.0, np.inf),
        )
    both = both.assign(diff_wan=diff, diff_pct=diff_pct)
    bad = both.loc[np.abs(diff_pct) > tolerance_pct + 1e-9]
    bad = bad.reindex(bad["diff_wan"].abs().sort_values(ascending=False).index)
    cols = ["project_id", "name", "county", "department", "month"]
    cols += ["reported_wan", "stats_wan", "diff_wan", "diff_pct"]
    bad = bad[cols]
    # a net sum hides differences of opposite sign: say the absolute total first
    abs_total = float(bad["diff_wan"].abs().sum())
    net_total = float(bad["diff_wan"].sum())
    n_over = int((bad["diff_wan"] > 0).sum())
    n_under = int((bad["diff_wan"] < 0).sum())
    return _result(
        "stats_figures",
        "项目填报与统计数据一致",
        "八",
        not bad.empty,
        bad,
        n_compared=len(both),
        n_different=len(bad),
        abs_diff_wan=abs_total,
        net_diff_wan=net_total,
        n_over=n_over,
        n_under=n_under,
        month=int(month),
        tolerance_pct=tolerance_pct,
    )


# --- all checks -----------------------------------------------------------------------


@dataclass(frozen=True)
class ChecksResult:
    """All plan-integrity checks of one year.

    Attributes
    ----------
    year : int
    results : list of CheckResult
        In the order of the minutes' clauses.
    """

    year: int
    results: list[CheckResult]
    refusal: str = ""
    refusal_kind: str = ""

    @property
    def passed(self) -> bool:
        """Return True when every check passes (False when refused)."""
        return not self.refusal and all(r.passed for r in self.results)

    def __getitem__(self, check: str) -> CheckResult:
        for r in self.results:
            if r.check == check:
                return r
        raise KeyError(check)

    def get(self, check: str) -> CheckResult | None:
        """Return the result of ``check``, or None (e.g. when refused)."""
        try:
            return self[check]
        except KeyError:
            return None


def run_checks_for_dataset(
    ds: coverage.DatasetLike, *, year: int, as_of: str | AsOf | None, **kwargs: object
) -> ChecksResult:
    """Run every check on a loaded data set, or refuse when it has errors.

    Parameters
    ----------
    ds : zjanalysis.io.Dataset
        A loaded data set (``ds.report`` and the canonical tables).
    year : int
        Plan year.
    as_of : str, AsOf or None
        The last month of data: the statistics checks compare at
        :meth:`AsOf.month_in` ``year`` (12 once the year is over). None, or an
        as-of before the year, uses the latest month in the registry.
    **kwargs
        Passed to :func:`run_all_checks`.

    Returns
    -------
    ChecksResult
        With ``refusal`` set and no results when the data have errors.
    """
    month = None if as_of is None else AsOf.parse(as_of).month_in(year)
    verdict = coverage.gate(
        ds,
        reads=READS,
        needs=[coverage.Need("projects")],
        year=year,
        month=month or 12,
        what=f"作{year}年计划完整性检查",
    )
    if not verdict.ok:
        return ChecksResult(
            year=int(year),
            results=[],
            refusal=verdict.reason,
            refusal_kind=verdict.kind,
        )
    return run_all_checks(ds, year=year, month=month, **kwargs)


def run_all_checks(
    tables: Mapping[str, pd.DataFrame],
    *,
    year: int,
    month: int | None = None,
    min_key_share: float = 2.0 / 3.0,
    funding_tolerance_wan: float = 0.5,
    stats_tolerance_pct: float = 10.0,
) -> ChecksResult:
    """Run every plan-integrity check on the canonical tables.

    Parameters
    ----------
    tables : mapping of str to pd.DataFrame
        Canonical tables (a :class:`zjanalysis.io.Dataset` works); a missing
        table counts as empty.
    year : int
        Plan year.
    month : int, optional
        As-of month for the statistics checks; default the latest month of
        ``year`` in the statistics registry.
    min_key_share : float, default 2/3
        Required share of the key-project plan.
    funding_tolerance_wan : float, default 0.5
        Funding gaps up to this many 万元 pass.
    stats_tolerance_pct : float, default 10.0
        Allowed difference between reported and statistics figures.

    Returns
    -------
    ChecksResult
    """
    projects = table_or_empty(tables, "projects")
    land = table_or_empty(tables, "land_plan")
    stats = table_or_empty(tables, "stats_registry")
    progress = table_or_empty(tables, "project_progress")
    # the plan and one progress summary serve every check that needs them
    plan = select_plan_projects(projects, year=year)
    stats_month = (
        month or _latest_month(stats, year) or _latest_month(progress, year) or 12
    )
    completion = progress_to_date(plan, progress, year=year, month=stats_month)
    results = [
        check_key_project_share(plan, year=year, min_share=min_key_share),
        check_key_project_records(
            plan, table_or_empty(tables, "milestones"), year=year
        ),
        check_funding_alignment(
            plan,
            table_or_empty(tables, "funding_plan"),
            year=year,
            tolerance_wan=funding_tolerance_wan,
        ),
        check_land_alignment(plan, land, year=year),
        list_idle_approved_land(projects, land, year=year),
        check_renewal_real_estate(projects, year=year),
        audit_plan_changes(table_or_empty(tables, "plan_changes"), projects, year=year),
        check_stats_registration(
            plan,
            stats,
            year=year,
            month=stats_month,
            project_progress=progress,
            project_completion=completion,
        ),
        check_stats_figures(
            plan,
            progress,
            stats,
            year=year,
            month=stats_month,
            tolerance_pct=stats_tolerance_pct,
            project_completion=completion,
        ),
    ]
    covered = coverage.compute_coverage(
        {name: table_or_empty(tables, name) for name in READS}
    )
    return ChecksResult(
        year=int(year),
        results=[_unless_no_data(r, covered, year=year, month=month) for r in results],
    )


def _unless_no_data(
    result: CheckResult, covered: coverage.Coverage, *, year: int, month: int | None
) -> CheckResult:
    """Return ``result``, or a no_data verdict when its table has no row for the year.

    A monthly table that stops before the as-of month is also too short: the
    statistics are compared at the as-of month.
    """
    table = CHECK_TABLES.get(result.check)
    if table is None:
        return result
    need = coverage.Need(table, monthly=month is not None and table in coverage.MONTHLY)
    why = coverage.shortfall_zh(
        covered, [need], year=year, month=month or 12, what="检查"
    )
    if not why:
        return result
    return CheckResult(
        check=result.check,
        title_zh=result.title_zh,
        clause=result.clause,
        verdict=NO_DATA,
        rows=result.rows.iloc[0:0],
        details={"reason": why},
    )

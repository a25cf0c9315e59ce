"""Score project readiness, explain each score and propose the next release batch.

The minutes (湛江 [2020] 93 号, clause 一) ask that projects enter the plan
only when the pre-work (前期工作) is done and that the plan be released batch
by batch as projects mature ("成熟一批、下达一批"); clause 三(二) asks that
reserve projects be managed like projects under construction. This module
turns the readiness fields of the ``projects`` table into:

- a transparent rule-based score 0–100 with the points of every criterion
  (:func:`score_readiness`), a grade, the hard gates, and the missing items
  (each criterion short of full credit, with the value that falls short);
- the next batch to release and its investment per county and department
  (:func:`select_next_batch`, :func:`summarise_batch`);
- the to-do list grouped by the unit that must act (:func:`list_todos_by_unit`);
- how robust the batch is to the weights (:func:`test_batch_stability`);
- whether the score predicted on-time starts last year (:func:`fit_start_model`).

The criteria, points, gates and grade thresholds live in a YAML file
(``zjanalysis/config/readiness.yaml``, documented there) that the office can
copy and edit; :func:`load_config` is the only function here that reads a file.
Everything a reader sees (the Chinese headline, the rules in words, the to-do
texts, the tables and the workbook) is built by
:class:`zjanalysis.reports.readiness.ReadinessView` from these numbers and codes.

Grades (first match wins; thresholds from the config):

1. ``reserve`` 仅作储备 — stage in ``reserve_stages`` (none by default: a
   储备 project whose pre-work is done is released like any other, "成熟一批、
   下达一批") or score below ``reserve_below_score`` (40);
2. ``ready`` 可下达 — passes every gate, at most ``ready_max_missing`` (1) item
   missing and score at least ``ready_min_score`` (90);
3. ``close`` 接近成熟 — at most ``close_max_missing`` (2) items missing;
4. ``prework`` 需完善前期 — everything else.

An item is *missing* when its criterion earns less than full credit.
"""

from __future__ import annotations

import gc
import math
import warnings
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from zjanalysis import coverage, defaults, plan
from zjanalysis.asof import AsOf
from zjanalysis.schema import (
    BOOL_ALIASES,
    CITY_LEVEL,
    COUNTIES,
    KEY_PROJECT_PARTIES,
    STAGES,
    STATUS_VALUES,
)

#: Grade codes mapped to the Chinese the office uses, best first.
GRADES: dict[str, str] = {
    "ready": "可下达",
    "close": "接近成熟",
    "prework": "需完善前期",
    "reserve": "仅作储备",
}

#: The criteria the package knows: key -> (projects column, kind). ``kind`` is
#: ``status`` (a 未启动/办理中/已完成/不需要 column), ``pct`` (a share in percent)
#: or ``parties`` (the four responsible parties of a key project).
CRITERIA: dict[str, tuple[str, str]] = {
    "approval": ("approval_status", "status"),
    "land": ("land_status", "status"),
    "eia": ("eia_status", "status"),
    "energy": ("energy_status", "status"),
    "design": ("design_status", "status"),
    "permit": ("permit_status", "status"),
    "funding": ("funding_secured_pct", "pct"),
    "land_acquisition": ("land_acquired_pct", "pct"),
    "parties": ("is_key", "parties"),
}

#: A criterion's ``unit`` that means the project's own county.
COUNTY_UNIT = "{county}"


class ReadinessConfigError(ValueError):
    """An invalid readiness configuration; the message names the offending key."""


@dataclass(frozen=True)
class Criterion:
    """One scored criterion: its points and the unit that must act on it."""

    key: str
    points: float
    unit: str
    complete_pct: float = 100.0
    fallback_unit: str = "市自然资源局"

    @property
    def column(self) -> str:
        return CRITERIA[self.key][0]

    @property
    def kind(self) -> str:
        return CRITERIA[self.key][1]


@dataclass(frozen=True)
class Gate:
    """A hard gate on one criterion: the statuses that pass, or a minimum percent."""

    criterion: str
    statuses: tuple[str, ...] = ()
    min_pct: float | None = None
    required: bool = False


#: Stages a release batch is drawn from when the config names none: projects
#: not yet in the year's plan (:func:`release_pool`).
DEFAULT_BATCH_STAGES: tuple[str, ...] = ("储备", "预备")


@dataclass(frozen=True)
class GradeRule:
    """Thresholds of the four grades (see the module docstring for the order)."""

    reserve_stages: tuple[str, ...] = ()
    reserve_below_score: float = 40.0
    ready_max_missing: int = 1
    ready_min_score: float = 90.0
    close_max_missing: int = 2


@dataclass(frozen=True)
class ReadinessConfig:
    """Criteria, status credits, gates, grade thresholds and batch stages."""

    criteria: tuple[Criterion, ...]
    status_credit: dict[str, float]
    gates: tuple[Gate, ...] = ()
    grades: GradeRule = field(default_factory=GradeRule)
    batch_stages: tuple[str, ...] = DEFAULT_BATCH_STAGES
    source: str = "<mapping>"

    @property
    def keys(self) -> list[str]:
        return [c.key for c in self.criteria]

    @property
    def points(self) -> np.ndarray:
        return np.array([c.points for c in self.criteria], dtype=float)

    def criterion(self, key: str) -> Criterion:
        for c in self.criteria:
            if c.key == key:
                return c
        raise KeyError(key)

    def with_points(self, points: dict[str, float]) -> ReadinessConfig:
        """Return a copy with some criteria's points replaced.

        Examples
        --------
        >>> cfg = load_config().with_points({"funding": 30})
        >>> cfg.criterion("funding").points
        30.0
        """
        unknown = set(points) - set(self.keys)
        if unknown:
            raise ReadinessConfigError(
                f"未知评分项 / unknown criterion: {', '.join(sorted(unknown))}"
            )
        crit = tuple(
            replace(c, points=_parse_points(points[c.key], f"criteria.{c.key}.points"))
            if c.key in points
            else c
            for c in self.criteria
        )
        return replace(self, criteria=crit, source=f"{self.source} (modified)")


# --- configuration -------------------------------------------------------------


def default_config_path() -> Path:
    """Return the path of the packaged default config ``config/readiness.yaml``."""
    return Path(__file__).parent / "config" / "readiness.yaml"


def load_config(path: str | Path | None = None) -> ReadinessConfig:
    """Read a readiness config from YAML (the packaged default when ``path`` is None).

    Parameters
    ----------
    path : str or Path, optional
        A YAML file shaped like ``zjanalysis/config/readiness.yaml``. ``None``
        or ``""`` means the packaged default.

    Returns
    -------
    ReadinessConfig

    Raises
    ------
    ReadinessConfigError
        When the file is missing, is not valid YAML, or breaks a rule of
        :func:`parse_config`.

    Examples
    --------
    >>> cfg = load_config()
    >>> cfg.points.sum()
    np.float64(100.0)
    """
    import yaml

    p = default_config_path() if path in (None, "") else Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise ReadinessConfigError(
            f"读不到评分配置文件「{p}」/ cannot read readiness config {p}: {exc}"
        ) from None
    try:
        mapping = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ReadinessConfigError(
            f"评分配置文件「{p}」不是有效的 YAML / {p} is not valid YAML: {exc}"
        ) from None
    return parse_config(mapping, source=str(p))


def parse_config(mapping: Any, *, source: str = "<mapping>") -> ReadinessConfig:
    """Validate a parsed YAML mapping and build a :class:`ReadinessConfig`.

    Parameters
    ----------
    mapping : dict
        Keys ``criteria`` (required), ``status_credit``, ``gates``, ``grades``,
        ``batch_stages``.
    source : str, default "<mapping>"
        Keyword only; where the mapping came from, for messages.

    Returns
    -------
    ReadinessConfig

    Raises
    ------
    ReadinessConfigError
        On an unknown key or criterion, negative or non-numeric points, a gate
        on an unknown or unscored criterion, or a bad threshold. The message
        is in Chinese and English and names the key.

    Examples
    --------
    >>> cfg = parse_config({"criteria": {"approval": {"points": 60},
    ...                                  "funding": {"points": 40}}})
    >>> cfg.keys
    ['approval', 'funding']
    >>> parse_config({"criteria": {"budget": {"points": 5}}})  # doctest: +ELLIPSIS, +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    ...
    ReadinessConfigError: 评分配置 criteria.budget：未知评分项 ...
    """
    if not isinstance(mapping, dict):
        raise ReadinessConfigError(
            f"评分配置「{source}」应为键值表 / readiness config {source} must be a mapping"
        )
    _check_keys(
        mapping, {"criteria", "status_credit", "gates", "grades", "batch_stages"}, ""
    )
    raw_criteria = mapping.get("criteria")
    if not isinstance(raw_criteria, dict) or not raw_criteria:
        raise _err("criteria", "缺少评分项", "must list at least one criterion")
    criteria = []
    for key, spec in raw_criteria.items():
        where = f"criteria.{key}"
        if key not in CRITERIA:
            raise _err(
                where,
                "未知评分项",
                f"unknown criterion; known: {', '.join(CRITERIA)}",
            )
        if isinstance(spec, (int, float, str)) and not isinstance(spec, bool):
            spec = {"points": spec}
        if not isinstance(spec, dict) or "points" not in spec:
            raise _err(where, "须给出 points", "must give points")
        _check_keys(spec, {"points", "unit", "complete_pct", "fallback_unit"}, where)
        complete = _parse_number(
            spec.get("complete_pct", 100.0), f"{where}.complete_pct"
        )
        if not 0 < complete <= 100:
            raise _err(
                f"{where}.complete_pct", "须在 0–100 之间", "must be in (0, 100]"
            )
        criteria.append(
            Criterion(
                key=str(key),
                points=_parse_points(spec["points"], f"{where}.points"),
                unit=str(spec.get("unit", "市发展改革局")),
                complete_pct=complete,
                fallback_unit=str(spec.get("fallback_unit", "市自然资源局")),
            )
        )
    if sum(c.points for c in criteria) <= 0:
        raise _err("criteria", "分值合计须大于 0", "points must add up to more than 0")

    credit = {"已完成": 1.0, "不需要": 1.0, "办理中": 0.5, "未启动": 0.0}
    raw_credit = mapping.get("status_credit") or {}
    if not isinstance(raw_credit, dict):
        raise _err("status_credit", "应为键值表", "must be a mapping")
    for status, value in raw_credit.items():
        where = f"status_credit.{status}"
        if status not in STATUS_VALUES:
            raise _err(
                where, "未知状态", f"unknown status; known: {', '.join(STATUS_VALUES)}"
            )
        v = _parse_number(value, where)
        if not 0 <= v <= 1:
            raise _err(where, "须在 0–1 之间", "must be between 0 and 1")
        credit[status] = v

    scored = {c.key: c for c in criteria}
    gates = []
    raw_gates = mapping.get("gates") or {}
    if not isinstance(raw_gates, dict):
        raise _err("gates", "应为键值表", "must be a mapping of criterion -> rule")
    for key, spec in raw_gates.items():
        where = f"gates.{key}"
        if key not in CRITERIA:
            raise _err(
                where,
                "未知门槛",
                f"unknown gate; known criteria: {', '.join(CRITERIA)}",
            )
        if key not in scored:
            raise _err(
                where,
                "门槛所对应的评分项未配置",
                "gate on a criterion that is not scored",
            )
        gates.append(_parse_gate(str(key), spec, where))

    grades = _parse_grades(mapping.get("grades") or {})
    stages = mapping.get("batch_stages", list(DEFAULT_BATCH_STAGES))
    stages = _parse_stages(stages, "batch_stages")
    in_plan = [s for s in stages if s in plan.PLAN_STAGES]
    if in_plan:
        raise _err(
            "batch_stages",
            f"{'、'.join(in_plan)}项目总在年度计划中，下一批只能从"
            f"{'、'.join(DEFAULT_BATCH_STAGES)}项目中选出",
            f"{', '.join(in_plan)} projects are always in the annual plan; a batch "
            f"can only be drawn from {', '.join(DEFAULT_BATCH_STAGES)}",
        )
    return ReadinessConfig(
        criteria=tuple(criteria),
        status_credit=credit,
        gates=tuple(gates),
        grades=grades,
        batch_stages=stages,
        source=source,
    )


def _err(where: str, zh: str, en: str) -> ReadinessConfigError:
    return ReadinessConfigError(
        f"评分配置 {where}：{zh} / readiness config {where}: {en}"
    )


def _check_keys(spec: dict, allowed: set[str], where: str) -> None:
    for k in spec:
        if k not in allowed:
            at = f"{where}.{k}" if where else str(k)
            raise _err(
                at, "未知设置项", f"unknown key; allowed: {', '.join(sorted(allowed))}"
            )


def _parse_number(value: Any, where: str) -> float:
    if isinstance(value, bool) or value is None:
        raise _err(where, f"不是数字（{value!r}）", f"not a number: {value!r}")
    try:
        v = float(str(value).strip()) if isinstance(value, str) else float(value)
    except (TypeError, ValueError):
        raise _err(
            where, f"不是数字（{value!r}）", f"not a number: {value!r}"
        ) from None
    if not math.isfinite(v):
        raise _err(
            where, f"不是有限数字（{value!r}）", f"not a finite number: {value!r}"
        )
    return v


def _parse_points(value: Any, where: str) -> float:
    v = _parse_number(value, where)
    if v < 0:
        raise _err(
            where,
            f"分值不能为负（{value!r}）",
            f"points must not be negative: {value!r}",
        )
    return v


def _parse_gate(key: str, spec: Any, where: str) -> Gate:
    kind = CRITERIA[key][1]
    if not isinstance(spec, dict):
        raise _err(
            where, "应为键值表", "must be a mapping such as {statuses: [已完成]}"
        )
    if kind == "status":
        _check_keys(spec, {"statuses"}, where)
        statuses = spec.get("statuses")
        if not isinstance(statuses, list) or not statuses:
            raise _err(
                f"{where}.statuses",
                "须列出通过的状态",
                "must list the passing statuses",
            )
        for s in statuses:
            if s not in STATUS_VALUES:
                raise _err(
                    f"{where}.statuses", f"未知状态 {s!r}", f"unknown status {s!r}"
                )
        return Gate(key, statuses=tuple(statuses))
    if kind == "pct":
        _check_keys(spec, {"min_pct"}, where)
        if "min_pct" not in spec:
            raise _err(where, "须给出 min_pct", "must give min_pct")
        v = _parse_number(spec["min_pct"], f"{where}.min_pct")
        if not 0 <= v <= 100:
            raise _err(
                f"{where}.min_pct", "须在 0–100 之间", "must be between 0 and 100"
            )
        return Gate(key, min_pct=v)
    _check_keys(spec, {"required"}, where)
    return Gate(key, required=bool(spec.get("required", True)))


def _parse_grades(spec: Any) -> GradeRule:
    if not isinstance(spec, dict):
        raise _err("grades", "应为键值表", "must be a mapping")
    fields = {
        "reserve_stages",
        "reserve_below_score",
        "ready_max_missing",
        "ready_min_score",
        "close_max_missing",
    }
    _check_keys(spec, fields, "grades")
    base = GradeRule()
    kw: dict[str, Any] = {}
    if "reserve_stages" in spec:
        kw["reserve_stages"] = _parse_stages(
            spec["reserve_stages"], "grades.reserve_stages"
        )
    for name in ("reserve_below_score", "ready_min_score"):
        if name in spec:
            v = _parse_number(spec[name], f"grades.{name}")
            if not 0 <= v <= 100:
                raise _err(
                    f"grades.{name}", "须在 0–100 之间", "must be between 0 and 100"
                )
            kw[name] = v
    for name in ("ready_max_missing", "close_max_missing"):
        if name in spec:
            v = _parse_number(spec[name], f"grades.{name}")
            if v < 0 or v != int(v):
                raise _err(
                    f"grades.{name}", "须为非负整数", "must be a whole number >= 0"
                )
            kw[name] = int(v)
    return replace(base, **kw)


def _parse_stages(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise _err(where, "应为阶段列表", "must be a list of stages")
    for s in value:
        if s not in STAGES:
            raise _err(
                where,
                f"未知阶段 {s!r}",
                f"unknown stage {s!r}; known: {', '.join(STAGES)}",
            )
    return tuple(value)


# --- scoring -------------------------------------------------------------------


def _status_codes(s: pd.Series) -> np.ndarray:
    """Code a status column: index into STATUS_VALUES, or 4 for missing/unknown."""
    # factorize, then look up the few distinct values: far faster than
    # Series.map on a million strings.
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    lookup = np.array(
        [
            STATUS_VALUES.index(u) if u in STATUS_VALUES else len(STATUS_VALUES)
            for u in uniques
        ]
        + [len(STATUS_VALUES)],
        dtype=np.int8,
    )
    return lookup[codes]  # code -1 (missing) picks the last entry


def _float_values(s: pd.Series) -> np.ndarray:
    return pd.to_numeric(s, errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def _object_array(items: list[Any]) -> np.ndarray:
    """Return a 1-D object array of ``items`` (tuples stay whole, not a 2-D array)."""
    out = np.empty(len(items), dtype=object)
    for i, item in enumerate(items):
        out[i] = item
    return out


def _credits(projects: pd.DataFrame, config: ReadinessConfig) -> dict[str, Any]:
    """Compute per-criterion credits (0..1), missing items and gate results.

    ``items[j]`` holds, per row, the missing item ``(criterion, state)`` of
    criterion ``j`` (see :func:`score_readiness`), or None where it earns full
    credit.
    """
    n = len(projects)
    k = len(config.criteria)
    credit = np.zeros((n, k))
    item_cols: list[np.ndarray] = []
    status_credit = np.array(
        [config.status_credit[s] for s in STATUS_VALUES] + [0.0], dtype=float
    )
    gates = {g.criterion: g for g in config.gates}
    passes = np.ones(n, dtype=bool)
    is_key = _key_flags(projects)
    for j, c in enumerate(config.criteria):
        gate = gates.get(c.key)
        if c.kind == "status":
            codes = _status_codes(_column(projects, c.column))
            credit[:, j] = status_credit[codes]
            # An item is missing when it earns less than full credit; with the
            # default credits that is exactly "not 已完成/不需要".
            states = _object_array(
                [
                    (c.key, v) if status_credit[i] < 1.0 else None
                    for i, v in enumerate(STATUS_VALUES)
                ]
                + [(c.key, None)]
            )
            items = states[codes]
            if gate is not None:
                ok = np.isin(codes, [STATUS_VALUES.index(s) for s in gate.statuses])
                passes &= ok
        elif c.kind == "pct":
            v = _float_values(_column(projects, c.column))
            filled = ~np.isnan(v)
            credit[:, j] = np.where(filled, np.clip(v / c.complete_pct, 0.0, 1.0), 0.0)
            items = np.full(n, None, dtype=object)
            short = filled & (v < c.complete_pct)
            if short.any():
                uniq, inv = np.unique(v[short], return_inverse=True)
                states = _object_array([(c.key, float(u)) for u in uniq])
                items[short] = states[inv.ravel()]
            unfilled = np.empty(int((~filled).sum()), dtype=object)
            unfilled.fill((c.key, None))
            items[~filled] = unfilled
            if gate is not None and gate.min_pct is not None:
                passes &= filled & (v >= gate.min_pct)
        else:  # parties
            named = np.zeros((n, len(KEY_PROJECT_PARTIES)), dtype=bool)
            for i, col in enumerate(KEY_PROJECT_PARTIES):
                s = _column(projects, col)
                text = s if isinstance(s.dtype, pd.StringDtype) else s.astype("str")
                named[:, i] = (text.notna() & (text.str.strip() != "")).to_numpy(
                    dtype=bool, na_value=False
                )
            share = named.sum(axis=1) / len(KEY_PROJECT_PARTIES)
            credit[:, j] = np.where(is_key, share, 1.0)
            mask_code = named @ (1 << np.arange(len(KEY_PROJECT_PARTIES)))
            all_named = (1 << len(KEY_PROJECT_PARTIES)) - 1
            states = _object_array(
                [
                    (c.key, _absent_parties(code)) if code != all_named else None
                    for code in range(all_named + 1)
                ]
            )
            items = np.where(is_key, states[mask_code], None).astype(object)
            if gate is not None and gate.required:
                passes &= credit[:, j] >= 1.0
        item_cols.append(items)
    return {"credit": credit, "items": item_cols, "passes": passes}


def _absent_parties(code: int) -> tuple[str, ...]:
    return tuple(p for i, p in enumerate(KEY_PROJECT_PARTIES) if not code & (1 << i))


def _column(projects: pd.DataFrame, name: str) -> pd.Series:
    if name in projects.columns:
        return projects[name]
    return pd.Series(pd.NA, index=projects.index, dtype="object")


def _key_flags(projects: pd.DataFrame) -> np.ndarray:
    s = _column(projects, "is_key")
    if pd.api.types.is_bool_dtype(s.dtype):
        return s.fillna(False).to_numpy(dtype=bool)
    # a hand-made frame may still say 是/否: read it as the loader would
    text = s.astype(object).map(lambda v: str(v).strip().lower() if pd.notna(v) else "")
    return text.map(lambda v: BOOL_ALIASES.get(v, False)).to_numpy(dtype=bool)


def _stage_flags(projects: pd.DataFrame, stages: tuple[str, ...]) -> np.ndarray:
    return _column(projects, "stage").isin(list(stages)).to_numpy(dtype=bool)


def _grade_codes(
    score: np.ndarray,
    passes: np.ndarray,
    n_missing: np.ndarray,
    reserve_stage: np.ndarray,
    rule: GradeRule,
) -> np.ndarray:
    """Return grade indices 0..3 (ready, close, prework, reserve) by the documented rule."""
    # The tolerance keeps a score of 84.999999 (float sums) from missing 85.
    eps = 1e-9
    reserve = reserve_stage | (score < rule.reserve_below_score - eps)
    ready = (
        passes
        & (n_missing <= rule.ready_max_missing)
        & (score >= rule.ready_min_score - eps)
    )
    close = n_missing <= rule.close_max_missing
    out = np.full(score.shape, 2, dtype=np.int8)
    out = np.where(close, 1, out)
    out = np.where(ready, 0, out)
    out = np.where(reserve, 3, out)
    return out


def _collect_missing(
    item_cols: list[np.ndarray], present: np.ndarray
) -> list[list[tuple[str, Any]]]:
    """Turn per-criterion item arrays into one list per row.

    ``present`` (rows x criteria, bool) marks the items that are missing;
    there the item array holds the ``(criterion, state)`` pair.
    """
    n = present.shape[0]
    if not item_cols or n == 0:
        return [[] for _ in range(n)]
    matrix = np.column_stack(item_cols)
    # row-major boolean indexing keeps each row's items together, in criterion order
    flat = matrix[present].tolist()
    ends = np.cumsum(present.sum(axis=1)).tolist()
    starts = [0, *ends[:-1]]
    # A million new lists would trigger the cyclic garbage collector again and
    # again (each pass walks every live object); these lists hold only shared
    # tuples of strings and numbers.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return [flat[a:b] for a, b in zip(starts, ends, strict=True)]
    finally:
        if enabled:
            gc.enable()


def score_readiness(projects: pd.DataFrame, config: ReadinessConfig) -> pd.DataFrame:
    """Score the readiness of every project 0–100 and grade it.

    Parameters
    ----------
    projects : pandas.DataFrame
        Canonical ``projects`` frame (or any slice of it). Readiness columns
        that are absent count as not filled in (未填报).
    config : ReadinessConfig
        Criteria, points, gates and grades, from :func:`load_config`.

    Returns
    -------
    pandas.DataFrame
        One row per input row, same order and index, with ``project_id``,
        ``plan_year``, ``score`` (0–100), ``grade`` (a key of :data:`GRADES`),
        ``grade_zh``, ``passes_gates``, ``missing`` (the list of missing
        items, in criterion order), ``n_missing`` and one ``pts_<criterion>``
        column per configured criterion; the ``pts_`` columns add up to
        ``score``.

    Notes
    -----
    A criterion earns ``credit × points × 100 / total points``: a status earns
    the configured ``status_credit`` (已完成/不需要 1, 办理中 0.5, 未启动 or empty
    0); a percentage earns ``min(pct / complete_pct, 1)``; the responsible
    parties earn the share of the four named for key projects and full credit
    for others. The grade rule is in the module docstring.

    A missing item is a pair ``(criterion, state)``, the state being what
    falls short: the status for a status criterion (``None`` when not filled
    in or not a known status), the percent for a percentage (``None`` when
    not filled in), the tuple of absent parties (keys of
    :data:`zjanalysis.schema.KEY_PROJECT_PARTIES`) for the parties.
    :func:`zjanalysis.reports.readiness.todo_zh` words it.

    Examples
    --------
    >>> p = pd.DataFrame({"project_id": ["A"], "plan_year": [2021],
    ...     "stage": ["新开工"], "is_key": [False],
    ...     "approval_status": ["已完成"], "land_status": ["已完成"],
    ...     "eia_status": ["办理中"], "energy_status": ["不需要"],
    ...     "design_status": ["已完成"], "permit_status": ["已完成"],
    ...     "funding_secured_pct": [40.0], "land_acquired_pct": [100.0]})
    >>> r = score_readiness(p, load_config())
    >>> float(r.loc[0, "score"]), r.loc[0, "grade"], r.loc[0, "missing"]
    (85.0, 'close', [('eia', '办理中'), ('funding', 40.0)])
    """
    parts = _credits(projects, config)
    credit = parts["credit"]
    scale = 100.0 / config.points.sum()
    pts = credit * (config.points * scale)
    score = pts.sum(axis=1)
    missing_flags = credit < 1.0
    n_missing = missing_flags.sum(axis=1)
    missing = _collect_missing(parts["items"], missing_flags)
    reserve_stage = _stage_flags(projects, config.grades.reserve_stages)
    codes = _grade_codes(
        score, parts["passes"], n_missing, reserve_stage, config.grades
    )
    grade_keys = np.array(list(GRADES), dtype=object)
    grade_zh = np.array(list(GRADES.values()), dtype=object)
    out = pd.DataFrame(
        {
            "project_id": _column(projects, "project_id").array,
            "plan_year": _column(projects, "plan_year").array,
            "score": score,
            "grade": grade_keys[codes],
            "grade_zh": grade_zh[codes],
            "passes_gates": parts["passes"],
            "missing": missing,
            "n_missing": n_missing.astype(np.int64),
        },
        index=projects.index,
    )
    for j, c in enumerate(config.criteria):
        out[f"pts_{c.key}"] = pts[:, j]
    return out


# --- next batch ----------------------------------------------------------------


def release_pool(
    projects: pd.DataFrame, config: ReadinessConfig, *, held: np.ndarray | None = None
) -> np.ndarray:
    """Return True for the rows that may be released into the year's plan.

    A row of a batch stage (``config.batch_stages``: 储备 and 预备 by default)
    that is not already in the year's plan (:func:`zjanalysis.plan.plan_stage_mask`:
    a 预备 project with plan money is) and not ``held`` (started, contradicted
    by its node targets or taken out of the plan this year). Whether it is
    ready is the grade's business; this is the one rule of *which* projects a
    batch may hold, shared by :func:`select_next_batch` and
    :func:`test_batch_stability`.

    Examples
    --------
    >>> p = pd.DataFrame({"stage": ["储备", "预备", "预备", "新开工"],
    ...                   "plan_investment": [0.0, 0.0, 50.0, 80.0]})
    >>> release_pool(p, ReadinessConfig(criteria=(), status_credit={})).tolist()
    [True, True, False, False]
    """
    pool = _stage_flags(projects, config.batch_stages) & ~plan.plan_stage_mask(projects)
    if held is not None:
        pool &= ~np.asarray(held, dtype=bool)
    return pool


def select_next_batch(
    scored: pd.DataFrame,
    projects: pd.DataFrame,
    config: ReadinessConfig,
    *,
    held: np.ndarray | None = None,
    max_projects: int | None = None,
    max_investment_wan: float | None = None,
) -> pd.DataFrame:
    """Select the next batch to release: ready projects not yet in the plan nor started, ranked.

    The batch adds projects to the year's plan ("成熟一批、下达一批"): ready
    projects of :func:`release_pool`. Ready projects already in the plan that
    have not started are not "to release" but "to start"
    (:func:`unstarted_in_plan`).

    Parameters
    ----------
    scored : pandas.DataFrame
        Output of :func:`score_readiness` for ``projects`` (same rows, same order).
    projects : pandas.DataFrame
        The canonical projects rows that were scored.
    config : ReadinessConfig
        For ``batch_stages``.
    held : numpy.ndarray of bool, optional
        Keyword only, as all that follow; True for the rows of ``projects`` not
        to release whatever their grade: started (an actual start or
        investment reported in the plan year, :func:`started_projects`),
        contradicted by their node targets, or taken out of the plan this year.
    max_projects : int, optional
        Keep at most this many (the best ranked).
    max_investment_wan : float, optional
        Keep the best ranked while their summed ``plan_investment`` stays within
        this amount (万元).

    Returns
    -------
    pandas.DataFrame
        ``rank``, ``project_id``, ``name``, ``county``, ``department``, ``stage``,
        ``score``, ``grade_zh``, ``plan_investment`` (万元), ``total_investment``
        (万元), ``cum_plan_investment`` (万元), ``missing`` (the missing
        items of :func:`score_readiness`) and ``in_plan`` (False: the batch
        holds no project of the plan; kept so a batch and
        :func:`unstarted_in_plan` read alike), best first: by score, then
        planned investment, then project code.
    """
    _check_aligned(scored, projects)
    cand = (scored["grade"].to_numpy() == "ready") & release_pool(
        projects, config, held=held
    )
    return _ranked(scored, projects, cand, max_projects, max_investment_wan)


def unstarted_in_plan(
    scored: pd.DataFrame,
    projects: pd.DataFrame,
    *,
    started: np.ndarray,
    year: int | None = None,
) -> pd.DataFrame:
    """List the ready projects already in the year's plan that have not started.

    They need no release, they need to start: their plan money is counted in
    the year's plan but no investment is reported. With ``year``, a project
    planned to start in a later year is left out: it carries plan money for
    its pre-work (a 预备 project) and is on schedule, so "督促开工" would be the
    wrong advice. Same columns and order as :func:`select_next_batch`
    (``in_plan`` True).

    Examples
    --------
    >>> p = pd.DataFrame({"project_id": ["a", "b", "c", "d"], "stage": ["新开工"] * 3 + ["预备"],
    ...     "plan_investment": [10.0, 20.0, 30.0, 5.0], "total_investment": [50.0] * 4,
    ...     "planned_start": pd.to_datetime(["2021-03-01", "2021-09-01", None, "2022-05-01"])})
    >>> s = pd.DataFrame({"project_id": ["a", "b", "c", "d"],
    ...     "grade": ["ready", "ready", "close", "ready"],
    ...     "grade_zh": ["可下达", "可下达", "接近成熟", "可下达"], "score": [100.0, 95.0, 80.0, 99.0],
    ...     "missing": [[], [], [], []]})
    >>> started = np.array([True, False, False, False])
    >>> unstarted_in_plan(s, p, started=started, year=2021)["project_id"].tolist()
    ['b']
    """
    _check_aligned(scored, projects)
    cand = (
        (scored["grade"].to_numpy() == "ready")
        & plan.plan_stage_mask(projects)
        & ~np.asarray(started, dtype=bool)
    )
    if year is not None:
        start_year = pd.to_datetime(
            _column(projects, "planned_start"), errors="coerce"
        ).dt.year
        cand &= ~(start_year > int(year)).fillna(False).to_numpy(dtype=bool)
    return _ranked(scored, projects, cand, None, None)


def _ranked(
    scored: pd.DataFrame,
    projects: pd.DataFrame,
    cand: np.ndarray,
    max_projects: int | None,
    max_investment_wan: float | None,
) -> pd.DataFrame:
    """Rank the ``cand`` rows best first and apply the caps (:func:`select_next_batch`)."""
    cols = [
        "name",
        "county",
        "department",
        "stage",
        "plan_investment",
        "total_investment",
    ]
    frame = pd.DataFrame(
        {
            "project_id": scored["project_id"].to_numpy(),
            **{c: _column(projects, c).to_numpy() for c in cols},
            "score": scored["score"].to_numpy(),
            "grade_zh": scored["grade_zh"].to_numpy(),
            "missing": scored["missing"].to_numpy(),
            "in_plan": plan.plan_stage_mask(projects),
            "_pos": np.arange(len(scored)),
        }
    )[cand]
    frame["plan_investment"] = pd.to_numeric(frame["plan_investment"]).astype(float)
    frame["total_investment"] = pd.to_numeric(frame["total_investment"]).astype(float)
    order = np.lexsort(
        (
            frame["project_id"].astype(str).to_numpy(),
            -frame["plan_investment"].fillna(0).to_numpy(),
            -np.round(frame["score"].to_numpy(), 9),
        )
    )
    frame = frame.iloc[order].reset_index(drop=True)
    if max_projects is not None:
        frame = frame.iloc[: max(int(max_projects), 0)]
    cum = frame["plan_investment"].fillna(0).cumsum()
    if max_investment_wan is not None:
        frame = frame[cum.to_numpy() <= max_investment_wan + 1e-9]
        cum = cum[: len(frame)]
    frame = frame.assign(
        cum_plan_investment=cum.to_numpy(), rank=np.arange(1, len(frame) + 1)
    )
    return frame[
        [
            "rank",
            "project_id",
            "name",
            "county",
            "department",
            "stage",
            "score",
            "grade_zh",
            "plan_investment",
            "total_investment",
            "cum_plan_investment",
            "missing",
            "in_plan",
        ]
    ].reset_index(drop=True)


#: Node targets that record a pre-work step, by criterion (a regular expression
#: on the milestone's name).
MILESTONE_STEPS: tuple[tuple[str, str], ...] = (
    ("approval", "立项"),
    ("land", "用地|选址"),
    ("eia", "环评"),
    ("energy", "节能"),
    ("design", "施工图|初步设计"),
    ("permit", "施工许可"),
)


def find_contradictions(
    projects: pd.DataFrame, milestones: pd.DataFrame | None, *, year: int | None = None
) -> pd.DataFrame:
    """List the pre-work steps the ledger calls done while their node target is not.

    A project whose ledger says 施工图审查 已完成 while its node target 完成施工图审查
    has no completion date contradicts itself: one of the two is wrong, and the
    score rests on the ledger. Such a project is flagged, not released. With
    ``year``, only node targets due in that year or before count (a later
    year's targets belong to a later plan).

    Returns
    -------
    pd.DataFrame
        ``project_id``, ``criterion``, ``milestone``, ``due_date``; one row per
        contradiction, in ledger order.

    Examples
    --------
    >>> p = pd.DataFrame({"project_id": ["a", "b"], "design_status": ["已完成"] * 2})
    >>> m = pd.DataFrame({"project_id": ["a", "b"], "milestone": ["完成施工图审查"] * 2,
    ...     "due_date": pd.to_datetime(["2021-01-31"] * 2),
    ...     "done_date": pd.to_datetime([None, "2021-01-20"])})
    >>> find_contradictions(p, m)[["project_id", "criterion"]].values.tolist()
    [['a', 'design']]
    """
    cols = ["project_id", "criterion", "milestone", "due_date"]
    if milestones is None or milestones.empty or projects.empty:
        return pd.DataFrame({c: [] for c in cols})
    open_ms = milestones.loc[milestones["done_date"].isna()]
    if year is not None:  # the node targets of the plan year (and earlier ones)
        due_year = pd.to_datetime(open_ms["due_date"]).dt.year
        open_ms = open_ms.loc[(due_year <= int(year)).fillna(False).to_numpy(bool)]
    pos = plan.index_in(open_ms["project_id"], projects["project_id"])
    found = []
    names = open_ms["milestone"].astype(str)
    for key, pattern in MILESTONE_STEPS:
        column = f"{key}_status"
        if column not in projects:
            continue
        hit = names.str.contains(pattern, regex=True).to_numpy() & (pos >= 0)
        if not hit.any():
            continue
        status = projects[column].to_numpy(dtype=object)[pos[hit]]
        done = status == "已完成"
        sub = open_ms.loc[hit].loc[done]
        found.append(
            pd.DataFrame(
                {
                    "project_id": sub["project_id"].to_numpy(),
                    "criterion": key,
                    "milestone": sub["milestone"].to_numpy(),
                    "due_date": sub["due_date"].to_numpy(),
                    "_pos": pos[hit][done],
                }
            )
        )
    if not found:
        return pd.DataFrame({c: [] for c in cols})
    out = pd.concat(found, ignore_index=True).sort_values("_pos", kind="stable")
    return out[cols].reset_index(drop=True)


def started_projects(
    projects: pd.DataFrame, progress: pd.DataFrame | None, *, year: int
) -> np.ndarray:
    """Return True for the projects that have started in plan ``year`` or before.

    Started: a reported actual start, or investment reported in the year
    (:func:`zjanalysis.plan.progress_to_date` at 1—12月), or a 续建/竣工 stage.
    Without progress reports, only the stage tells.

    Examples
    --------
    >>> p = pd.DataFrame({"project_id": ["a", "b", "c"], "stage": ["新开工"] * 3})
    >>> g = pd.DataFrame({"project_id": ["a", "b"], "year": [2021, 2021],
    ...     "month": [3, 4], "cum_completed": [0.0, 12.0],
    ...     "actual_start": pd.to_datetime(["2021-03-19", None])})
    >>> started_projects(p, g, year=2021).tolist()
    [True, True, False]
    """
    progress = plan.table_or_empty({"project_progress": progress}, "project_progress")
    todate = plan.progress_to_date(projects, progress, year=year, month=12)
    return todate["started"].to_numpy(dtype=bool)


def _check_aligned(scored: pd.DataFrame, projects: pd.DataFrame) -> None:
    if len(scored) != len(projects) or not np.array_equal(
        scored["project_id"].astype(str).to_numpy(),
        _column(projects, "project_id").astype(str).to_numpy(),
    ):
        raise ValueError(
            "scored and projects must have the same rows in the same order "
            "(pass the frame you scored)"
        )


def _new_money(batch: pd.DataFrame) -> np.ndarray:
    """Return each batch row's planned investment that is new to the year's plan."""
    money = pd.to_numeric(batch["plan_investment"], errors="coerce").fillna(0.0)
    if "in_plan" not in batch:
        return money.to_numpy(float)
    return np.where(batch["in_plan"].to_numpy(dtype=bool), 0.0, money.to_numpy(float))


def summarise_batch(batch: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Sum the batch's planned investment per county and per department.

    Parameters
    ----------
    batch : pandas.DataFrame
        Output of :func:`select_next_batch`.

    Returns
    -------
    dict of str to pandas.DataFrame
        ``"county"``: every county in the city's order (then 市直 and any other
        name), with ``n_projects``, ``plan_investment`` (万元),
        ``new_plan_investment`` (the part not yet in the year's plan, 万元) and
        ``total_investment`` (万元), zeros included so a county with nothing
        ready shows; ``"department"``: departments with a project in the
        batch, by planned investment, largest first. Both end with a 合计 row.

    Examples
    --------
    >>> b = pd.DataFrame({"county": ["霞山区", "霞山区", "市直"],
    ...     "department": ["市交通运输局", "市水务局", "市交通运输局"],
    ...     "plan_investment": [100.0, 50.0, 30.0],
    ...     "total_investment": [1000.0, 500.0, 300.0]})
    >>> s = summarise_batch(b)
    >>> s["department"]["plan_investment"].tolist()
    [130.0, 50.0, 180.0]
    """

    def _sum(by: str) -> pd.DataFrame:
        g = (
            batch.assign(_n=1, _new=_new_money(batch))
            .groupby(by, sort=False, dropna=False)
            .agg(
                n_projects=("_n", "sum"),
                plan_investment=("plan_investment", "sum"),
                new_plan_investment=("_new", "sum"),
                total_investment=("total_investment", "sum"),
            )
        )
        return g

    county = _sum("county")
    order = list(COUNTIES) + [CITY_LEVEL]
    extra = [c for c in county.index if c not in order]
    county = county.reindex(order + extra, fill_value=0)
    dept = _sum("department").sort_values(
        ["plan_investment", "n_projects"], ascending=False, kind="stable"
    )
    out = {}
    for name, g in (("county", county), ("department", dept)):
        g = g.astype(
            {
                "n_projects": "int64",
                "plan_investment": float,
                "new_plan_investment": float,
                "total_investment": float,
            }
        )
        total = pd.DataFrame(
            {
                "n_projects": [int(g["n_projects"].sum())],
                "plan_investment": [float(g["plan_investment"].sum())],
                "new_plan_investment": [float(g["new_plan_investment"].sum())],
                "total_investment": [float(g["total_investment"].sum())],
            },
            index=["合计"],
        )
        g = pd.concat([g, total])
        g.index.name = name
        out[name] = g.reset_index()
    return out


# --- to-do lists by unit -------------------------------------------------------


def list_todos_by_unit(
    scored: pd.DataFrame,
    projects: pd.DataFrame,
    config: ReadinessConfig,
    *,
    grades: tuple[str, ...] = ("ready", "close", "prework"),
) -> pd.DataFrame:
    """List every missing item with the unit that must act on it.

    Parameters
    ----------
    scored : pandas.DataFrame
        Output of :func:`score_readiness` for ``projects``.
    projects : pandas.DataFrame
        The projects that were scored (for name, county).
    config : ReadinessConfig
        For each criterion's ``unit``; ``{county}`` (:data:`COUNTY_UNIT`) means
        the project's county (``fallback_unit`` for 市直 projects).
    grades : tuple of str, default ("ready", "close", "prework")
        Keyword only; grades whose projects get a to-do list (reserve
        projects are left out: nobody is asked to act on them yet).

    Returns
    -------
    pandas.DataFrame
        One row per project and missing item: ``unit``, ``project_id``,
        ``name``, ``county``, ``grade_zh``, ``score``, ``criterion`` (its key)
        and ``item`` (the missing item of :func:`score_readiness`); sorted by unit (city bureaus in criterion order, then the counties in
        the city's order), then grade (closest to release first), then score.
    """
    _check_aligned(scored, projects)
    keep = scored["grade"].isin(list(grades)).to_numpy()
    sub = projects[keep]
    parts = _credits(sub, config)
    county = _column(sub, "county").to_numpy(dtype=object)
    rows = []
    for j, c in enumerate(config.criteria):
        items = parts["items"][j]
        has = np.array([t is not None for t in items], dtype=bool) & (
            parts["credit"][:, j] < 1.0
        )
        if not has.any():
            continue
        if c.unit == COUNTY_UNIT:
            cty = county[has]
            unit = np.array(
                [
                    x
                    if isinstance(x, str) and x and x != CITY_LEVEL
                    else c.fallback_unit
                    for x in cty
                ],
                dtype=object,
            )
        else:
            unit = np.full(has.sum(), c.unit, dtype=object)
        rows.append(
            pd.DataFrame(
                {
                    "unit": unit,
                    "_pos": np.flatnonzero(keep)[has],
                    "criterion": c.key,
                    "item": items[has],
                    "_order": j,
                }
            )
        )
    cols = [
        "unit",
        "project_id",
        "name",
        "county",
        "grade_zh",
        "score",
        "criterion",
        "item",
    ]
    if not rows:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    long = pd.concat(rows, ignore_index=True)
    pos = long["_pos"].to_numpy()
    long["project_id"] = scored["project_id"].to_numpy()[pos]
    long["name"] = _column(projects, "name").to_numpy()[pos]
    long["county"] = _column(projects, "county").to_numpy()[pos]
    long["grade_zh"] = scored["grade_zh"].to_numpy()[pos]
    long["score"] = scored["score"].to_numpy()[pos]
    grade_rank = {g: i for i, g in enumerate(GRADES.values())}
    long["_g"] = long["grade_zh"].map(grade_rank)
    # city bureaus first (in criterion order), then counties in the city's order
    unit_order: dict[str, int] = {}
    for c in config.criteria:
        for u in (c.unit, c.fallback_unit) if c.unit == COUNTY_UNIT else (c.unit,):
            if u != COUNTY_UNIT:
                unit_order.setdefault(u, len(unit_order))
    for u in (*COUNTIES, CITY_LEVEL):
        unit_order.setdefault(u, len(unit_order))
    long["_u"] = long["unit"].map(unit_order).fillna(len(unit_order))
    long = long.sort_values(
        ["_u", "unit", "_g", "score", "project_id", "_order"],
        ascending=[True, True, True, False, True, True],
        kind="stable",
    )
    return long[cols].reset_index(drop=True)


def count_todos_by_unit(todos: pd.DataFrame) -> pd.DataFrame:
    """Count the to-do items and projects per unit, most items first.

    Examples
    --------
    >>> t = pd.DataFrame({"unit": ["市生态环境局", "市生态环境局", "霞山区"],
    ...                   "project_id": ["A", "B", "A"]})
    >>> count_todos_by_unit(t)["n_items"].tolist()
    [2, 1]
    """
    g = todos.groupby("unit", sort=False).agg(
        n_items=("project_id", "size"), n_projects=("project_id", "nunique")
    )
    return g.sort_values(
        ["n_items", "n_projects"], ascending=False, kind="stable"
    ).reset_index()


# --- robustness ----------------------------------------------------------------


def test_batch_stability(
    projects: pd.DataFrame,
    config: ReadinessConfig,
    *,
    n_draws: int = 1000,
    spread: float = 0.25,
    seed: int = defaults.SEED,
    low: float = 0.10,
    high: float = 0.90,
    max_projects: int | None = None,
    held: np.ndarray | None = None,
) -> pd.DataFrame:
    """Perturb the weights at random and count how often each project stays in the batch.

    Each draw multiplies every criterion's points by an independent factor
    uniform on ``[1 - spread, 1 + spread]`` (a seeded NumPy Generator), rescores
    every project, regrades it and reselects the batch. Gates and the number of
    missing items do not depend on the weights; the score, and so the
    ``ready_min_score`` and ``reserve_below_score`` thresholds and the ranking
    under ``max_projects``, do.

    Parameters
    ----------
    projects : pandas.DataFrame
        Canonical projects rows.
    config : ReadinessConfig
        The base weights.
    n_draws : int, default 1000
        Keyword only, as all that follow.
    spread : float, default 0.25
        Relative half-width of the perturbation (0.25 = ±25%).
    seed : int, default defaults.SEED
        Seed of ``numpy.random.default_rng``; the same seed gives the same shares.
    low, high : float, default 0.10 and 0.90
        A project whose share lies strictly between them is flagged.
    max_projects : int, optional
        Cap of the batch, as in :func:`select_next_batch`.
    held : numpy.ndarray of bool, optional
        Rows never released, as in :func:`select_next_batch`.

    Returns
    -------
    pandas.DataFrame
        One row per input row, same order and index: ``project_id``,
        ``in_next_batch`` (with the configured weights), ``batch_stability``
        (share of draws in the batch, 0–1) and ``weight_sensitive`` (flag).
    """
    if not 0 <= spread < 1:
        raise ValueError("spread must be in [0, 1)")
    rng = np.random.default_rng(seed)
    parts = _credits(projects, config)
    credit = parts["credit"]
    n = len(projects)
    n_missing = (credit < 1.0).sum(axis=1)
    rule = config.grades
    eligible = (
        parts["passes"]
        & (n_missing <= rule.ready_max_missing)
        & ~_stage_flags(projects, rule.reserve_stages)
        & release_pool(projects, config, held=held)
    )
    base_points = config.points
    factors = rng.uniform(1 - spread, 1 + spread, size=(n_draws, len(base_points)))
    weights = factors * base_points
    weights = weights * (100.0 / weights.sum(axis=1, keepdims=True))
    plan = _float_values(_column(projects, "plan_investment"))
    pid = _column(projects, "project_id").astype(str).to_numpy()

    def in_batch(scores: np.ndarray) -> np.ndarray:
        # scores: (n, d). ready = eligible & score >= min & not below reserve line
        eps = 1e-9
        ok = (
            eligible[:, None]
            & (scores >= rule.ready_min_score - eps)
            & (scores >= rule.reserve_below_score - eps)
        )
        if max_projects is None:
            return ok
        out = np.zeros_like(ok)
        # rank within each draw as select_next_batch does: score, investment, id
        tie = np.lexsort((pid, -np.nan_to_num(plan)))
        tie_rank = np.empty(n, dtype=np.int64)
        tie_rank[tie] = np.arange(n)
        for d in range(scores.shape[1]):
            idx = np.flatnonzero(ok[:, d])
            if len(idx) <= max_projects:
                out[idx, d] = True
                continue
            order = np.lexsort((tie_rank[idx], -np.round(scores[idx, d], 9)))
            out[idx[order[:max_projects]], d] = True
        return out

    base_scores = credit @ (base_points * 100.0 / base_points.sum())
    base = in_batch(base_scores[:, None])[:, 0]
    hits = np.zeros(n, dtype=np.int64)
    chunk = max(1, min(n_draws, 20_000_000 // max(n, 1)))
    for start in range(0, n_draws, chunk):
        w = weights[start : start + chunk]
        hits += in_batch(credit @ w.T).sum(axis=1)
    share = hits / n_draws if n_draws else np.zeros(n)
    return pd.DataFrame(
        {
            "project_id": _column(projects, "project_id").to_numpy(),
            "in_next_batch": base,
            "batch_stability": share,
            "weight_sensitive": (share > low) & (share < high),
        },
        index=projects.index,
    )


test_batch_stability.__test__ = False  # a pytest collector must not run it


# --- evidence ------------------------------------------------------------------


def compute_auc(
    scores: np.ndarray | pd.Series, outcomes: np.ndarray | pd.Series
) -> float:
    """Compute the area under the ROC curve by the rank (Mann–Whitney) formula.

    AUC is the probability that a randomly chosen positive has a higher score
    than a randomly chosen negative, ties counting one half.

    Returns NaN when there are no positives or no negatives.

    Examples
    --------
    >>> compute_auc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])
    0.75
    """
    from scipy.stats import rankdata

    s = np.asarray(scores, dtype=float)
    y = np.asarray(outcomes, dtype=bool)
    n1 = int(y.sum())
    n0 = len(y) - n1
    if n1 == 0 or n0 == 0:
        return float("nan")
    ranks = rankdata(s)
    return float((ranks[y].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


@dataclass
class StartModelResult:
    """Evidence on whether readiness predicted on-time starts.

    :func:`zjanalysis.reports.readiness.evidence_message` states it in Chinese.

    Attributes
    ----------
    plan_year, n_projects, n_on_time : int
        The plan year tested, its projects with an outcome, those on time.
    auc : float
        AUC of the score (NaN without positives or negatives).
    status : {"ok", "too_few", "separation", "singular"}
        ``ok`` when the regression was fitted.
    min_outcomes : int
        The fewest on-time and late projects a regression needs.
    rank_correlation : float
        Spearman correlation of fitted and configured shares (NaN unless the
        regression was fitted on at least three criteria).
    coefficients : pandas.DataFrame
        Per criterion: ``criterion``, ``coef``, ``std_coef``, ``p_value``,
        ``fitted_share_pct``, ``configured_share_pct``.
    data : pandas.DataFrame
        ``project_id``, ``score``, ``on_time``, ``actual_start``.
    """

    plan_year: int
    n_projects: int
    n_on_time: int
    auc: float
    status: str
    min_outcomes: int
    rank_correlation: float
    coefficients: pd.DataFrame
    data: pd.DataFrame


def label_start_outcomes(
    projects: pd.DataFrame,
    progress: pd.DataFrame,
    *,
    plan_year: int,
    grace_days: int = 30,
) -> pd.DataFrame:
    """Label each project of ``plan_year`` planned to start that year: on time or not.

    A project is on time when its first recorded ``actual_start`` is no later
    than ``grace_days`` after ``planned_start`` (a planned start given as a
    month, ``2020年3月``, is the 1st, so a start within that month counts). A
    project with progress rows but no ``actual_start`` did not start (not on
    time); a project with no progress rows at all has no outcome and is left out.
    ``plan_year`` and ``grace_days`` are keyword only.

    Examples
    --------
    >>> p = pd.DataFrame({"project_id": ["A", "B"], "plan_year": [2020, 2020],
    ...     "planned_start": pd.to_datetime(["2020-03-01", "2020-03-01"])})
    >>> g = pd.DataFrame({"project_id": ["A", "B"],
    ...     "actual_start": pd.to_datetime(["2020-03-25", "2020-05-02"])})
    >>> label_start_outcomes(p, g, plan_year=2020)["on_time"].tolist()
    [True, False]

    Returns
    -------
    pandas.DataFrame
        The selected project rows (original index) plus ``actual_start`` and
        ``on_time`` (bool).
    """
    p = projects[
        _column(projects, "plan_year").eq(plan_year).fillna(False).to_numpy(bool)
    ]
    start = _dates(_column(p, "planned_start"))
    in_year = (start.dt.year == plan_year).fillna(False).to_numpy(bool)
    p = p[in_year]
    start = start[in_year]
    first = (
        pd.DataFrame(
            {
                "project_id": _column(progress, "project_id").to_numpy(),
                "actual_start": _dates(_column(progress, "actual_start")).to_numpy(),
            }
        )
        .groupby("project_id")["actual_start"]
        .min()
    )
    known = _column(p, "project_id").isin(first.index).to_numpy(bool)
    p = p[known]
    start = start[known]
    actual = _dates(
        pd.Series(first.reindex(p["project_id"].to_numpy()).to_numpy(), index=p.index)
    )
    days_late = (actual - start).dt.days
    on_time = (days_late <= grace_days).fillna(False).to_numpy(bool)
    return p.assign(actual_start=actual.to_numpy(), on_time=on_time)


def _dates(s: pd.Series) -> pd.Series:
    """Return ``s`` as datetime64 (NaT where missing), whatever its dtype."""
    if pd.api.types.is_datetime64_any_dtype(s.dtype):
        return s
    return pd.to_datetime(s.astype(object), errors="coerce")


def fit_start_model(
    projects: pd.DataFrame,
    progress: pd.DataFrame,
    *,
    plan_year: int,
    config: ReadinessConfig,
    grace_days: int = 30,
    min_outcomes: int = 10,
) -> StartModelResult:
    """Test whether the readiness score predicted on-time starts in ``plan_year``.

    Parameters
    ----------
    projects : pandas.DataFrame
        Canonical projects; the rows of ``plan_year`` planned to start in that
        year are used, with their readiness fields as recorded in that plan.
    progress : pandas.DataFrame
        Canonical ``project_progress`` (``actual_start``).
    plan_year : int
        Keyword only, as all that follow; the previous plan year (2020 for
        the 2021 report).
    config : ReadinessConfig
        From :func:`load_config`.
    grace_days : int, default 30
        Days of delay after the planned start still counted as on time.
    min_outcomes : int, default 10
        Fewer on-time or fewer late projects than this: no regression, a message.

    Returns
    -------
    StartModelResult
        ``auc`` of the score, a statsmodels Logit of the outcome on the
        criterion credits (``coefficients``: coefficient, p-value, fitted share
        of importance = |coef × sd of the credit| normalised to 100, configured
        share of the points) and the rank correlation of the two shares. Too
        few outcomes, perfect separation or a singular design give a
        ``status``, not an exception.
    """
    import statsmodels.api as sm
    from scipy.stats import spearmanr

    labelled = label_start_outcomes(
        projects, progress, plan_year=plan_year, grace_days=grace_days
    )
    n = len(labelled)
    y = labelled["on_time"].to_numpy(dtype=float)
    n1 = int(y.sum())
    scored = score_readiness(labelled, config)
    data = scored[["project_id", "score"]].assign(
        on_time=labelled["on_time"].to_numpy(),
        actual_start=labelled["actual_start"].to_numpy(),
    )
    auc = compute_auc(scored["score"], y)
    parts = _credits(labelled, config)
    credit = parts["credit"]
    total = config.points.sum()
    coef = pd.DataFrame(
        {
            "criterion": config.keys,
            "coef": np.nan,
            "std_coef": np.nan,
            "p_value": np.nan,
            "fitted_share_pct": np.nan,
            "configured_share_pct": 100 * config.points / total,
        }
    )

    def result(status: str, rho: float = float("nan")) -> StartModelResult:
        return StartModelResult(
            plan_year, n, n1, auc, status, min_outcomes, rho, coef, data
        )

    if n1 < min_outcomes or n - n1 < min_outcomes:
        return result("too_few")
    sd = credit.std(axis=0)
    use = sd > 1e-12
    X = sm.add_constant(credit[:, use], has_constant="add")
    status = "ok"
    fit = None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            fit = sm.Logit(y, X).fit(disp=0, maxiter=200)
            params = np.asarray(fit.params)
            bse = np.asarray(fit.bse)
            if not np.all(np.isfinite(params)) or not np.all(np.isfinite(bse)):
                status = "singular"
            elif np.max(np.abs(params[1:])) > 30 or _separated(fit):
                status = "separation"
        except np.linalg.LinAlgError:
            status = "singular"
        except (
            Exception
        ) as exc:  # statsmodels raises PerfectSeparationError in old versions
            status = "separation" if "separation" in str(exc).lower() else "singular"
    if status != "ok" or fit is None:
        return result(status)
    b = np.asarray(fit.params)[1:]
    pv = np.asarray(fit.pvalues)[1:]
    coef.loc[use, "coef"] = b
    coef.loc[use, "p_value"] = pv
    coef.loc[use, "std_coef"] = b * sd[use]
    # A criterion whose fitted effect is negative (more done, fewer on-time
    # starts) earns no importance: it does not support its configured weight.
    imp = np.clip(coef["std_coef"].fillna(0.0).to_numpy(), 0.0, None)
    coef["fitted_share_pct"] = 100 * imp / imp.sum() if imp.sum() > 0 else 0.0
    coef.loc[~use, "fitted_share_pct"] = np.nan
    rho = float("nan")
    if use.sum() >= 3:
        rho = float(
            spearmanr(
                coef.loc[use, "fitted_share_pct"], coef.loc[use, "configured_share_pct"]
            )[0]
        )
    return result(status, rho)


def _separated(fit: Any) -> bool:
    p = np.asarray(fit.predict())
    return bool(np.all((p < 1e-6) | (p > 1 - 1e-6)))


# --- the whole assessment --------------------------------------------------------


@dataclass
class ReadinessAssessment:
    """Everything the readiness report computes for one plan year.

    :class:`zjanalysis.reports.readiness.ReadinessView` shows it.
    """

    year: int
    config: ReadinessConfig
    projects: pd.DataFrame
    scored: pd.DataFrame
    #: Ready projects not in the year's plan and not started: to release.
    batch: pd.DataFrame
    batch_by_county: pd.DataFrame
    batch_by_department: pd.DataFrame
    todos: pd.DataFrame
    stability: pd.DataFrame
    evidence: StartModelResult | None
    n_draws: int = 1000
    spread: float = 0.25
    #: Ready projects already in the year's plan that have not started: to
    #: start, not to release (:func:`unstarted_in_plan`; columns of ``batch``).
    unstarted: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: Ready projects of the release pool left out of the batch: they have started.
    ready_started: list[str] = field(default_factory=list)
    #: Ready, not started, but taken out of the year's plan (取消) this year.
    ready_cancelled: list[str] = field(default_factory=list)
    #: The last month of the plan year the progress reports reach (None: none):
    #: "not started" is known up to that month.
    progress_month: int | None = None
    #: Ready, not started, but held out: the ledger contradicts the node targets.
    ready_contradicted: list[str] = field(default_factory=list)
    #: Every contradiction between ledger and node targets (:func:`find_contradictions`).
    contradictions: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: Per row of ``projects``: started in the plan year or before
    #: (:func:`started_projects`); None when not assessed.
    started: np.ndarray | None = None
    #: Why there are no results; ``""`` when assessed.
    refusal: str = ""
    #: ``errors`` or ``no_data`` when refused (:func:`zjanalysis.coverage.gate`).
    refusal_kind: str = ""

    def to_frame(self) -> pd.DataFrame:
        """Return one row per project: identity, score, grade, batch, stability, points."""
        p = self.projects
        s = self.scored
        st = self.stability
        out = pd.DataFrame(
            {
                "project_id": s["project_id"].to_numpy(),
                "name": _column(p, "name").to_numpy(),
                "county": _column(p, "county").to_numpy(),
                "department": _column(p, "department").to_numpy(),
                "stage": _column(p, "stage").to_numpy(),
                "is_key": _key_flags(p),
                "plan_investment": _float_values(_column(p, "plan_investment")),
                "total_investment": _float_values(_column(p, "total_investment")),
                "score": s["score"].to_numpy(),
                "grade": s["grade"].to_numpy(),
                "grade_zh": s["grade_zh"].to_numpy(),
                "passes_gates": s["passes_gates"].to_numpy(),
                "in_next_batch": s["project_id"]
                .isin(self.batch["project_id"])
                .to_numpy(),
                "already_started": np.zeros(len(s), dtype=bool)
                if self.started is None
                else np.asarray(self.started, dtype=bool),
                "batch_stability": st["batch_stability"].to_numpy(),
                "weight_sensitive": st["weight_sensitive"].to_numpy(),
                "n_missing": s["n_missing"].to_numpy(),
                "missing": s["missing"].to_numpy(),
            }
        )
        for c in self.config.criteria:
            out[f"pts_{c.key}"] = s[f"pts_{c.key}"].to_numpy()
        return out

    @property
    def candidate_stages(self) -> tuple[str, ...]:
        """The stages not yet under construction (储备、预备、新开工).

        In the order of :data:`zjanalysis.schema.STAGES`: the projects whose
        readiness still matters, to release or to start.
        """
        return tuple(s for s in STAGES if s not in plan.ONGOING_STAGES)

    def count_grades(self) -> pd.DataFrame:
        """Count projects and sum investment by grade, for projects not yet under construction.

        Projects already under construction (续建, 竣工) are left out: they
        are not waiting for release or a start (:attr:`candidate_stages`).
        """
        full = self.to_frame()
        full = full[full["stage"].isin(self.candidate_stages)]
        g = full.groupby("grade", sort=False).agg(
            n_projects=("project_id", "size"),
            plan_investment=("plan_investment", "sum"),
            total_investment=("total_investment", "sum"),
        )
        g = g.reindex(list(GRADES), fill_value=0)
        g = g.astype({"n_projects": "int64"})
        g.insert(0, "grade_zh", [GRADES[k] for k in g.index])
        g.index.name = "grade"
        return g.reset_index()


def assess_readiness(
    projects: pd.DataFrame,
    progress: pd.DataFrame | None,
    *,
    year: int,
    config: ReadinessConfig,
    milestones: pd.DataFrame | None = None,
    plan_changes: pd.DataFrame | None = None,
    seed: int = defaults.SEED,
    n_draws: int = 1000,
    spread: float = 0.25,
    max_projects: int | None = None,
    max_investment_wan: float | None = None,
) -> ReadinessAssessment:
    """Run the whole readiness analysis for the projects of plan year ``year``.

    Scores and grades every project of ``year``, selects the next batch (ready
    projects not in the year's plan, not started, not contradicted by their
    node targets and not taken out of the plan this year), lists the ready
    projects of the plan that have not started,
    sums it per county and department, lists the to-dos per unit, tests the
    batch's stability under perturbed weights, and fits the on-time start
    model on the previous plan year (``year - 1``) when ``progress`` is given.

    Parameters
    ----------
    projects : pandas.DataFrame
        Canonical ``projects`` (all plan years).
    progress : pandas.DataFrame or None
        Canonical ``project_progress``; None skips the evidence.
    year : int
        Keyword only, as all that follow; the plan year to assess (2021).
    config : ReadinessConfig
        From :func:`load_config` (the caller reads the file).
    milestones : pandas.DataFrame, optional
        Canonical ``milestones``: a project whose ledger contradicts its node
        targets (:func:`find_contradictions`) is held out of the batch.
    plan_changes : pandas.DataFrame, optional
        Canonical ``plan_changes``: a project taken out of the year's plan
        (:func:`zjanalysis.plan.cancelled_in_year`) is not proposed again.
    seed, n_draws, spread
        Passed to :func:`test_batch_stability`.
    max_projects, max_investment_wan
        Optional caps of the batch, passed to :func:`select_next_batch`.

    Returns
    -------
    ReadinessAssessment
    """
    year_rows = _column(projects, "plan_year").eq(year).fillna(False).to_numpy(bool)
    p = projects[year_rows]
    scored = score_readiness(p, config)
    started = started_projects(p, progress, year=year)
    contradictions = find_contradictions(p, milestones, year=year)
    contradicted = p["project_id"].isin(contradictions["project_id"]).to_numpy()
    cancelled = (
        p["project_id"]
        .astype(str)
        .isin(plan.cancelled_in_year(plan_changes, year=year))
        .to_numpy()
    )
    held = started | contradicted | cancelled
    batch = select_next_batch(
        scored,
        p,
        config,
        held=held,
        max_projects=max_projects,
        max_investment_wan=max_investment_wan,
    )
    ready_candidate = (scored["grade"].to_numpy() == "ready") & release_pool(p, config)
    ready_started = ready_candidate & started
    ready_held = ready_candidate & ~started & contradicted
    ready_cancelled = ready_candidate & ~started & ~contradicted & cancelled
    if max_investment_wan is not None and max_projects is None:
        # the stability test caps by count: use the count the money cap gave
        max_projects = len(batch)
    sums = summarise_batch(batch)
    todos = list_todos_by_unit(scored, p, config)
    stability = test_batch_stability(
        p,
        config,
        n_draws=n_draws,
        spread=spread,
        seed=seed,
        max_projects=max_projects,
        held=held,
    )
    evidence = None
    if progress is not None:
        evidence = fit_start_model(
            projects, progress, plan_year=year - 1, config=config
        )
    return ReadinessAssessment(
        year=year,
        config=config,
        projects=p,
        scored=scored,
        batch=batch,
        unstarted=unstarted_in_plan(scored, p, started=started, year=year),
        batch_by_county=sums["county"],
        batch_by_department=sums["department"],
        todos=todos,
        stability=stability,
        evidence=evidence,
        n_draws=n_draws,
        spread=spread,
        ready_started=p.loc[ready_started, "project_id"].astype(str).tolist(),
        ready_contradicted=p.loc[ready_held, "project_id"].astype(str).tolist(),
        ready_cancelled=p.loc[ready_cancelled, "project_id"].astype(str).tolist(),
        progress_month=coverage.compute_coverage(
            {
                "project_progress": plan.table_or_empty(
                    {"project_progress": progress}, "project_progress"
                )
            }
        )["project_progress"].month_of(year),
        contradictions=contradictions,
        started=started,
    )


#: The tables the readiness report reads (errors in them block it) and what it
#: needs: the ledger's projects of the plan year.
READS: tuple[str, ...] = ("projects", "project_progress", "milestones", "plan_changes")
NEEDS: tuple[coverage.Need, ...] = (coverage.Need("projects"),)


def assess_readiness_for_dataset(
    ds: coverage.DatasetLike,
    *,
    year: int,
    config: ReadinessConfig,
    as_of: str | AsOf | None = None,
    seed: int = defaults.SEED,
    n_draws: int = 1000,
    spread: float = 0.25,
    max_projects: int | None = None,
    max_investment_wan: float | None = None,
) -> ReadinessAssessment:
    """Run :func:`assess_readiness` on a loaded data set, or refuse when it has errors.

    Parameters
    ----------
    ds : zjanalysis.io.Dataset
        A loaded data set (``ds.report`` and the canonical tables).
    year, config, seed, n_draws, spread, max_projects, max_investment_wan
        Keyword only; as in :func:`assess_readiness`.
    as_of : str or AsOf, optional
        The report's month: the progress reports and node targets are read
        as known then (:func:`zjanalysis.coverage.known_at`), so "not
        started" means "not started by the as-of month", and progress
        reports that stop before it refuse the batch (as the circular does).
        Without it, everything received counts.

    Returns
    -------
    ReadinessAssessment
        With ``refusal`` set and no project when the ledger or the progress
        reports have errors, the ledger has no project of ``year``, or the
        progress reports received stop before the as-of month
        (:func:`zjanalysis.coverage.gate`): a batch chosen on them would
        mislead (the same rule as the other reports).
    """
    what = f"作{int(year)}年项目成熟度评分和下一批下达建议"
    received = len(plan.table_or_empty(ds, "project_progress")) > 0
    needs = NEEDS + (
        (coverage.Need("project_progress", monthly=True),)
        if as_of is not None and received
        else ()
    )
    verdict, month = coverage.gate_as_of(
        ds,
        reads=READS,
        needs=needs,
        year=year,
        as_of=AsOf(int(year), 12) if as_of is None else as_of,
        what=what,
    )
    if verdict.ok:
        data = ds if as_of is None else coverage.known_at(ds, year=year, month=month)
        milestones = plan.table_or_empty(data, "milestones")
        if as_of is not None and len(milestones):  # a node done later was open then
            later = pd.to_datetime(milestones["done_date"]) > plan.month_end(
                year, month
            )
            milestones = milestones.assign(
                done_date=milestones["done_date"].mask(later.to_numpy(bool))
            )
        return assess_readiness(
            data["projects"],
            data["project_progress"],
            year=year,
            config=config,
            milestones=milestones,
            plan_changes=plan.table_or_empty(data, "plan_changes"),
            seed=seed,
            n_draws=n_draws,
            spread=spread,
            max_projects=max_projects,
            max_investment_wan=max_investment_wan,
        )
    projects = ds["projects"].iloc[0:0]
    empty = assess_readiness(
        projects, None, year=year, config=config, seed=seed, n_draws=1
    )
    return replace(
        empty,
        batch_by_county=empty.batch_by_county.iloc[0:0],
        batch_by_department=empty.batch_by_department.iloc[0:0],
        n_draws=n_draws,
        spread=spread,
        refusal=verdict.reason,
        refusal_kind=verdict.kind,
    )

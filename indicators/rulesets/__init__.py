"""Rule sets as data: TOML files in this folder (or any path), each naming its settings; `load` returns one.

A rule set may `extend` another and override only what differs. Adding a rule set means
adding a file; the engine reads every setting from the loaded `RuleSet`.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from .. import GROUPS, REGISTRY, TOTAL_POINTS
from ..core import NO_DATA_RULES

FOLDER = Path(__file__).resolve().parent
DEFAULT = "portal-2025"
NO_FEEDBACK_RULES = ("full", "redistribute")


@dataclass(frozen=True)
class Band:
    key: str
    name_vi: str
    name_en: str
    min: float


@dataclass(frozen=True)
class IndicatorRule:
    indicator_id: str
    max_points: float
    target: float | None
    no_data: str


@dataclass(frozen=True)
class RuleSet:
    name: str
    description: str
    working_days: dict[str, int]
    sync_multiplier: bool
    no_feedback: str
    bands: tuple[Band, ...]
    indicators: dict[str, IndicatorRule]
    # indicator → the indicator whose ratio multiplies it (3.3 → 1.4) when sync_multiplier is on
    sync_pairs: dict[str, str]
    # indicator → the indicator whose ratio scores it when the unit has no feedback (5.1 → 2.1, 5.2 → 5.3)
    no_feedback_pairs: dict[str, str]
    # 2.1, 5.3: take the citizen's supplement time off a recorded due_at too (sources that keep the first due date)
    deduct_supplement_from_due: bool = False

    @property
    def multipliers(self) -> dict[str, str]:
        return self.sync_pairs if self.sync_multiplier else {}

    @property
    def borrowed(self) -> dict[str, str]:
        return self.no_feedback_pairs if self.no_feedback == "redistribute" else {}

    def rule(self, indicator_id: str) -> IndicatorRule:
        return self.indicators[indicator_id]


def available() -> list[str]:
    """Return the names of the rule sets shipped in this folder."""
    return sorted(p.stem for p in FOLDER.glob("*.toml"))


def _read(name_or_path: str, seen: tuple[str, ...] = ()) -> dict:
    """Return the settings of a rule set file merged over those of the rule set it extends."""
    path = Path(name_or_path)
    if not path.suffix:
        path = FOLDER / f"{name_or_path}.toml"
    if not path.is_file():
        raise ValueError(f"unknown rule set {name_or_path!r}; available: {', '.join(available())}")
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    parent = data.pop("extends", None)
    if parent is None:
        return data
    if parent in seen:
        raise ValueError(f"rule set {name_or_path!r} extends itself through {parent!r}")
    merged = _read(parent, (*seen, str(name_or_path)))
    for key, value in data.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            inner = dict(merged[key])
            for k, v in value.items():
                inner[k] = {**inner.get(k, {}), **v} if isinstance(v, dict) else v
            merged[key] = inner
        else:
            merged[key] = value
    return merged


def load(name_or_path: str | None = None) -> RuleSet:
    """Return the rule set named (a file in this folder) or at a path, validated; the default when None."""
    data = _read(name_or_path or DEFAULT)
    overrides = data.get("indicators", {})
    unknown = sorted(set(overrides) - set(REGISTRY))
    if unknown:
        raise ValueError(f"rule set {data.get('name')}: unknown indicators {unknown}")
    rules = {}
    for ind in REGISTRY.values():
        o = overrides.get(ind.id, {})
        rule = IndicatorRule(ind.id, float(o.get("max_points", ind.max_points)),
                             o.get("target", ind.target), o.get("no_data", ind.no_data))
        if rule.no_data not in NO_DATA_RULES:
            raise ValueError(f"rule set {data.get('name')}: {ind.id} no_data must be one of {NO_DATA_RULES}")
        if rule.max_points > 0 and not (rule.target and 0 < rule.target <= 1):
            raise ValueError(f"rule set {data.get('name')}: {ind.id} needs a target in (0, 1]")
        rules[ind.id] = rule
    for group in GROUPS:
        points = sum(rules[i.id].max_points for i in group.indicators)
        if abs(points - group.max_points) > 1e-9:
            raise ValueError(f"rule set {data.get('name')}: group {group.key} adds up to {points}, not {group.max_points}")
    if abs(sum(g.max_points for g in GROUPS) - TOTAL_POINTS) > 1e-9:
        raise ValueError("the groups must add up to 100")
    options = data.get("options", {})
    if options.get("no_feedback", "full") not in NO_FEEDBACK_RULES:
        raise ValueError(f"rule set {data.get('name')}: no_feedback must be one of {NO_FEEDBACK_RULES}")
    pairs = {key: dict(options.get(key, {})) for key in ("sync_pairs", "no_feedback_pairs")}
    for key, mapping in pairs.items():
        if set(mapping) - set(REGISTRY) or set(mapping.values()) - set(REGISTRY):
            raise ValueError(f"rule set {data.get('name')}: {key} names unknown indicators")
    deduct = options.get("deduct_supplement_from_due", False)
    if not isinstance(deduct, bool):
        raise ValueError(f"rule set {data.get('name')}: deduct_supplement_from_due must be true or false")
    bands = tuple(sorted((Band(**b) for b in data["bands"]), key=lambda b: -b.min))
    if not bands or bands[-1].min > 0:
        raise ValueError(f"rule set {data.get('name')}: the lowest band must start at 0")
    return RuleSet(
        name=data["name"], description=data.get("description", ""),
        working_days={k: int(v) for k, v in data["working_days"].items()},
        sync_multiplier=bool(options.get("sync_multiplier", False)),
        no_feedback=options.get("no_feedback", "full"), bands=bands, indicators=rules, **pairs,
        deduct_supplement_from_due=deduct,
    )

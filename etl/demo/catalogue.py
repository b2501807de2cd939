"""The procedure catalogues: one national list of procedures, each province's catalogue of it, and the publication decisions."""
from __future__ import annotations

import numpy as np
import pandas as pd

import workdays
from etl.demo import names, profiles
from etl.demo.departments import FIELD_DEPARTMENTS

# Procedures in the national list per implementing level; a province's catalogue keeps most of them.
NATIONAL_COUNTS = {"province": 1640, "district": 320, "commune": 215}
KEEP_SHARE = 0.965
# Fields whose procedures are implemented at district and commune level.
LOCAL_FIELDS = {
    "district": ("Hộ tịch", "Chứng thực", "Đất đai", "Xây dựng", "Đăng ký kinh doanh", "Giáo dục", "Thương binh xã hội",
                 "Nội vụ", "Văn hóa, thể thao, du lịch", "Công thương", "Nông nghiệp", "Tài nguyên môi trường",
                 "Thanh tra, khiếu nại, tố cáo", "Thi đua, khen thưởng", "Y tế", "Tài chính"),
    "commune": ("Hộ tịch", "Chứng thực", "Thương binh xã hội", "Đất đai", "Nông nghiệp", "Văn hóa, thể thao, du lịch",
                "Thi đua, khen thưởng", "Thanh tra, khiếu nại, tố cáo", "Nội vụ", "Công an", "Giáo dục"),
}
DAYS = np.array([1, 2, 3, 5, 7, 10, 15, 20, 25, 30])
DAYS_P = np.array([0.06, 0.06, 0.14, 0.2, 0.14, 0.16, 0.1, 0.08, 0.02, 0.04])
FEES = np.array([10000, 20000, 30000, 50000, 100000, 150000, 200000, 300000, 500000, 1000000])
STATUS_SHARES = {"abolished": 0.012, "amended": 0.08}
SECOND_DECISION_SHARE = 0.2
DECISIONS_FROM = np.datetime64("2023-07-01")


def national_list(rng: np.random.Generator) -> pd.DataFrame:
    """Return the national procedure list: code, name, field, level, levels, days, fee, weight, result document, citizens."""
    named = pd.DataFrame([{"name": n.name, "field": n.field, "level": n.levels[0], "levels": list(n.levels), "days": n.days,
                           "fee": n.fee, "weight": n.weight, "requires_result_document": n.result_document} for n in names.NAMED])
    combos = [(f, f"{a} {o}") for f, objects in names.FIELD_OBJECTS.items() for o in objects for a in names.ACTIONS]
    order = rng.permutation(len(combos))
    used, rows = set(named["name"]), []
    for level, total in NATIONAL_COUNTS.items():
        allowed = set(LOCAL_FIELDS.get(level, names.FIELD_OBJECTS))
        need = total - int((named["level"] == level).sum())
        for i in order:
            field, name = combos[i]
            if need == 0:
                break
            if field in allowed and name not in used:
                used.add(name)
                rows.append((field, name, level))
                need -= 1
    generic = pd.DataFrame(rows, columns=["field", "name", "level"])
    n = len(generic)
    rank = generic.groupby("level").cumcount().to_numpy()
    generic["levels"] = [[lv] for lv in generic["level"]]
    generic["days"] = rng.choice(DAYS, n, p=DAYS_P)
    generic["fee"] = np.where(rng.random(n) < 0.33, rng.choice(FEES, n), 0)
    generic["weight"] = 8.0 / (rank + 1.0) ** 0.9
    generic["requires_result_document"] = rng.random(n) < 0.75
    table = pd.concat([named, generic], ignore_index=True)
    local = table["level"] != "province"
    table["targets_citizens"] = (rng.random(len(table)) < np.where(local, 0.85, 0.45)) | (table.index < len(named))
    prefix = np.where(table["level"] == "district", "2.00", "1.00")
    numbers = rng.choice(np.arange(1000, 9999), len(table), replace=False)
    table["procedure_code"] = [f"{p}{k:04d}" for p, k in zip(prefix, numbers)]
    return table


def _choose(rng: np.random.Generator, eligible: np.ndarray, k: int, priority: np.ndarray) -> np.ndarray:
    """Return a mask choosing exactly k eligible rows, higher `priority` first, ties broken at random."""
    score = np.where(eligible, priority + rng.random(len(eligible)), -np.inf)
    chosen = np.zeros(len(eligible), dtype=bool)
    chosen[np.argsort(-score, kind="stable")[:min(k, int(eligible.sum()))]] = True
    return chosen


def province_catalogue(rng: np.random.Generator, national: pd.DataFrame, code: str, profile: profiles.Province,
                       continuing: bool) -> pd.DataFrame:
    """Return province `code`'s catalogue (columns of `procedures`, plus weight and the handling departments).

    `continuing`: the code is also a post-reform province, so its district-level procedures
    are implemented at commune level too (the catalogue is one snapshot over both periods).
    """
    exact = profile.catalogue
    parts = []
    for level, group in national.groupby("level", sort=False):
        k = exact.get(f"n_{level}", int(round(len(group) * KEEP_SHARE)))
        keep = _choose(rng, np.ones(len(group), dtype=bool), k, (group["weight"].to_numpy() > 1) * 2.0)
        parts.append(group[keep])
    cat = pd.concat(parts, ignore_index=True)
    n = len(cat)
    rate = lambda name: profiles.province_rate(profile, name)  # noqa: E731
    popular = (cat["weight"].to_numpy() > 1) * 2.0
    status = np.full(n, "public", dtype=object)
    abolished = _choose(rng, np.ones(n, dtype=bool), int(round(n * STATUS_SHARES["abolished"])), -popular)
    status[abolished] = "abolished"
    status[~abolished & (rng.random(n) < STATUS_SHARES["amended"])] = "amended"
    alive = ~abolished
    online = _choose(rng, alive, exact.get("n_online", int(round(alive.sum() * rate("proc_online")))), popular)
    full = _choose(rng, online, exact.get("n_full", int(round(online.sum() * rate("proc_full")))), popular)
    fee_like = cat["fee"].to_numpy() > 0
    fee = _choose(rng, alive, exact.get("n_fee", int(round(alive.sum() * rate("proc_fee")))), fee_like * 3.0 + popular)
    integrated = fee & (rng.random(n) < rate("proc_payment"))
    levels = cat["levels"].tolist()
    if continuing:
        levels = [lv + ["commune"] if lv == ["district"] else lv for lv in levels]
    provincial = cat["level"].to_numpy() == "province"
    old_dept = cat["field"].map(lambda f: FIELD_DEPARTMENTS[f][0]).to_numpy(dtype=object)
    new_dept = cat["field"].map(lambda f: FIELD_DEPARTMENTS[f][1]).to_numpy(dtype=object)
    agency = np.where(provincial, code + "-" + (new_dept if continuing else old_dept).astype(str), None)
    fee_amount = np.where(fee, np.where(fee_like, cat["fee"], rng.choice(FEES, n)), 0)
    return pd.DataFrame({
        "province_code": code,
        "procedure_code": cat["procedure_code"],
        "name": cat["name"],
        "field": cat["field"],
        "levels": levels,
        "agency_code": agency,
        "status": status,
        "content_complete": np.where(status == "abolished", False, rng.random(n) < rate("proc_complete")),
        "online_service": np.select([full, online], ["full", "partial"], "none"),
        "eligible_full_process": full | (online & (rng.random(n) < 0.12)),
        "fee_bearing": fee,
        "payment_integrated": integrated,
        "requires_result_document": cat["requires_result_document"].to_numpy(),
        "targets_citizens": cat["targets_citizens"].to_numpy(),
        "max_processing_days": cat["days"].to_numpy().astype(float),
        "level": cat["level"].to_numpy(),
        "weight": cat["weight"].to_numpy(),
        "fee": fee_amount,
        "old_department": np.where(provincial, old_dept, None),
        "new_department": np.where(provincial, new_dept, None),
    })


def decisions(rng: np.random.Generator, catalogue: pd.DataFrame, profile: profiles.Province,
              last_day: np.datetime64, as_of: np.datetime64 | None = None) -> pd.DataFrame:
    """Return the publication decisions of one province's catalogue: one per procedure, a second for some.

    A decision not yet published at `as_of` has no `published_at` (it awaits publication).
    """
    n = len(catalogue)
    second = rng.random(n) < SECOND_DECISION_SHARE
    proc = np.concatenate([np.arange(n), np.flatnonzero(second)])
    m = len(proc)
    span = int((last_day - DECISIONS_FROM).astype(int))
    # A decision publishes a batch of procedures: draw ~60 decision dates, then assign procedures to them.
    batch_days = np.sort(DECISIONS_FROM + rng.integers(0, span, 60).astype("timedelta64[D]"))
    batch = rng.integers(0, len(batch_days), m)
    decision_date = batch_days[batch]
    rate = lambda name: profiles.province_rate(profile, name)  # noqa: E731
    on_time = rng.random(m) < rate("decision_on_time")
    lead = np.where(on_time, rng.integers(5, 30, m), rng.integers(0, 5, m))
    effective = workdays.add_working_days(decision_date.astype("datetime64[s]"), lead).astype("datetime64[D]")
    published_on_time = rng.random(m) < rate("published_on_time")
    # Whole working days after the decision, at an office hour: up to 4 is on time, 5 or more is late.
    delay = np.where(published_on_time, rng.integers(0, 5, m), rng.integers(5, 25, m))
    office_time = rng.integers(8 * 3600, 17 * 3600, m).astype("timedelta64[s]")
    published = workdays.add_working_days(decision_date.astype("datetime64[s]"), delay) + office_time
    if as_of is not None:
        published = np.where(published <= as_of, published, np.datetime64("NaT"))
    number = 100 + batch * 37  # distinct per batch
    table = pd.DataFrame({
        "province_code": catalogue["province_code"].to_numpy()[proc],
        "procedure_code": catalogue["procedure_code"].to_numpy()[proc],
        "decision_no": [f"{k}/QĐ-UBND" for k in number],
        "decision_date": decision_date,
        "legal_effective_date": effective,
        "published_at": published.astype("datetime64[s]"),
    })
    return table.drop_duplicates(["province_code", "procedure_code", "decision_no"], ignore_index=True)

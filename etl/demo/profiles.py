"""The demo's knobs as data: province sizes and quality, the rates they produce, and the ranges promised for them.

A province's rates come from its quality q (0 weak … 1 strong): each `Rate` runs from its
`weak` value at q = 0 to its `strong` value at q = 1, and a province may override any rate by
name. Units inside a province spread around it (`unit_spread`, a few `weak_unit_share`
communes, departments shifted by `department_offset`), and every unit drifts month by month.
Tuning the demo means editing these tables, not the generator.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Rate:
    """A share the generator draws per dossier, procedure or unit; `lo`..`hi` is the promised range of a province's yearly value."""

    name: str
    weak: float
    strong: float
    lo: float
    hi: float
    help: str
    direction: int = 1  # how a unit's quality moves it: +1 up, -1 down, 0 not at all


RATES = (
    Rate("on_time", 0.78, 0.99, 0.70, 1.0, "dossiers finished by their due time"),
    Rate("synced", 0.80, 0.998, 0.70, 1.0, "dossiers synchronised to the national portal"),
    Rate("online", 0.12, 0.72, 0.05, 0.85, "online submissions among dossiers of procedures offered online"),
    Rate("postal", 0.005, 0.03, 0.0, 0.05, "postal submissions", 0),
    Rate("digitized", 0.60, 0.998, 0.50, 1.0, "dossiers with digitised components"),
    Rate("result_file", 0.55, 0.99, 0.45, 1.0, "finished result-document dossiers with the electronic result attached"),
    Rate("paid_online", 0.15, 0.92, 0.08, 0.97, "fee-bearing dossiers paid online, where payment is integrated"),
    Rate("reused", 0.15, 0.85, 0.07, 0.92, "dossiers reusing digitised data"),
    Rate("personal_store", 0.04, 0.60, 0.01, 0.72, "dossiers linked to the citizen's data store"),
    Rate("population_data", 0.45, 0.97, 0.35, 1.0, "dossiers of citizen procedures using population data"),
    Rate("rated", 0.25, 0.60, 0.15, 0.70, "processed dossiers the citizen rated", 0),
    Rate("unsatisfied", 0.06, 0.004, 0.0, 0.10, "ratings that are unsatisfied", -1),
    Rate("complaint", 0.006, 0.0005, 0.0, 0.01, "dossiers with a complaint", -1),
    Rate("supplement", 0.12, 0.04, 0.02, 0.16, "dossiers with a supplement request", -1),
    Rate("feedback_on_time", 0.70, 0.99, 0.60, 1.0, "feedback items handled by their due time"),
    Rate("feedback_disliked", 0.08, 0.01, 0.0, 0.12, "feedback items with more dislikes than likes", -1),
    Rate("e_certified_copy", 0.70, 1.0, 0.60, 1.0, "communes issuing electronic certified copies"),
    Rate("proc_online", 0.85, 0.985, 0.80, 1.0, "catalogue procedures offered online (partial or full)"),
    Rate("proc_full", 0.30, 0.62, 0.25, 0.70, "online procedures that are full-process"),
    Rate("proc_fee", 0.30, 0.34, 0.28, 0.36, "catalogue procedures that are fee-bearing"),
    Rate("proc_payment", 0.65, 1.0, 0.60, 1.0, "fee-bearing procedures with online payment integrated"),
    Rate("proc_complete", 0.92, 1.0, 0.90, 1.0, "public procedures published with all mandatory parts"),
    Rate("decision_on_time", 0.80, 0.99, 0.75, 1.0, "decisions at least 5 working days before the legal effective date"),
    Rate("published_on_time", 0.80, 0.99, 0.75, 1.0, "decisions published within 5 working days"),
)
RATE_BY_NAME = {r.name: r for r in RATES}


@dataclass(frozen=True)
class Province:
    """A pre-reform province: 2024 population (thousands), quality q, dossiers per inhabitant relative to the country, overrides."""

    code: str
    population: int
    quality: float
    activity: float = 1.0
    unit_spread: float = 0.35  # standard deviation of a unit's quality on the logit scale
    weak_unit_share: float = 0.03  # communes with a much lower quality
    department_offset: float = 0.0  # the departments' quality against the province's, on the logit scale
    local_offset: float = 0.0  # the districts' and communes' quality against the province's, on the logit scale
    rates: dict[str, float] = field(default_factory=dict)
    catalogue: dict[str, int] = field(default_factory=dict)  # exact counts: n_province, n_district, n_commune, n_online, n_full, n_fee


# Approximate 2024 populations (thousands) and a quality spread from about 70 to about 90 points.
PROVINCES = (
    Province("01", 8685, 0.78, 1.10), Province("02", 908, 0.44), Province("04", 547, 0.48), Province("06", 327, 0.42),
    Province("08", 805, 0.64), Province("10", 770, 0.60), Province("11", 640, 0.40), Province("12", 482, 0.44),
    Province("14", 1300, 0.48), Province("15", 850, 0.56), Province("17", 880, 0.56), Province("19", 1360, 0.88),
    Province("20", 807, 0.56), Province("22", 1380, 0.94, 1.15), Province("24", 1920, 0.90), Province("25", 1510, 0.76),
    Province("26", 1200, 0.80), Province("27", 1520, 0.78, 1.10), Province("30", 1950, 0.68), Province("31", 2100, 0.84, 1.10),
    Province("33", 1300, 0.64), Province("34", 1880, 0.60), Province("35", 880, 0.76), Province("36", 1880, 0.64),
    Province("37", 1010, 0.68), Province("38", 3760, 0.70), Province("40", 3470, 0.60), Province("42", 1320, 0.72),
    Province("44", 920, 0.60), Province("45", 650, 0.52), Province("46", 1160, 0.86), Province("48", 1250, 0.92, 1.20),
    Province("49", 1520, 0.64), Province("51", 1250, 0.56), Province("52", 1500, 0.82), Province("54", 880, 0.56),
    Province("56", 1260, 0.68), Province("58", 600, 0.60), Province("60", 1260, 0.64), Province("62", 580, 0.44),
    Province("64", 1610, 0.52), Province("66", 1940, 0.52), Province("67", 680, 0.48), Province("68", 1340, 0.64),
    Province("70", 1030, 0.60), Province("72", 1190, 0.76), Province(
        "74", 2820, 0.60, 1.35, unit_spread=0.12, weak_unit_share=0.0, department_offset=-2.1, local_offset=1.6,
        rates={"digitized": 0.998, "proc_payment": 1.0},
        catalogue={"n_province": 1560, "n_district": 300, "n_commune": 200, "n_online": 2001, "n_full": 892, "n_fee": 680},
    ), Province("75", 3250, 0.84, 1.15),
    Province("77", 1200, 0.80, 1.10), Province("79", 9520, 0.76, 1.20), Province("80", 1740, 0.64), Province("82", 1790, 0.60),
    Province("83", 1300, 0.68), Province("84", 1020, 0.64), Province("86", 1030, 0.64), Province("87", 1600, 0.76),
    Province("89", 1910, 0.56), Province("91", 1760, 0.60), Province("92", 1260, 0.72), Province("93", 730, 0.52),
    Province("94", 1200, 0.48), Province("95", 920, 0.52), Province("96", 1210, 0.56),
)
PROVINCE_BY_CODE = {p.code: p for p in PROVINCES}

# Scale 1: dossiers per inhabitant per year, before the provinces' activity factors (about 1.47 million dossiers
# nationally over 2024–2025, some 170 a year per commune of Bình Dương).
DOSSIERS_PER_PERSON_YEAR = 0.0065
# Feedback items per thousand inhabitants per year (Bình Dương: about 2,450 for 2.82 million).
FEEDBACK_PER_THOUSAND_YEAR = 0.87
# How a province's dossiers divide between levels, before and after the reform.
LEVEL_SHARES_OLD = {"department": 0.22, "district": 0.18, "commune": 0.60}
LEVEL_SHARES_NEW = {"department": 0.25, "commune": 0.75}
# A unit's size: lognormal spread, and the factor for urban units.
UNIT_SIZE_SIGMA = 0.45
URBAN_FACTOR = {"Phường": 1.8, "Thị trấn": 1.4, "Quận": 1.4, "Thành phố": 1.4, "Thị xã": 1.2, "Đặc khu": 1.0}
# Monthly drift of a unit's quality on the logit scale: a trend per unit and noise per month.
TREND_MEAN, TREND_SD, MONTH_NOISE_SD = 0.02, 0.02, 0.12
WEAK_UNIT_OFFSET = -1.6
# Provinces whose national_report totals are given (a few, to exercise indicator 1.4's second denominator).
NATIONAL_REPORT_PROVINCES = ("01", "22", "48", "74", "79")


def province_rate(province: Province, name: str) -> float:
    """Return the province's value of rate `name`: its override, else the rate interpolated at its quality."""
    if name in province.rates:
        return province.rates[name]
    rate = RATE_BY_NAME[name]
    return rate.weak + (rate.strong - rate.weak) * province.quality


"""The vocabulary of the index: a measure, an indicator, a group (a column of the portal's table).

An indicator is a ratio of two measures. A measure names the set of rows it counts (its
*basis*) and a SQL condition over that basis's columns; the engine turns every measure of
every declared indicator into one aggregate query per basis. The columns each basis offers
are listed in `BASES`, so a declaration can be checked without running anything.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

NO_DATA_RULES = ("zero", "full", "not_applicable")

# Each basis: the rows a measure counts, and the columns its SQL condition may use.
BASES = {
    "received": "dossiers received in the period, in the unit's scope: channel, is_synced, fee_total, paid_online, "
                "components_digitized, result_file_attached, reused_digitized_data, from_personal_store, "
                "population_data_used, requires_result_document, fee_bearing",
    "procedure": "procedures with dossiers received in the period in the unit's scope (one row per procedure): "
                 "the catalogue's columns (online_service, fee_bearing, ...), under_authority, and `having`, a "
                 "condition over the received dossiers of that procedure, true for at least one of them",
    "processed": "dossiers processed in the period (received by its effective end, and finished inside it or still "
                 "in progress at that end): is_on_time, is_ended, channel, rating, has_complaint",
    "finished": "dossiers whose processing ended with a result (finished, or returned: the result handed back) in the "
                "period: requires_result_document, result_file_attached, working_days (elapsed working days from "
                "receipt to end)",
    "authority": "procedures under the unit's authority (a snapshot of the catalogue): online_service, fee_bearing, "
                 "payment_integrated, eligible_full_process, status",
    "announced": "procedures of the province with a publication decision dated in the period: is_announced_on_time",
    "published": "procedures of the province whose decision is dated in the period or due for publication by its end: "
                 "is_published_on_time",
    "catalogue": "public procedures of the province (a snapshot at as_of): content_complete",
    "communes": "communes in the unit's scope valid at the period end: offers_e_certified_copy",
    "feedback": "feedback items received in the period in the unit's scope: is_on_time, likes, dislikes, reraised, category",
    "national_report": "the national-report total of dossiers received for the unit and period (its report of "
                       "the period, else the sum of its months', else the sum over its units'): dossiers_received",
}


@dataclass(frozen=True)
class Measure:
    """A count (or a sum) over a basis: `where` selects the rows; `total` is summed instead of counting when given.

    For the `procedure` basis, `having` is a condition over the procedure's dossiers: the
    procedure counts when at least one of its dossiers in the period meets it.
    """

    basis: str
    where: str = "true"
    total: str | None = None
    having: str | None = None


@dataclass(frozen=True)
class Unknown:
    """The rows of an indicator whose value it needs is unknown (methodology §3): they leave both its numerator and
    its denominator, and their number is stored with the score (`u_` in unit_indicators, `excluded_rows` in
    indicator_values) and shown beside it, so that a unit cannot gain points by leaving data out unseen.

    `where` is a SQL condition over the denominator's basis, true or false (never null) for every row; `rows_vi`,
    `rows_en` (and `row_en`, for one) name such rows after a number: "3 quyết định chưa có ngày hiệu lực".
    """

    where: str
    rows_vi: str
    rows_en: str
    row_en: str

    def describe(self, count: int, language: str) -> str:
        """Return the note shown beside a score: "3 <rows>, không tính" / "3 <rows>, not counted"."""
        if language == "en":
            return f"{count:,} {self.row_en if count == 1 else self.rows_en}, not counted"
        # Vietnamese groups thousands with a dot
        return f"{count:,}".replace(",", ".") + f" {self.rows_vi}, không tính"


@dataclass(frozen=True)
class Indicator:
    """One indicator of the index: ratio = numerator / denominator, points = max_points × min(1, ratio / target)."""

    id: str
    group: str
    name_vi: str
    name_en: str
    max_points: float
    target: float | None
    numerator: Measure
    denominator: Measure
    # What the numerator and denominator count, in words, in Vietnamese and in English.
    numerator_vi: str
    denominator_vi: str
    numerator_en: str
    denominator_en: str
    explain_vi: str
    explain_en: str
    no_data: str = "zero"
    # The denominator is at least this measure (1.4: the national report's total when provided).
    denominator_floor: Measure | None = None
    # Computed once for the province and given to every unit inside it (1.1–1.3).
    per_province: bool = False
    # What the ratio is: a share (shown as %) or a number of working days (2.2).
    unit: str = "share"
    # The rows whose needed value is unknown: left out of numerator and denominator, counted and shown (§3).
    unknown: Unknown | None = None

    @property
    def display_only(self) -> bool:
        return self.max_points == 0

    def _known(self, measure: Measure) -> Measure:
        if self.unknown is None:
            return measure
        return replace(measure, where=f"({measure.where}) and not ({self.unknown.where})")

    @property
    def counted_numerator(self) -> Measure:
        """The numerator as the engine counts it: without the rows whose value is unknown."""
        return self._known(self.numerator)

    @property
    def counted_denominator(self) -> Measure:
        """The denominator as the engine counts it: without the rows whose value is unknown."""
        return self._known(self.denominator)

    @property
    def excluded(self) -> Measure | None:
        """The rows of the denominator left out because their value is unknown, when the indicator declares them."""
        if self.unknown is None:
            return None
        return replace(self.denominator, where=f"({self.denominator.where}) and ({self.unknown.where})", total=None)

    def measures(self) -> tuple[Measure, ...]:
        """Return the measures the engine computes for the indicator: numerator and denominator as counted, the
        floor and the rows left out when there are."""
        return tuple(m for m in (self.counted_numerator, self.counted_denominator, self.denominator_floor,
                                 self.excluded) if m is not None)


@dataclass(frozen=True)
class Group:
    """A column of the portal's table: its key (also the column name in unit_scores), number, names and indicators."""

    key: str
    number: str
    name_vi: str
    name_en: str
    max_points: float
    indicators: tuple[Indicator, ...]

"""The scope of a reader: which units' dossiers, feedback items and rejected rows they may see.

A `Scope` is built only from the signed-in user (`web.current_scope()`), or as `Scope.country()` for a command
or an admin; there is no default and `None` never means "everything". A unit in a scope is a unit of today's tree
and covers its subtree, and the units of the old tree that went into it: a province its old provinces' units, a
commune the old communes whose default successor it is (a divided commune's dossiers follow its default
successor, as the engine counts them).
"""
from __future__ import annotations

from dataclasses import dataclass

ROLES = ("leader", "officer", "analyst", "admin")
# The unit code of the country-wide scope: no unit has it.
COUNTRY = "*"

# The (unit_code, valid_from) pairs a scope covers, with the bound parameters $scope_unit and $scope_all.
UNITS_SQL = """
    select t.unit_code, t.valid_from from unit_tree t
    where $scope_all
       or (t.valid_to is null and $scope_unit in (t.unit_code, t.district_code, t.province_code))
       or ((t.valid_to is not null or t.valid_from is null)
           and t.province_code in (select m.old_province_code from unit_mapping m
                                   where m.new_province_code = $scope_unit))
       or (t.valid_to is not null and t.unit_code in (
               select m.old_code from unit_mapping m
               join unit_tree n on n.unit_code = m.new_code and n.valid_to is null
               where m.is_default and $scope_unit in (n.unit_code, n.district_code, n.province_code)))"""


class Refused(PermissionError):
    """A request for data outside the reader's scope or role; its message says why, in Vietnamese and English."""

    def __init__(self, vi: str, en: str):
        super().__init__(f"{vi} / {en}")
        self.vi, self.en = vi, en


@dataclass(frozen=True)
class Scope:
    """What a reader may see: their role and the unit of today's tree they answer for (`COUNTRY` for an admin)."""

    role: str
    unit_code: str

    def __post_init__(self):
        if self.role not in ROLES:
            raise ValueError(f"unknown role {self.role!r}; roles: {', '.join(ROLES)}")
        if not isinstance(self.unit_code, str) or not self.unit_code:
            raise ValueError("a scope needs a unit code (Scope.country() for the whole country)")
        if (self.role == "admin") != (self.unit_code == COUNTRY):
            raise ValueError("an admin's scope is the whole country, and only an admin's is")

    @classmethod
    def country(cls) -> Scope:
        """Return the scope of the whole country: for commands run on the server and for admins."""
        return cls("admin", COUNTRY)

    @property
    def everything(self) -> bool:
        return self.unit_code == COUNTRY

    def params(self) -> dict:
        """Return the bound parameters of UNITS_SQL for this scope."""
        return {"scope_unit": None if self.everything else self.unit_code, "scope_all": self.everything}

    def sees_loads(self) -> bool:
        """Whether the reader sees the data page (loads, rejected rows by reason): leaders, analysts, admins."""
        return self.role in ("leader", "analyst", "admin")

    def downloads_loads(self) -> bool:
        """Whether the reader downloads the rejected rows: analysts and admins."""
        return self.role in ("analyst", "admin")

    def manages_accounts(self) -> bool:
        return self.role == "admin"

    def __str__(self) -> str:
        return f"{self.role}:{self.unit_code}"

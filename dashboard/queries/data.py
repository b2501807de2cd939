"""What is loaded: rows per input table and the provinces of both unit trees."""
from __future__ import annotations

import pandas as pd

from etl.entities import ENTITIES, valid_on

from .base import frame as _frame


def table_counts() -> pd.DataFrame:
    """Return one row per input entity: entity, n_rows."""
    union = " union all ".join(f"select '{e.name}' as entity, count(*) as n_rows from {e.name}" for e in ENTITIES)
    return _frame(union)


def provinces() -> pd.DataFrame:
    """Return one row per province and validity period: code, name, tree, units below it, dossiers and their date range."""
    return _frame(f"""
        with dossier_units as (
            select t.province_code, t.valid_to is null as is_new_tree, d.received_at
            from dossiers d
            join unit_tree t on t.unit_code = d.unit_code
             and {valid_on("t", "coalesce(d.received_at, d.submitted_at)::date")}
        ),
        dossier_counts as (
            select province_code, is_new_tree, count(*) as n_dossiers,
                   min(received_at) as first_received_at, max(received_at) as last_received_at
            from dossier_units group by all
        ),
        unit_counts as (
            select province_code, valid_to is null as is_new_tree,
                   count(*) filter (where kind = 'district') as n_districts,
                   count(*) filter (where kind = 'commune') as n_communes,
                   count(*) filter (where kind = 'department') as n_departments
            from unit_tree group by all
        ),
        final as (
            select p.unit_code as province_code, p.name, p.valid_to is null as is_new_tree,
                   u.n_districts, u.n_communes, u.n_departments,
                   coalesce(d.n_dossiers, 0) as n_dossiers, d.first_received_at, d.last_received_at
            from unit_tree p
            join unit_counts u on u.province_code = p.unit_code and u.is_new_tree = (p.valid_to is null)
            left join dossier_counts d on d.province_code = p.unit_code and d.is_new_tree = (p.valid_to is null)
            where p.kind = 'province'
        )
        select * from final order by is_new_tree, n_dossiers desc, province_code""")

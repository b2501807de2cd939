"""Tables: an AG Grid built from column declarations, with numbers, dates, links and band badges formatted
for the reader's language in the browser (assets/dashAgGridFunctions.js)."""
from __future__ import annotations

from dataclasses import dataclass

import dash_ag_grid as dag
import pandas as pd

from dashboard import i18n

# How each kind of column is shown: the value formatter (a function of assets/dashAgGridFunctions.js), the
# cell renderer (assets/dashAgGridComponentFunctions.js) and the column type.
KINDS = {
    "text": {},
    "count": {"valueFormatter": "kpiNumber(params.value, 0, LOCALE)", "type": "rightAligned"},
    "score": {"valueFormatter": "kpiNumber(params.value, 2, LOCALE)", "type": "rightAligned"},
    "change": {"valueFormatter": "kpiSigned(params.value, 2, LOCALE)", "type": "rightAligned"},
    "share": {"valueFormatter": "kpiPercent(params.value, 1, LOCALE)", "type": "rightAligned"},
    "date": {"valueFormatter": "kpiDate(params.value)"},
    "moment": {"valueFormatter": "kpiMoment(params.value)"},
    "rank_change": {"cellRenderer": "RankChange", "type": "rightAligned"},
    "band": {"cellRenderer": "Band"},
    "link": {"cellRenderer": "Link"},
}


@dataclass(frozen=True)
class Column:
    """A column of a table: the frame's field, its header (a LABELS key or a (vi, en) pair) and its kind.

    A `link` column shows `field` and links to the frame's column `href`.
    """

    field: str
    header: str | tuple[str, str]
    kind: str = "text"
    width: int | None = None
    pinned: bool = False

    def title(self, language: str | None = None) -> str:
        if isinstance(self.header, tuple):
            return i18n.pick(*self.header, language)
        return i18n.t(self.header, language)

    def definition(self, language: str | None = None) -> dict:
        spec = {"field": self.field, "headerName": self.title(language), "sortable": True, "filter": True,
                "resizable": True}
        locale = i18n.locale(language)
        for name, value in KINDS[self.kind].items():
            spec[name] = {"function": value.replace("LOCALE", repr(locale))} if name == "valueFormatter" else value
        if self.kind in ("count", "score", "change", "share", "rank_change"):
            spec["filter"] = "agNumberColumnFilter"
        if self.width:
            spec["width"] = self.width
        else:
            spec["flex"] = 1
            spec["minWidth"] = 90
        if self.pinned:
            spec["pinned"] = "left"
        return spec


def records(frame: pd.DataFrame) -> list[dict]:
    """Return `frame` as JSON-ready rows: missing values as None, timestamps as ISO text."""
    out = frame.copy()
    for name in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[name]):
            out[name] = out[name].dt.strftime("%Y-%m-%dT%H:%M:%S")
    # row by row rather than DataFrame.where, whose alignment costs milliseconds on every table of every page
    return [{name: None if missing(value) else value for name, value in row.items()} for row in out.to_dict("records")]


def missing(value) -> bool:
    """Return whether a scalar is a missing value (None, NaN, NaT, NA)."""
    return value is None or value is pd.NaT or value is pd.NA or (isinstance(value, float) and value != value)


def grid(grid_id: str | dict, columns: list[Column], frame: pd.DataFrame | None = None, height: str = "480px",
         quick_filter: bool = False, **options) -> dag.AgGrid:
    """Return an AG Grid showing `frame` (or no rows, for a grid a callback fills) with `columns`."""
    language = i18n.lang()
    grid_options = {"animateRows": False, "enableCellTextSelection": True, "ensureDomOrder": True,
                    "localeText": {"noRowsToShow": i18n.t("no_data", language)}}
    grid_options.update(options.pop("dashGridOptions", {}))
    return dag.AgGrid(
        id=grid_id,
        columnDefs=[c.definition(language) for c in columns],
        rowData=[] if frame is None else records(frame),
        defaultColDef={"sortable": True, "resizable": True},
        dashGridOptions=grid_options,
        className="ag-theme-quartz kpi-grid",
        style={"height": height, "width": "100%"},
        **options,
    )

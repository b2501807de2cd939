"""Download buttons: CSV and Excel of a registered table (dashboard/exports.py), and a unit's PDF report.

`buttons(name, params)` puts the buttons, a store holding the parameters and a download beside a table; one
pattern-matching callback serves every such group, so a page only registers its table and places the buttons.
A page whose parameters change updates the store `params_id(name)` from its own callbacks.
"""
from __future__ import annotations

from dash import ALL, MATCH, Input, Output, State, callback, ctx, dcc, html, no_update

from access import audit
from access.web import current_scope
from dashboard import exports, i18n, limits

BUTTON = "download-button"
PARAMS = "download-params"
FILE = "download-file"
REPORT_BUTTON = "download-report-button"
REPORT_PARAMS = "download-report-params"
REPORT_FILE = "download-report-file"


def params_id(name: str) -> dict:
    """Return the id of the store holding the parameters of table `name`'s downloads."""
    return {"type": PARAMS, "name": name}


def buttons(name: str, params: dict | None = None, formats: tuple[str, ...] = exports.FORMATS) -> html.Div:
    """Return a download button per format for the registered table `name`, with its parameters' store."""
    language = i18n.lang()
    return html.Div([
        *[html.Button(i18n.t(f"download_{fmt}", language), id={"type": BUTTON, "name": name, "format": fmt},
                      className="button download", n_clicks=0) for fmt in formats],
        dcc.Store(id=params_id(name), data=params or {}),
        dcc.Download(id={"type": FILE, "name": name}),
    ], className="toolbar downloads")


@callback(
    Output({"type": FILE, "name": MATCH}, "data"),
    Input({"type": BUTTON, "name": MATCH, "format": ALL}, "n_clicks"),
    State({"type": PARAMS, "name": MATCH}, "data"),
    prevent_initial_call=True,
)
def send_table(clicks, params):
    """Return the clicked format's file of the table, fetched with the store's parameters."""
    if not ctx.triggered_id or not any(clicks):
        return no_update
    name = limits.choice(ctx.triggered_id["name"], exports.REGISTRY, "table")
    extension = limits.choice(ctx.triggered_id["format"], exports.FORMATS, "format")
    language = i18n.lang()
    table = exports.fetch(current_scope(), name, params)
    audit.record("download", export=name, unit_code=(params or {}).get("unit_code"), period=(params or {}).get("period"),
                 indicator=(params or {}).get("indicator"), n_rows=len(table.frame), detail=extension)
    return dcc.send_bytes(exports.write(table, extension, language),
                          exports.file_name(table, params, extension, language))


def report_params_id() -> dict:
    """Return the id of the store holding the unit and period of the PDF report."""
    return {"type": REPORT_PARAMS, "name": "unit"}


def pdf_button(unit_code: str, period: str) -> html.Div:
    """Return the button downloading the PDF report of `unit_code` for `period`, with its store."""
    return html.Div([
        html.Button(i18n.t("download_pdf"), id={"type": REPORT_BUTTON, "name": "unit"},
                    className="button download", n_clicks=0),
        dcc.Store(id=report_params_id(), data={"unit_code": unit_code, "period": period}),
        dcc.Download(id={"type": REPORT_FILE, "name": "unit"}),
    ], className="toolbar downloads")


@callback(
    Output({"type": REPORT_FILE, "name": MATCH}, "data"),
    Input({"type": REPORT_BUTTON, "name": MATCH}, "n_clicks"),
    State({"type": REPORT_PARAMS, "name": MATCH}, "data"),
    prevent_initial_call=True,
)
def send_report(clicks, params):
    """Return the PDF report of the store's unit and period, in the reader's language."""
    if not clicks or not params:
        return no_update
    language = i18n.lang()
    unit_code, period = params.get("unit_code"), params.get("period")
    if not isinstance(unit_code, str) or not isinstance(period, str):
        raise limits.refuse("the report needs a unit_code and a period")
    try:
        content = exports.unit_report(current_scope(), unit_code, period, language)
    except KeyError as missing:
        raise limits.refuse(f"no report: {missing.args[0]}"[:200]) from None
    audit.record("download", export="unit-report", unit_code=unit_code, period=period, detail="pdf")
    stem = exports.slug(i18n.pick("bao-cao", "report", language))
    return dcc.send_bytes(content, f"{stem}-{params['unit_code']}-{exports.slug(str(params['period']))}.pdf")


"""Phương pháp — the index as the engine computes it, generated from the registry and a rule set: the six
columns and their maxima, every indicator with its points, target, no-data rule, formula, the rows it leaves out for
an unknown value, and explanation, the bands and their cut-offs, the rule set's options, the on-time and "finished"
rules and the rule for unknown values. Nothing here reads the database.
"""
from __future__ import annotations

from urllib.parse import urlencode

import dash
from dash import Input, Output, callback, dcc, html, no_update

import workdays
from dashboard import i18n
from indicators import GROUPS, REGISTRY, TOTAL_POINTS, rulesets

dash.register_page(__name__, path="/phuong-phap", name="Phương pháp", name_en="Methodology", nav=True, order=3,
                   title="Phương pháp — Bộ chỉ số 766")

PREFIX = "methodology"
MAKE_UP_SINCE = 2022  # the make-up Saturdays listed: those since the index began (Decision 766 of June 2022)
NO_DATA_RULES = {
    "zero": ("0 điểm", "0 points"),
    "full": ("Đủ điểm", "Full points"),
    "not_applicable": ("Không áp dụng: tổng điểm quy đổi về thang 100", "Not applicable: the total rescaled to 100"),
}
WORKING_DAYS = {
    "announce_before_effect": ("Công bố TTHC trước ngày văn bản có hiệu lực (1.1)",
                               "Announce a procedure before its legal basis takes effect (1.1)"),
    "announce_before_effect_ministry": ("Như trên, với bộ, ngành", "The same, for ministries"),
    "publish_after_decision": ("Đăng lên CSDL quốc gia sau quyết định công bố (1.2)",
                               "Publish on the national database after the decision (1.2)"),
    "publish_after_decision_ministry": ("Như trên, với bộ, ngành", "The same, for ministries"),
}
LABELS = {
    "title": ("Phương pháp tính điểm", "How the index is scored"),
    "intro": ("Mỗi đơn vị được chấm trên thang {total} điểm, chia thành sáu cột như trên Cổng Dịch vụ công quốc gia. "
              "Mỗi chỉ số là một tỷ lệ tử số / mẫu số; điểm = điểm tối đa × min(1, tỷ lệ / mục tiêu). Điểm của cột là "
              "tổng điểm các chỉ số của cột, tổng điểm là tổng sáu cột.",
              "Every unit is scored out of {total} points, in six columns as on the National Public Service Portal. "
              "Each indicator is a ratio numerator / denominator; points = maximum × min(1, ratio / target). A "
              "column's score is the sum of its indicators' points; the total is the sum of the six columns."),
    "ruleset": ("Bộ quy tắc", "Rule set"),
    "columns": ("Sáu cột điểm", "The six columns"),
    "column": ("Cột", "Column"),
    "indicators": ("chỉ số", "indicators"),
    "sum": ("Tổng", "Total"),
    "display_only": ("Chỉ theo dõi, không tính điểm", "Display only, no points"),
    "no_data": ("Khi không có dữ liệu", "With no data"),
    "bands": ("Xếp loại", "Bands"),
    "from": ("từ {low} đến dưới {high} điểm", "from {low} to under {high} points"),
    "top": ("từ {low} điểm trở lên", "{low} points or more"),
    "bands_note": ("Xếp loại so sánh tổng điểm làm tròn 2 chữ số thập phân với ngưỡng. Xếp hạng theo tổng điểm trong "
                   "từng nhóm so sánh; đơn vị bằng điểm thì đồng hạng (1, 2, 2, 4).",
                   "Bands compare the total rounded to 2 decimals with the cut-offs. Ranks order the totals within "
                   "each peer list; equal totals share a rank (1, 2, 2, 4)."),
    "options": ("Tùy chọn của bộ quy tắc", "The rule set's options"),
    "working_days": ("Số ngày làm việc", "Working days"),
    "calendar": ("Ngày làm việc là thứ Hai đến thứ Sáu, trừ ngày lễ, Tết và ngày nghỉ hoán đổi, cộng thêm các ngày "
                 "thứ Bảy đi làm bù cho ngày nghỉ hoán đổi: {saturdays}. Mọi thời hạn (1.1, 1.2, 2.1 khi hồ sơ không "
                 "có hạn trả kết quả) đều tính theo lịch này.",
                 "Working days are Monday to Friday, less the public holidays, Tết and the days given off in a "
                 "swap, plus the Saturdays worked to make up a swapped day: {saturdays}. Every deadline (1.1, 1.2, "
                 "2.1 for a dossier without a due date) follows this calendar."),
    "sync": ("Nhân tỷ lệ 3.3 với tỷ lệ đồng bộ 1.4", "Multiply the 3.3 ratio by the 1.4 synchronisation rate"),
    "no_feedback": ("Đơn vị không có phản ánh, kiến nghị", "A unit with no feedback"),
    "no_feedback_full": ("5.1 và 5.2 được đủ điểm", "5.1 and 5.2 earn full points"),
    "no_feedback_redistribute": ("5.1 chấm theo tỷ lệ của 2.1, 5.2 theo tỷ lệ của 5.3",
                                 "5.1 is scored on 2.1's ratio, 5.2 on 5.3's"),
    "unknown_rule": ("Chưa biết thì không tính", "Unknown is not counted"),
    "unknown_intro": ("Một dòng thiếu giá trị mà chỉ số cần để chấm (quyết định chưa có ngày hiệu lực, hồ sơ không có "
                      "hạn giải quyết, xã chưa có thông tin chứng thực bản sao điện tử…) không được coi là đạt, cũng "
                      "không bị coi là không đạt: dòng đó không tính vào cả tử số lẫn mẫu số. Số dòng không tính được "
                      "lưu theo đơn vị, kỳ và chỉ số, và hiện bên cạnh điểm (trang đơn vị, tệp tải về, báo cáo PDF), "
                      "để đơn vị không thể được thêm điểm nhờ bỏ trống dữ liệu mà không ai thấy.",
                      "A row without a value the indicator needs to judge it (a decision without an effective date, a "
                      "dossier without a due time, a commune whose electronic certified copies are not known…) is "
                      "neither compliant nor failing: it leaves both the numerator and the denominator. The rows left "
                      "out are stored per unit, period and indicator and shown beside the score (unit page, "
                      "downloads, PDF report), so that no unit gains points by leaving data out unseen."),
    "unknown": ("Không tính (thiếu dữ liệu)", "Not counted (unknown)"),
    "due_rules": ("Đúng hạn và kết thúc xử lý", "On time, and the end of processing"),
    "due_intro": ("Hồ sơ có ghi hạn (due_at) đúng hạn khi kết thúc xử lý không muộn hơn hạn đã ghi: hệ thống một cửa "
                  "cấp lại hạn khi người dân bổ sung xong, nên không trừ thêm thời gian bổ sung. Hồ sơ không ghi hạn "
                  "thì số ngày làm việc đã dùng, trừ thời gian người dân bổ sung hồ sơ, không quá thời hạn luật định "
                  "của TTHC. “Giải quyết xong” (4.1, 2.2) là kết thúc có kết quả: đã hoàn thành hoặc đã trả kết quả "
                  "(trạng thái 10 trên Cổng); hồ sơ dừng, từ chối, rút không có kết quả.",
                  "A dossier with a recorded due time (due_at) is on time when its processing ends no later than that "
                  "due time: one-stop systems re-issue it when a supplement comes back, so no supplement time is "
                  "taken off. Without due_at, the working days used, less the time the citizen spent supplementing, "
                  "must not exceed the procedure's statutory limit. “Finished” (4.1, 2.2) means ended with a "
                  "result: finished or returned (result handed back, portal status 10); a dossier stopped, rejected "
                  "or withdrawn has no result."),
    "deduct": ("Trừ thời gian bổ sung vào cả hạn đã ghi (2.1, 5.3; nguồn giữ hạn đầu tiên sau khi bổ sung)",
               "Take supplement time off a recorded due time too (2.1, 5.3; sources that keep the first due date)"),
    "yes": ("Có", "Yes"),
    "no": ("Không", "No"),
    "page": ("Trang chỉ số", "Indicator page"),
}


def _label(key: str, language: str) -> str:
    return i18n.pick(*LABELS[key], language)


def _share(value: float | None, language: str) -> str:
    return i18n.percent(value, 0, language) if value else "—"


def _indicator(indicator_id: str, rules: rulesets.RuleSet, language: str) -> html.Div:
    """Return one indicator's card: id and name, points, target, no-data rule, formula and explanation."""
    ind = REGISTRY[indicator_id]
    rule = rules.rule(indicator_id)
    facts = [html.Span([html.B(i18n.number(rule.max_points, 0, language)), " ", i18n.t("points", language).lower()]),
             html.Span([i18n.t("target", language), " ", html.B(_share(rule.target, language))]) if rule.max_points
             else html.Span(_label("display_only", language), className="band band-average"),
             html.Span([_label("no_data", language), ": ", html.B(i18n.pick(*NO_DATA_RULES[rule.no_data], language))])]
    return html.Div([
        html.H3([html.A(ind.id, href=f"/chi-so/{ind.id}", title=_label("page", language)), " · ",
                 i18n.pick(ind.name_vi, ind.name_en, language)], style={"marginTop": 0}),
        html.Div(facts, className="toolbar", style={"gap": ".4rem 1.25rem"}),
        html.P(i18n.pick(ind.explain_vi, ind.explain_en, language)),
        html.Ul([html.Li([html.B(i18n.t("numerator", language) + ": "),
                          i18n.pick(ind.numerator_vi, ind.numerator_en, language)]),
                 html.Li([html.B(i18n.t("denominator", language) + ": "),
                          i18n.pick(ind.denominator_vi, ind.denominator_en, language)]),
                 *([html.Li([html.B(_label("unknown", language) + ": "),
                             i18n.pick(ind.unknown.rows_vi, ind.unknown.rows_en, language)])] if ind.unknown else [])],
                className="muted"),
    ], className="card", id=f"{PREFIX}-indicator-{ind.id.replace('.', '-')}", style={"marginBottom": ".75rem"})


def _columns(rules: rulesets.RuleSet, language: str) -> html.Table:
    rows = [html.Tr([html.Td(g.number), html.Td(html.A(i18n.pick(g.name_vi, g.name_en, language), href=f"#{g.key}")),
                     html.Td(", ".join(i.id for i in g.indicators)),
                     html.Td(i18n.number(sum(rules.rule(i.id).max_points for i in g.indicators), 0, language))])
            for g in GROUPS]
    total = sum(rules.rule(i).max_points for i in REGISTRY)
    rows.append(html.Tr([html.Td(), html.Th(_label("sum", language)), html.Td(),
                         html.Th(i18n.number(total, 0, language), id=f"{PREFIX}-total")]))
    return html.Table([html.Thead(html.Tr([html.Th("#"), html.Th(_label("column", language)),
                                           html.Th(i18n.t("indicator", language)),
                                           html.Th(i18n.t("max_points", language))])),
                       html.Tbody(rows)], className="data-table", id=f"{PREFIX}-columns")


def _bands(rules: rulesets.RuleSet, language: str) -> html.Div:
    items = []
    for above, band in zip((None, *rules.bands), rules.bands):
        low = i18n.number(band.min, 0, language)
        text = (_label("top", language).format(low=low) if above is None
                else _label("from", language).format(low=low, high=i18n.number(above.min, 0, language)))
        items.append(html.Li([html.Span(i18n.pick(band.name_vi, band.name_en, language),
                                        className=f"band band-{band.key}"), " ", text]))
    return html.Div([html.Ul(items, id=f"{PREFIX}-bands", style={"listStyle": "none", "paddingLeft": 0,
                                                                  "lineHeight": "2"}),
                     html.P(_label("bands_note", language), className="muted")], className="card")


def _options(rules: rulesets.RuleSet, language: str) -> html.Div:
    days = [html.Li(f"{i18n.pick(*WORKING_DAYS.get(k, (k, k)), language)}: {v}") for k, v in rules.working_days.items()]
    sync = ", ".join(f"{a} × {b}" for a, b in rules.sync_pairs.items())
    saturdays = ", ".join(i18n.day(d) for d in workdays.make_up_saturdays(MAKE_UP_SINCE).astype(object))
    return html.Div([
        html.H3(_label("working_days", language), style={"marginTop": 0}), html.Ul(days),
        html.P(_label("calendar", language).format(saturdays=saturdays), id=f"{PREFIX}-calendar"),
        html.P([html.B(_label("sync", language) + ": "),
                _label("yes" if rules.sync_multiplier else "no", language), f" ({sync})" if sync else ""]),
        html.P([html.B(_label("no_feedback", language) + ": "),
                _label(f"no_feedback_{rules.no_feedback}", language)]),
        html.P([html.B(_label("deduct", language) + ": "),
                _label("yes" if rules.deduct_supplement_from_due else "no", language)], id=f"{PREFIX}-deduct"),
    ], className="card", id=f"{PREFIX}-options")


def layout(ruleset: str | None = None, **_) -> html.Div:
    """Return the page for the rule set named in the query string (default: the default rule set)."""
    language = i18n.lang()
    name = ruleset if ruleset in rulesets.available() else rulesets.DEFAULT
    rules = rulesets.load(name)
    sections = []
    for group in GROUPS:
        points = i18n.number(sum(rules.rule(i.id).max_points for i in group.indicators), 0, language)
        sections.append(html.H2(f"{group.number}. {i18n.pick(group.name_vi, group.name_en, language)} — {points} "
                                f"{i18n.t('points', language).lower()}", id=group.key))
        sections += [_indicator(i.id, rules, language) for i in group.indicators]
    return html.Div([
        dcc.Location(id=f"{PREFIX}-url", refresh="callback-nav"),
        html.H1(_label("title", language)),
        html.Div([html.Div([html.Label(_label("ruleset", language), htmlFor=f"{PREFIX}-ruleset"),
                            dcc.Dropdown(id=f"{PREFIX}-ruleset", clearable=False, searchable=False, value=name,
                                         options=rulesets.available())], className="control",
                           style={"minWidth": "260px"}),
                  html.P(rules.description, className="muted", style={"margin": 0})],
                 className="controls"),
        html.P(_label("intro", language).format(total=TOTAL_POINTS)),
        html.H2(_label("columns", language)),
        _columns(rules, language),
        html.H2(_label("bands", language)),
        _bands(rules, language),
        html.H2(_label("options", language)),
        _options(rules, language),
        html.H2(_label("due_rules", language)),
        html.P(_label("due_intro", language), id=f"{PREFIX}-due"),
        html.H2(_label("unknown_rule", language)),
        html.P(_label("unknown_intro", language), id=f"{PREFIX}-unknown"),
        *sections,
    ])


@callback(Output(f"{PREFIX}-url", "href"), Input(f"{PREFIX}-ruleset", "value"), prevent_initial_call=True)
def navigate(name):
    """Return the address of the chosen rule set's page."""
    if name not in rulesets.available():
        return no_update
    return "/phuong-phap?" + urlencode({"ruleset": name})


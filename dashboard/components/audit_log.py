"""The audit on the data page, for admins: the latest entries and the whole audit as CSV or Excel."""
from __future__ import annotations

from dash import html

from access import audit
from access.scope import Scope
from dashboard import exports, i18n
from dashboard.components import downloads
from dashboard.components.grid import Column, grid

SHOWN = 500
TITLE = ("Nhật ký truy cập", "Access audit")
HELP = ("Mỗi lần đăng nhập (thành công hay không), mỗi lần bị từ chối, mỗi lần xem hay tải danh sách hồ sơ.",
        "Every sign-in (good or failed), every refusal, every view or download of dossiers.")
COLUMNS = [
    Column("at", ("Thời điểm (UTC)", "Time (UTC)"), "text", width=170),
    Column("event", ("Sự kiện", "Event"), "text", width=130),
    Column("user_name", ("Tài khoản", "Account"), "text", width=130),
    Column("scope", ("Phạm vi", "Scope"), "text", width=120),
    Column("address", ("Địa chỉ", "Address"), "text", width=120),
    Column("unit_code", ("Đơn vị", "Unit"), "text", width=90),
    Column("period", ("Kỳ", "Period"), "text", width=90),
    Column("indicator", ("Chỉ số", "Indicator"), "text", width=80),
    Column("export", ("Tệp tải", "Download"), "text", width=130),
    Column("n_rows", ("Số dòng", "Rows"), "count", width=90),
    Column("detail", ("Chi tiết", "Detail"), "text", width=240),
]


@exports.table("audit", needs="admin")
def audit_table(params: dict) -> exports.Table:
    """Return the whole audit, the latest first, for the download."""
    return exports.Table(TITLE, COLUMNS, audit.frame(), tag="audit")


def section(scope: Scope, language: str) -> html.Section | None:
    """Return the audit's section for an admin, nothing for anyone else."""
    if not scope.manages_accounts():
        return None
    rows = audit.frame(SHOWN)
    return html.Section([
        html.H2(i18n.pick(*TITLE, language)),
        html.P(i18n.pick(*HELP, language), className="muted"),
        downloads.buttons("audit", {}),
        grid("data-audit", COLUMNS, rows, height="360px"),
    ], id="data-audit-section")

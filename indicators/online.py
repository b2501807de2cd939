"""Group 3a — Dịch vụ công trực tuyến (12 points): procedures offered and used online."""
from __future__ import annotations

from .core import Group, Indicator, Measure
from .progress import NO_DEADLINE

ONLINE = "online_service in ('partial', 'full')"

INDICATORS = (
    Indicator(
        "3.1", "online", "Tỷ lệ TTHC cung cấp DVC trực tuyến", "Procedures offered online", 2, 0.8,
        Measure("authority", ONLINE), Measure("authority"),
        "TTHC thuộc thẩm quyền của đơn vị được cung cấp dịch vụ công trực tuyến (một phần hoặc toàn trình)",
        "TTHC thuộc thẩm quyền của đơn vị",
        "procedures under the unit's authority offered online (partly or fully)",
        "procedures under the unit's authority",
        "Tỷ lệ thủ tục thuộc thẩm quyền của đơn vị được cung cấp dịch vụ công trực tuyến (một phần hoặc toàn "
        "trình). Đạt 80 % là đủ điểm.",
        "The share of the procedures under the unit's authority that are offered online, partly or fully. "
        "Reaching 80 % earns the full points.",
    ),
    Indicator(
        "3.2", "online", "Tỷ lệ DVC trực tuyến có phát sinh hồ sơ", "Online services that received an online dossier", 4, 1.0,
        Measure("procedure", f"under_authority and {ONLINE}", having="channel = 'online'"),
        Measure("authority", ONLINE),
        "TTHC trực tuyến thuộc thẩm quyền của đơn vị đã tiếp nhận ít nhất một hồ sơ trực tuyến trong kỳ "
        "trong phạm vi đơn vị",
        "TTHC thuộc thẩm quyền của đơn vị được cung cấp dịch vụ công trực tuyến",
        "online procedures under the unit's authority that received at least one online dossier in the period "
        "in the unit's scope",
        "procedures under the unit's authority offered online",
        "Một dịch vụ trực tuyến chỉ có ý nghĩa khi người dân dùng nó. Chỉ số này đếm các thủ tục trực tuyến "
        "thuộc thẩm quyền đơn vị đã nhận ít nhất một hồ sơ nộp trực tuyến trong kỳ.",
        "An online service matters only when people use it. This counts the online procedures under the unit's "
        "authority that received at least one online dossier in the period.",
    ),
    Indicator(
        "3.3", "online", "Tỷ lệ hồ sơ nộp trực tuyến", "Dossiers submitted online", 6, 0.5,
        Measure("received", "channel = 'online' and (not coalesce(requires_result_document, false) "
                            "or coalesce(result_file_attached, false))"),
        Measure("received"),
        "hồ sơ tiếp nhận trực tuyến trong kỳ (với TTHC có kết quả là giấy tờ, chỉ tính hồ sơ đã đính "
        "kèm kết quả điện tử)",
        "hồ sơ tiếp nhận trong kỳ",
        "dossiers received online in the period (for procedures whose result is a document, only those with the "
        "electronic result attached)",
        "dossiers received in the period",
        "Tỷ lệ hồ sơ nộp qua mạng trên tổng số hồ sơ tiếp nhận trong kỳ; với thủ tục có kết quả là giấy tờ thì "
        "hồ sơ phải có kết quả điện tử mới được tính. Đạt 50 % là đủ điểm. Một tùy chọn của bộ quy tắc nhân tỷ "
        "lệ này với tỷ lệ đồng bộ (chỉ số 1.4).",
        "The share of the dossiers received in the period that were submitted online; for procedures whose result "
        "is a document, only dossiers with the electronic result attached count. 50 % earns the full points. A "
        "rule-set option multiplies this share by the synchronisation rate (indicator 1.4).",
    ),
    Indicator(
        "3.x1", "online", "Tỷ lệ TTHC toàn trình", "Full-process procedures", 0, None,
        Measure("authority", "online_service = 'full' and coalesce(eligible_full_process, false)"),
        Measure("authority", "coalesce(eligible_full_process, false)"),
        "TTHC thuộc thẩm quyền của đơn vị được cung cấp trực tuyến toàn trình, trong số TTHC đủ điều kiện",
        "TTHC thuộc thẩm quyền của đơn vị đủ điều kiện cung cấp trực tuyến toàn trình",
        "procedures under the unit's authority offered fully online, among those eligible",
        "procedures under the unit's authority eligible to be offered fully online",
        "Trong số thủ tục đủ điều kiện, tỷ lệ thủ tục đã cung cấp toàn trình. Chỉ số để theo dõi, không tính điểm.",
        "Among the procedures eligible for it, the share offered fully online. Shown for information only.",
    ),
    Indicator(
        "3.x2", "online", "Tỷ lệ hồ sơ nộp trực tiếp", "Dossiers submitted in person", 0, None,
        Measure("received", "channel = 'direct'"), Measure("received"),
        "hồ sơ tiếp nhận trực tiếp trong kỳ",
        "hồ sơ tiếp nhận trong kỳ",
        "dossiers received in person in the period", "dossiers received in the period",
        "Tỷ lệ hồ sơ nộp trực tiếp tại bộ phận một cửa. Chỉ số để theo dõi, không tính điểm.",
        "The share of dossiers handed in at the one-stop desk. Shown for information only.",
    ),
    Indicator(
        "3.x3", "online", "Tỷ lệ hồ sơ nộp qua bưu chính", "Dossiers submitted by post", 0, None,
        Measure("received", "channel = 'postal'"), Measure("received"),
        "hồ sơ tiếp nhận qua dịch vụ bưu chính trong kỳ",
        "hồ sơ tiếp nhận trong kỳ",
        "dossiers received by post in the period", "dossiers received in the period",
        "Tỷ lệ hồ sơ nộp qua dịch vụ bưu chính công ích. Chỉ số để theo dõi, không tính điểm.",
        "The share of dossiers sent by the public postal service. Shown for information only.",
    ),
    Indicator(
        "3.x4", "online", "Tỷ lệ hồ sơ trực tuyến đúng hạn", "On-time rate of online dossiers", 0, None,
        Measure("processed", "channel = 'online' and is_on_time"), Measure("processed", "channel = 'online'"),
        "hồ sơ trực tuyến xử lý trong kỳ được giải quyết trước hạn, đúng hạn (cách tính như chỉ số 2.1)",
        "hồ sơ trực tuyến xử lý trong kỳ",
        "online dossiers processed in the period on time", "online dossiers processed in the period",
        "Tỷ lệ hồ sơ nộp trực tuyến được giải quyết đúng hạn, cùng cách tính với chỉ số 2.1. Chỉ số để theo dõi.",
        "The on-time rate of the dossiers submitted online, judged as in indicator 2.1. Shown for information only.",
        unknown=NO_DEADLINE,
    ),
)

GROUP = Group("online", "3a", "Dịch vụ công trực tuyến", "Online public services", 12, INDICATORS)

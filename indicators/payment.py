"""Group 3b — Thanh toán trực tuyến (10 points): fees paid online."""
from __future__ import annotations

from .core import Group, Indicator, Measure

INDICATORS = (
    Indicator(
        "3.4", "payment", "TTHC có nghĩa vụ tài chính được tích hợp thanh toán",
        "Fee-bearing procedures with online payment integrated", 2, 0.8,
        Measure("authority", "fee_bearing and coalesce(payment_integrated, false)"), Measure("authority", "fee_bearing"),
        "TTHC có nghĩa vụ tài chính thuộc thẩm quyền của đơn vị đã tích hợp thanh toán trực tuyến",
        "TTHC có nghĩa vụ tài chính thuộc thẩm quyền của đơn vị",
        "fee-bearing procedures under the unit's authority with online payment integrated",
        "fee-bearing procedures under the unit's authority",
        "Các thủ tục có thu phí, lệ phí phải cho phép nộp tiền trực tuyến. Chỉ số này là tỷ lệ thủ tục có thu "
        "phí thuộc thẩm quyền đơn vị đã tích hợp thanh toán trực tuyến; đạt 80 % là đủ điểm.",
        "Procedures that charge a fee must accept online payment. This is the share of the fee-bearing procedures "
        "under the unit's authority with online payment integrated; 80 % earns the full points.",
    ),
    Indicator(
        "3.5", "payment", "TTHC có giao dịch thanh toán trực tuyến", "Fee-bearing procedures with an online payment", 2, 0.8,
        Measure("procedure", "fee_bearing", having="fee_total > 0 and paid_online"),
        Measure("procedure", "fee_bearing", having="fee_total > 0"),
        "TTHC có nghĩa vụ tài chính có ít nhất một hồ sơ thanh toán trực tuyến trong kỳ",
        "TTHC có nghĩa vụ tài chính có ít nhất một hồ sơ phải nộp phí, lệ phí trong kỳ",
        "fee-bearing procedures with at least one dossier paid online in the period",
        "fee-bearing procedures with at least one fee-bearing dossier in the period",
        "Việc tích hợp thanh toán chỉ có ý nghĩa khi có giao dịch thật. Chỉ số này đếm các thủ tục có thu phí "
        "đã có ít nhất một hồ sơ thanh toán trực tuyến trong kỳ, trên các thủ tục có thu phí có hồ sơ phải nộp "
        "phí trong kỳ; đạt 80 % là đủ điểm.",
        "Integration matters only if people pay online. This counts the fee-bearing procedures with at least one "
        "dossier paid online in the period, among those with at least one fee-bearing dossier in the period; "
        "80 % earns the full points.",
    ),
    Indicator(
        "3.6", "payment", "Tỷ lệ hồ sơ thanh toán trực tuyến", "Fee-bearing dossiers paid online", 6, 1.0,
        Measure("received", "fee_total > 0 and paid_online"), Measure("received", "fee_total > 0"),
        "hồ sơ tiếp nhận trong kỳ phải nộp phí, lệ phí đã thanh toán trực tuyến",
        "hồ sơ tiếp nhận trong kỳ phải nộp phí, lệ phí",
        "dossiers received in the period with a fee, paid online",
        "dossiers received in the period with a fee",
        "Tỷ lệ hồ sơ phải nộp phí, lệ phí đã được thanh toán trực tuyến (qua Cổng Dịch vụ công quốc gia hoặc "
        "cổng thanh toán của tỉnh), trên các hồ sơ có phí tiếp nhận trong kỳ.",
        "The share of the fee-bearing dossiers received in the period whose fee was paid online, on the national "
        "portal or the province's payment gateway.",
    ),
)

GROUP = Group("payment", "3b", "Thanh toán trực tuyến", "Online payment", 10, INDICATORS)

"""Group 5 — Mức độ hài lòng (18 points): feedback handled well and dossiers handled to citizens' satisfaction."""
from __future__ import annotations

from .core import Group, Indicator, Measure, Unknown
from .progress import NO_DEADLINE

# A feedback item counts against satisfaction when handled late, disliked more than liked, or raised again.
FEEDBACK_SATISFIED = ("is_on_time and not coalesce(dislikes > likes, false) and not coalesce(reraised, false)")
# A dossier counts against satisfaction when rated unsatisfied, complained about, or late.
DOSSIER_SATISFIED = "is_on_time and rating is distinct from 'unsatisfied' and not coalesce(has_complaint, false)"
# A feedback item without a due time: whether it was handled on time is unknown.
NO_FEEDBACK_DUE = ("phản ánh, kiến nghị không có hạn xử lý", "feedback items without a due time",
                   "feedback item without a due time")

INDICATORS = (
    Indicator(
        "5.1", "satisfaction", "PAKN xử lý đúng hạn", "Feedback handled on time", 6, 1.0,
        Measure("feedback", "is_on_time"), Measure("feedback"),
        "phản ánh, kiến nghị tiếp nhận trong kỳ đã xử lý đúng hạn, cộng các phản ánh, kiến nghị đang xử lý và "
        "chưa quá hạn tại cuối kỳ",
        "phản ánh, kiến nghị tiếp nhận trong kỳ",
        "feedback items received in the period handled by their due time, plus those still open and not yet overdue",
        "feedback items received in the period",
        "Phản ánh, kiến nghị của người dân phải được trả lời đúng hạn. Chỉ số này đếm các phản ánh nhận trong kỳ "
        "đã xử lý đúng hạn hoặc còn trong hạn ở cuối kỳ; phản ánh không có hạn xử lý thì không tính. Đơn vị không "
        "có phản ánh nào được đủ điểm.",
        "Citizens' feedback must be answered on time. This counts the feedback items received in the period that "
        "were handled on time or are still within their time at the period end; an item without a due time is not "
        "counted. A unit with no feedback gets the full points.",
        no_data="full",
        unknown=Unknown("is_on_time is null", *NO_FEEDBACK_DUE),
    ),
    Indicator(
        "5.2", "satisfaction", "Hài lòng trong xử lý PAKN", "Satisfaction with feedback handling", 6, 1.0,
        Measure("feedback", FEEDBACK_SATISFIED), Measure("feedback"),
        "phản ánh, kiến nghị tiếp nhận trong kỳ, trừ các phản ánh, kiến nghị xử lý quá hạn, có số lượt không thích "
        "nhiều hơn số lượt thích, hoặc bị phản ánh lại",
        "phản ánh, kiến nghị tiếp nhận trong kỳ",
        "feedback items received in the period, less those handled late, with more dislikes than likes, or raised again",
        "feedback items received in the period",
        "Người dân hài lòng với cách xử lý phản ánh khi phản ánh được trả lời đúng hạn, không bị đánh giá không "
        "thích nhiều hơn thích và không phải phản ánh lại. Đơn vị không có phản ánh nào được đủ điểm.",
        "Citizens are taken as satisfied with the handling of a feedback item when it was answered on time, got "
        "no more dislikes than likes and was not raised again. A unit with no feedback gets the full points.",
        no_data="full",
        # unknown only when the due time decides it: an item disliked or raised again fails whatever its due time
        unknown=Unknown(f"({FEEDBACK_SATISFIED}) is null", *NO_FEEDBACK_DUE),
    ),
    Indicator(
        "5.3", "satisfaction", "Hài lòng trong tiếp nhận, giải quyết TTHC", "Satisfaction with dossier handling", 6, 0.9,
        Measure("processed", DOSSIER_SATISFIED), Measure("processed"),
        "hồ sơ xử lý trong kỳ, trừ các hồ sơ bị đánh giá không hài lòng, bị khiếu nại, hoặc quá hạn",
        "hồ sơ xử lý trong kỳ (như chỉ số 2.1)",
        "dossiers processed in the period, less those rated unsatisfied, complained about, or late",
        "dossiers processed in the period (as in 2.1)",
        "Tỷ lệ hồ sơ xử lý trong kỳ không bị đánh giá không hài lòng, không bị khiếu nại và không trễ hạn. Đạt "
        "90 % là đủ điểm.",
        "The share of the dossiers processed in the period that were not rated unsatisfied, not complained about "
        "and not late. 90 % earns the full points.",
        # unknown only when being on time decides it: a dossier rated unsatisfied fails whatever its due time
        unknown=Unknown(f"({DOSSIER_SATISFIED}) is null", NO_DEADLINE.rows_vi, NO_DEADLINE.rows_en, NO_DEADLINE.row_en),
    ),
    Indicator(
        "5.4a", "satisfaction", "Tỷ lệ PAKN về quy định", "Feedback about rules", 0, None,
        Measure("feedback", "category = 'rules'"), Measure("feedback"),
        "phản ánh, kiến nghị tiếp nhận trong kỳ về quy định hành chính",
        "phản ánh, kiến nghị tiếp nhận trong kỳ",
        "feedback items received in the period about rules", "feedback items received in the period",
        "Tỷ lệ phản ánh, kiến nghị về quy định hành chính. Chỉ số để theo dõi, không tính điểm.",
        "The share of feedback items about administrative rules. Shown for information only.",
    ),
    Indicator(
        "5.4b", "satisfaction", "Tỷ lệ PAKN về cán bộ", "Feedback about staff", 0, None,
        Measure("feedback", "category = 'staff'"), Measure("feedback"),
        "phản ánh, kiến nghị tiếp nhận trong kỳ về hành vi của cán bộ, công chức",
        "phản ánh, kiến nghị tiếp nhận trong kỳ",
        "feedback items received in the period about staff behaviour", "feedback items received in the period",
        "Tỷ lệ phản ánh, kiến nghị về hành vi của cán bộ, công chức. Chỉ số để theo dõi, không tính điểm.",
        "The share of feedback items about the behaviour of officials. Shown for information only.",
    ),
)

GROUP = Group("satisfaction", "5", "Mức độ hài lòng", "Satisfaction", 18, INDICATORS)

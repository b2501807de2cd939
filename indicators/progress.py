"""Group 2 — Tiến độ, kết quả giải quyết (20 points): dossiers handled on time."""
from __future__ import annotations

from .core import Group, Indicator, Measure, Unknown

# A dossier with neither a due time nor a statutory time limit: whether it is on time is unknown (also in 5.3, 3.x4).
NO_DEADLINE = Unknown("is_on_time is null", "hồ sơ không có hạn giải quyết (không ghi hạn, TTHC không quy định thời hạn)",
                      "dossiers without a due time (none recorded, no statutory limit)",
                      "dossier without a due time (none recorded, no statutory limit)")

INDICATORS = (
    Indicator(
        "2.1", "progress", "Tỷ lệ hồ sơ xử lý trước hạn, đúng hạn", "On-time processing", 20, 1.0,
        Measure("processed", "is_on_time"), Measure("processed"),
        "hồ sơ xử lý trong kỳ đã giải quyết xong trước hạn, đúng hạn, hoặc đang giải quyết và chưa quá hạn tại cuối kỳ",
        "hồ sơ tiếp nhận đến cuối kỳ, đã giải quyết xong trong kỳ hoặc còn đang giải quyết tại cuối kỳ",
        "dossiers processed in the period that ended by their due time, or are not yet overdue at the period end",
        "dossiers received by the period end and finished inside the period or still in progress at its end",
        "Hồ sơ phải được giải quyết xong trước hoặc đúng hạn. Chỉ số này lấy mọi hồ sơ đã xử lý trong kỳ: hồ sơ "
        "kết thúc trong kỳ và hồ sơ còn đang giải quyết ở cuối kỳ (được xét tại thời điểm đó). Hồ sơ có ghi hạn thì "
        "so thời điểm kết thúc với hạn đã ghi (hạn được cấp lại khi bổ sung xong). Hồ sơ không ghi "
        "hạn thì so số ngày làm việc đã dùng, trừ thời gian người dân bổ sung hồ sơ, với thời hạn luật định; "
        "không có cả hai thì chưa biết đúng hạn hay không và không tính. "
        "Hồ sơ bị yêu cầu bổ sung quá một lần bị tính là trễ hạn.",
        "Dossiers must be settled by their due time. This takes every dossier handled in the period: those that "
        "ended in it and those still in progress at its end (judged at that moment). A dossier with a due time is "
        "judged against it as recorded (re-issued when a supplement comes back). A dossier without a due time "
        "is judged by the working days it took, less the time the citizen spent supplementing it, against the "
        "statutory limit; with neither, whether it is on time is unknown and it is not counted. "
        "A dossier asked for supplements more than once counts as late.",
        unknown=NO_DEADLINE,
    ),
    Indicator(
        "2.2", "progress", "Thời gian giải quyết trung bình", "Average processing time", 0, None,
        Measure("finished", total="working_days"), Measure("finished"),
        "tổng số ngày làm việc từ khi tiếp nhận đến khi kết thúc xử lý của các hồ sơ giải quyết xong (đã hoàn thành "
        "hoặc đã trả kết quả) trong kỳ",
        "hồ sơ giải quyết xong (đã hoàn thành hoặc đã trả kết quả) trong kỳ",
        "working days from receipt to end of processing, summed over the dossiers finished (or returned) in the period",
        "dossiers finished (or returned: result handed back) in the period",
        "Số ngày làm việc trung bình từ khi tiếp nhận đến khi giải quyết xong, tính trên các hồ sơ hoàn thành "
        "trong kỳ. Chỉ số để theo dõi, không tính điểm.",
        "The average number of working days from receipt to the end of processing, over the dossiers finished "
        "in the period. Shown for information; it earns no points.",
        unit="days",
    ),
)

GROUP = Group("progress", "2", "Tiến độ, kết quả giải quyết", "Processing progress", 20, INDICATORS)

"""Group 1 — Công khai, minh bạch (18 points): the province's procedure catalogue and dossier synchronisation."""
from __future__ import annotations

from .core import Group, Indicator, Measure, Unknown

INDICATORS = (
    Indicator(
        "1.1", "transparency", "Tỷ lệ TTHC công bố đúng hạn", "Procedures announced on time", 6, 1.0,
        Measure("announced", "is_announced_on_time"), Measure("announced"),
        "TTHC có mọi quyết định công bố ban hành trong kỳ đều ban hành trước ngày văn bản quy phạm pháp luật quy định "
        "TTHC có hiệu lực ít nhất số ngày làm việc theo bộ quy tắc (5 ngày; bộ, ngành: 20 ngày)",
        "TTHC có quyết định công bố ban hành trong kỳ",
        "procedures whose every decision dated in the period came at least the rule set's working days "
        "(5; 20 for ministries) before the legal document took effect",
        "procedures with a publication decision dated in the period",
        "Thủ tục hành chính phải được công bố trước khi văn bản quy định nó có hiệu lực ít nhất 5 ngày làm việc. "
        "Chỉ số này đếm các thủ tục có quyết định công bố ký trong kỳ và xem quyết định có ra đủ sớm không; "
        "một thủ tục có nhiều quyết định trong kỳ thì chỉ cần một quyết định muộn là thủ tục bị tính muộn. "
        "Quyết định chưa có ngày hiệu lực thì chưa biết đúng hạn hay không: thủ tục đó không tính (trừ khi có "
        "quyết định khác muộn), và số thủ tục không tính hiện bên cạnh điểm. "
        "Chỉ số tính cho cả tỉnh và mọi đơn vị trong tỉnh nhận cùng giá trị.",
        "A procedure must be announced at least 5 working days before the legal document behind it takes "
        "effect. This counts the procedures with an announcement decision signed in the period and checks that "
        "the decision came early enough; when a procedure has several decisions in the period, one late decision "
        "makes it late. A decision without an effective date cannot be judged: its procedure is not counted "
        "(unless another decision is late), and how many are shows beside the score. "
        "It is computed for the whole province and every unit of the province gets the same value.",
        per_province=True,
        # a procedure none of whose decisions in the period is late, one of them without an effective date
        unknown=Unknown("is_announced_on_time is null", "TTHC có quyết định chưa có ngày hiệu lực",
                        "procedures with a decision without an effective date",
                        "procedure with a decision without an effective date"),
    ),
    Indicator(
        "1.2", "transparency", "Tỷ lệ TTHC cập nhật, công khai đúng hạn",
        "Procedures published on the national database on time", 4, 1.0,
        Measure("published", "is_published_on_time"), Measure("published"),
        "TTHC được cập nhật, công khai trên Cơ sở dữ liệu quốc gia về TTHC trong số ngày làm việc theo bộ quy tắc "
        "(5 ngày; bộ, ngành: 10 ngày) kể từ ngày ban hành quyết định công bố",
        "TTHC có quyết định công bố ban hành trong kỳ hoặc đã đến hạn công khai tính đến cuối kỳ",
        "procedures published on the national database within the rule set's working days (5; 10 for "
        "ministries) of their decision",
        "procedures with a decision dated in the period or due for publication by the period end",
        "Sau khi có quyết định công bố, thủ tục phải được đăng lên Cơ sở dữ liệu quốc gia về TTHC trong vòng "
        "5 ngày làm việc. Chỉ số này lấy các thủ tục có quyết định trong kỳ hoặc đến hạn đăng trong kỳ và đếm "
        "những thủ tục đã được đăng đúng hạn. Thủ tục được xét tại thời điểm cuối kỳ (hoặc thời điểm của dữ liệu nếu "
        "kỳ chưa kết thúc): chưa đăng mà vẫn còn trong hạn thì chưa bị tính là muộn, như hồ sơ đang giải quyết "
        "chưa quá hạn; chưa đăng khi đã quá hạn thì bị tính muộn.",
        "Once a procedure is announced it must appear on the national procedure database within 5 working days. "
        "This takes the procedures with a decision in the period or whose publication fell due in it, and counts "
        "those published in time. A procedure is judged at the end of the period (or at the data's date while the "
        "period runs): one not yet published whose deadline is still ahead is not late, as an open dossier not yet "
        "overdue is not; one not published by its deadline is late.",
        per_province=True,
    ),
    Indicator(
        "1.3", "transparency", "Tỷ lệ TTHC công khai đầy đủ", "Procedures published with all mandatory parts", 2, 1.0,
        Measure("catalogue", "content_complete"), Measure("catalogue"),
        "TTHC đang công khai có đủ các bộ phận bắt buộc",
        "TTHC đang công khai của tỉnh (chưa bị bãi bỏ), tại ngày của dữ liệu",
        "public procedures whose mandatory parts are all published",
        "public procedures of the province (not abolished), as of the data's date",
        "Mỗi thủ tục công khai phải có đủ các bộ phận bắt buộc: trình tự, hồ sơ, thời hạn, phí, lệ phí, mẫu đơn. "
        "Chỉ số này là tỷ lệ thủ tục đang công khai của tỉnh có đủ các bộ phận đó, tính tại thời điểm dữ liệu "
        "mới nhất, và dùng chung cho mọi đơn vị trong tỉnh.",
        "Every public procedure must show all its mandatory parts: steps, documents, time limit, fees, forms. "
        "This is the share of the province's public procedures that show them all, taken at the date of the "
        "latest data, and shared by every unit of the province.",
        per_province=True,
    ),
    Indicator(
        "1.4", "transparency", "Tỷ lệ hồ sơ đồng bộ lên Cổng DVCQG", "Dossiers synchronised to the national portal", 6, 1.0,
        Measure("received", "is_synced"), Measure("received"),
        "hồ sơ tiếp nhận trong kỳ đã đồng bộ lên Cổng Dịch vụ công quốc gia",
        "hồ sơ tiếp nhận trong kỳ, hoặc số hồ sơ tiếp nhận của đơn vị trong kỳ theo báo cáo quốc gia nếu lớn hơn "
        "(báo cáo của đúng kỳ, nếu không có thì tổng các tháng trong kỳ; đơn vị không có báo cáo riêng thì lấy tổng "
        "của các đơn vị trực thuộc)",
        "dossiers received in the period and synchronised to the national portal",
        "dossiers received in the period, or the national report's total for the unit and period when larger "
        "(the report of the period, else the sum of its months; a unit without a report of its own takes the sum "
        "over its units)",
        "Mọi hồ sơ tiếp nhận phải được đồng bộ lên Cổng Dịch vụ công quốc gia. Chỉ số này chia số hồ sơ đã "
        "đồng bộ cho số hồ sơ tiếp nhận trong kỳ; nếu báo cáo quốc gia ghi nhận nhiều hồ sơ hơn thì lấy con số "
        "đó làm mẫu số, vì hồ sơ không đồng bộ sẽ không có trong dữ liệu của đơn vị. Báo cáo theo tháng được cộng "
        "lại cho quý và năm; tỉnh, huyện không có báo cáo riêng thì lấy tổng báo cáo của các đơn vị trực thuộc, còn "
        "báo cáo riêng của đơn vị luôn được ưu tiên.",
        "Every dossier received must be synchronised to the National Public Service Portal. This divides the "
        "synchronised dossiers by the dossiers received in the period; when the national report counts more "
        "dossiers, that count is the denominator, because unsynchronised dossiers are missing from the unit's data. "
        "Monthly reports add up to the quarter and the year; a province or district without a report of its own "
        "takes the sum of its units' reports, and a unit's own report always comes first.",
        denominator_floor=Measure("national_report", total="dossiers_received"),
    ),
)

GROUP = Group("transparency", "1", "Công khai, minh bạch", "Publicity and transparency", 18, INDICATORS)

"""Group 4 — Số hóa hồ sơ (22 points): dossiers digitised, results issued electronically, data reused."""
from __future__ import annotations

from .core import Group, Indicator, Measure, Unknown

INDICATORS = (
    Indicator(
        "4.1", "digitisation", "Hồ sơ có kết quả điện tử", "Dossiers with an electronic result", 6, 1.0,
        Measure("finished", "requires_result_document and result_file_attached"),
        Measure("finished", "requires_result_document"),
        "hồ sơ giải quyết xong (đã hoàn thành hoặc đã trả kết quả) trong kỳ của TTHC có kết quả là giấy tờ, đã đính "
        "kèm kết quả điện tử",
        "hồ sơ giải quyết xong (đã hoàn thành hoặc đã trả kết quả) trong kỳ của TTHC có kết quả là giấy tờ",
        "dossiers finished (or returned: result handed back) in the period, of procedures whose result is a document, "
        "with the electronic result attached",
        "dossiers finished (or returned: result handed back) in the period of procedures whose result is a document",
        "Với thủ tục có kết quả là giấy tờ, kết quả phải được số hóa và đính kèm bản điện tử. Chỉ số này là tỷ "
        "lệ hồ sơ hoàn thành trong kỳ của các thủ tục đó có kết quả điện tử.",
        "When a procedure's result is a document, the result must be issued electronically too. This is the share "
        "of such dossiers finished in the period that have the electronic result attached.",
    ),
    Indicator(
        "4.2", "digitisation", "Hồ sơ được số hóa", "Dossiers digitised", 4, 1.0,
        Measure("received", "components_digitized and (not coalesce(requires_result_document, false) "
                            "or coalesce(result_file_attached, false))"),
        Measure("received"),
        "hồ sơ tiếp nhận trong kỳ có thành phần hồ sơ được số hóa (và, với TTHC có kết quả là giấy tờ, đã đính "
        "kèm kết quả điện tử)",
        "hồ sơ tiếp nhận trong kỳ",
        "dossiers received in the period with their components digitised (and, for procedures whose result is a "
        "document, the electronic result attached)",
        "dossiers received in the period",
        "Thành phần hồ sơ phải được số hóa khi tiếp nhận, và kết quả là giấy tờ phải có bản điện tử. Chỉ số này "
        "là tỷ lệ hồ sơ tiếp nhận trong kỳ đáp ứng cả hai điều đó. Bộ quy tắc có thể đặt mục tiêu 80 %.",
        "A dossier's documents must be digitised on receipt, and a document result must have an electronic copy. "
        "This is the share of the dossiers received in the period that meet both. A rule set may set the target "
        "at 80 %.",
    ),
    Indicator(
        "4.3", "digitisation", "Hồ sơ khai thác, sử dụng lại dữ liệu số hóa", "Dossiers reusing digitised data", 2, 0.8,
        Measure("received", "reused_digitized_data"), Measure("received"),
        "hồ sơ tiếp nhận trong kỳ có khai thác, sử dụng lại dữ liệu đã số hóa",
        "hồ sơ tiếp nhận trong kỳ",
        "dossiers received in the period that reused digitised data", "dossiers received in the period",
        "Người dân không phải nộp lại giấy tờ đã được số hóa. Chỉ số này là tỷ lệ hồ sơ tiếp nhận trong kỳ có "
        "khai thác lại dữ liệu đã số hóa; đạt 80 % là đủ điểm.",
        "Citizens should not hand in again a document that is already digitised. This is the share of the "
        "dossiers received in the period that reused digitised data; 80 % earns the full points.",
    ),
    Indicator(
        "4.4", "digitisation", "Hồ sơ kết nối kho dữ liệu cá nhân", "Dossiers linked to the citizen's data store", 4, 1.0,
        Measure("received", "from_personal_store"), Measure("received"),
        "hồ sơ tiếp nhận trong kỳ có sử dụng kho quản lý dữ liệu điện tử của cá nhân, tổ chức",
        "hồ sơ tiếp nhận trong kỳ",
        "dossiers received in the period that used the citizen's personal data store", "dossiers received in the period",
        "Tỷ lệ hồ sơ tiếp nhận trong kỳ có lấy giấy tờ từ kho quản lý dữ liệu điện tử của cá nhân, tổ chức trên "
        "Cổng Dịch vụ công quốc gia.",
        "The share of the dossiers received in the period that took documents from the citizen's personal data "
        "store on the national portal.",
    ),
    Indicator(
        "4.5", "digitisation", "Hồ sơ sử dụng dữ liệu dân cư", "Dossiers using population data", 2, 1.0,
        Measure("received", "population_data_used"), Measure("received"),
        "hồ sơ tiếp nhận trong kỳ có khai thác Cơ sở dữ liệu quốc gia về dân cư",
        "hồ sơ tiếp nhận trong kỳ",
        "dossiers received in the period that used the national population database", "dossiers received in the period",
        "Tỷ lệ hồ sơ tiếp nhận trong kỳ có khai thác Cơ sở dữ liệu quốc gia về dân cư thay cho giấy tờ.",
        "The share of the dossiers received in the period that used the national population database instead "
        "of paper documents.",
    ),
    Indicator(
        "4.6", "digitisation", "TTHC kết nối dữ liệu dân cư", "Procedures using population data", 2, 1.0,
        Measure("procedure", having="population_data_used"), Measure("procedure", having="true"),
        "TTHC có ít nhất một hồ sơ trong kỳ có khai thác dữ liệu dân cư",
        "TTHC có ít nhất một hồ sơ trong kỳ",
        "procedures with at least one dossier in the period that used population data",
        "procedures with at least one dossier in the period",
        "Tỷ lệ thủ tục có phát sinh hồ sơ trong kỳ mà ít nhất một hồ sơ đã khai thác dữ liệu dân cư.",
        "Among the procedures with dossiers in the period, the share where at least one dossier used the "
        "population database.",
    ),
    Indicator(
        "4.7", "digitisation", "Chứng thực bản sao điện tử", "Electronic certified copies", 2, 1.0,
        Measure("communes", "offers_e_certified_copy"), Measure("communes"),
        "xã, phường trong phạm vi đơn vị có cung cấp chứng thực bản sao điện tử",
        "xã, phường trong phạm vi đơn vị đã có thông tin; chưa xã nào có thông tin: đủ điểm",
        "communes in the unit's scope that issue electronic certified copies",
        "communes in the unit's scope whose answer is known; none known: full points",
        "Tỷ lệ xã, phường trong phạm vi đơn vị đã cung cấp dịch vụ chứng thực bản sao điện tử từ bản chính. "
        "Xã chưa có thông tin không tính, và số xã đó hiện bên cạnh điểm. "
        "Khi chưa có dữ liệu, đơn vị được đủ điểm như Cổng Dịch vụ công quốc gia đang làm.",
        "The share of the communes in the unit's scope that issue electronic certified copies. A commune whose "
        "answer is not known is not counted, and how many are shows beside the score. Without data the "
        "unit gets the full points, as the national portal currently does.",
        no_data="full",
        unknown=Unknown("offers_e_certified_copy is null", "xã, phường chưa có thông tin chứng thực bản sao điện tử",
                        "communes whose electronic certified copies are not known",
                        "commune whose electronic certified copies are not known"),
    ),
)

GROUP = Group("digitisation", "4", "Số hóa hồ sơ", "Dossier digitisation", 22, INDICATORS)

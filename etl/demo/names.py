"""Vocabulary of the procedure catalogue: the high-volume procedures by name, and the fields' actions and objects.

A `Named` procedure is one of the few that carry most of the volume (Zipf-like); the rest of
a catalogue is built from each field's objects combined with the actions below.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Named:
    """A high-volume procedure: name, field, implementing levels, statutory days, fee (VND), relative volume."""

    name: str
    field: str
    levels: tuple[str, ...]
    days: int
    fee: int
    weight: float
    result_document: bool = True


C, D, P = ("commune",), ("district",), ("province",)
NAMED = (
    Named("Chứng thực bản sao từ bản chính giấy tờ, văn bản", "Chứng thực", ("district", "commune"), 1, 10000, 120),
    Named("Đăng ký khai sinh", "Hộ tịch", C, 1, 0, 60),
    Named("Chứng thực chữ ký trong các giấy tờ, văn bản", "Chứng thực", ("district", "commune"), 1, 10000, 40),
    Named("Cấp đổi Giấy chứng nhận quyền sử dụng đất", "Đất đai", D, 10, 100000, 45),
    Named("Đăng ký biến động quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất", "Đất đai", D, 10, 100000, 40),
    Named("Đăng ký thành lập hộ kinh doanh", "Đăng ký kinh doanh", D, 3, 100000, 30),
    Named("Cấp giấy phép xây dựng nhà ở riêng lẻ", "Xây dựng", D, 15, 75000, 18),
    Named("Đăng ký khai tử", "Hộ tịch", C, 1, 0, 15),
    Named("Đăng ký kết hôn", "Hộ tịch", C, 1, 0, 14),
    Named("Cấp bản sao trích lục hộ tịch", "Hộ tịch", C, 1, 8000, 18),
    Named("Cấp Giấy xác nhận tình trạng hôn nhân", "Hộ tịch", C, 3, 0, 20),
    Named("Chứng thực hợp đồng, giao dịch liên quan đến bất động sản", "Chứng thực", ("district", "commune"), 2, 50000, 16),
    Named("Liên thông đăng ký khai sinh, đăng ký thường trú, cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi", "Hộ tịch", C, 5, 0, 12),
    Named("Đăng ký thường trú", "Công an", C, 7, 20000, 14),
    Named("Giải quyết trợ cấp xã hội hàng tháng đối với đối tượng bảo trợ xã hội", "Thương binh xã hội", ("district", "commune"), 15, 0, 8),
    Named("Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam, người nước ngoài đang cư trú tại Việt Nam", "Lý lịch tư pháp", P, 10, 200000, 30),
    Named("Đăng ký thành lập công ty trách nhiệm hữu hạn một thành viên", "Đăng ký kinh doanh", P, 3, 50000, 14),
    Named("Đăng ký thay đổi nội dung đăng ký doanh nghiệp", "Đăng ký kinh doanh", P, 3, 50000, 22),
    Named("Đổi giấy phép lái xe do ngành Giao thông vận tải cấp", "Giao thông", P, 5, 135000, 26),
    Named("Cấp Giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất cho tổ chức", "Đất đai", P, 30, 500000, 8),
    Named("Cấp giấy phép lao động cho người lao động nước ngoài làm việc tại Việt Nam", "Lao động", P, 5, 600000, 10),
    Named("Cấp chứng chỉ hành nghề khám bệnh, chữa bệnh", "Y tế", P, 30, 360000, 6),
    Named("Cấp giấy phép xây dựng công trình", "Xây dựng", P, 20, 150000, 7),
    Named("Cấp Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm", "Công thương", P, 20, 1000000, 5),
    Named("Giải quyết hưởng trợ cấp thất nghiệp", "Lao động", P, 20, 0, 16),
    Named("Cấp giấy phép bán lẻ sản phẩm rượu", "Công thương", D, 10, 200000, 5),
)

ACTIONS = ("Cấp", "Cấp lại", "Cấp đổi", "Điều chỉnh", "Gia hạn", "Thu hồi", "Đăng ký", "Xác nhận",
           "Thẩm định", "Công nhận", "Phê duyệt", "Chấp thuận", "Thông báo", "Giải quyết")

# Field → objects the actions apply to.
FIELD_OBJECTS = {
    "Hộ tịch": ("việc thay đổi, cải chính, bổ sung thông tin hộ tịch", "việc nuôi con nuôi trong nước", "giám hộ",
                "việc nhận cha, mẹ, con", "khai sinh có yếu tố nước ngoài", "kết hôn có yếu tố nước ngoài", "lại khai tử"),
    "Chứng thực": ("bản sao điện tử từ bản chính", "chữ ký người dịch", "di chúc", "văn bản thỏa thuận phân chia di sản",
                   "việc sửa lỗi sai sót trong hợp đồng", "văn bản từ chối nhận di sản"),
    "Tư pháp": ("tổ chức hành nghề công chứng", "văn phòng thừa phát lại", "trung tâm trọng tài", "tổ chức giám định tư pháp",
                "tổ chức hành nghề luật sư", "tổ chức đấu giá tài sản", "tư vấn pháp luật", "trợ giúp pháp lý", "hòa giải thương mại"),
    "Lý lịch tư pháp": ("Phiếu lý lịch tư pháp theo yêu cầu cơ quan tiến hành tố tụng", "thông tin lý lịch tư pháp về án tích"),
    "Đất đai": ("Giấy chứng nhận quyền sử dụng đất", "chuyển mục đích sử dụng đất", "giao đất, cho thuê đất", "gia hạn sử dụng đất",
                "tách thửa, hợp thửa đất", "thông tin đất đai", "đính chính Giấy chứng nhận", "góp vốn bằng quyền sử dụng đất",
                "thế chấp quyền sử dụng đất", "xóa đăng ký thế chấp", "bồi thường, hỗ trợ, tái định cư"),
    "Tài nguyên môi trường": ("giấy phép môi trường", "báo cáo đánh giá tác động môi trường", "giấy phép khai thác khoáng sản",
                              "giấy phép khai thác nước dưới đất", "giấy phép xả thải vào nguồn nước", "giấy phép thăm dò khoáng sản",
                              "đề án cải tạo, phục hồi môi trường", "hoạt động đo đạc bản đồ", "giấy phép khai thác tài nguyên nước mặt"),
    "Xây dựng": ("giấy phép xây dựng", "chứng chỉ hành nghề hoạt động xây dựng", "chứng chỉ năng lực hoạt động xây dựng",
                 "báo cáo nghiên cứu khả thi đầu tư xây dựng", "thiết kế xây dựng triển khai sau thiết kế cơ sở", "quy hoạch chi tiết xây dựng",
                 "giấy phép di dời công trình", "nhà ở xã hội", "chứng chỉ môi giới bất động sản", "kết quả nghiệm thu công trình"),
    "Giao thông": ("giấy phép lái xe", "giấy phép kinh doanh vận tải bằng xe ô tô", "phù hiệu xe ô tô kinh doanh vận tải",
                   "giấy phép thi công công trình trên đường bộ", "đăng ký phương tiện thủy nội địa", "giấy phép lưu hành xe quá tải trọng",
                   "bến xe khách", "giấy phép đào tạo lái xe", "đường ngang"),
    "Đăng ký kinh doanh": ("doanh nghiệp tư nhân", "công ty cổ phần", "công ty hợp danh", "chi nhánh, văn phòng đại diện",
                           "địa điểm kinh doanh", "hợp tác xã", "liên hiệp hợp tác xã", "tạm ngừng kinh doanh", "giải thể doanh nghiệp",
                           "hộ kinh doanh", "người thành lập doanh nghiệp"),
    "Đầu tư": ("chủ trương đầu tư", "Giấy chứng nhận đăng ký đầu tư", "dự án đầu tư theo phương thức đối tác công tư",
               "hồ sơ mời thầu", "kế hoạch lựa chọn nhà thầu", "dự án đầu tư có sử dụng vốn ODA", "góp vốn, mua cổ phần của nhà đầu tư nước ngoài"),
    "Tài chính": ("giá đất cụ thể", "tài sản công", "mã số đơn vị có quan hệ với ngân sách", "quyết toán vốn đầu tư",
                  "phương án giá", "tài sản kết cấu hạ tầng"),
    "Y tế": ("giấy phép hoạt động khám bệnh, chữa bệnh", "chứng chỉ hành nghề dược", "Giấy chứng nhận đủ điều kiện kinh doanh dược",
             "giấy phép hoạt động phòng khám đa khoa", "Giấy chứng nhận đủ điều kiện kinh doanh mỹ phẩm", "nội dung quảng cáo thực phẩm",
             "thiết bị y tế", "giấy khám sức khỏe", "dịch vụ xoa bóp", "giấy chứng nhận bệnh nghề nghiệp", "sơ cấp cứu"),
    "Giáo dục": ("trường mầm non", "trường tiểu học", "trường trung học cơ sở", "trung tâm ngoại ngữ, tin học", "hoạt động dạy thêm, học thêm",
                 "văn bằng, chứng chỉ", "bản sao văn bằng tốt nghiệp", "chuyển trường", "hỗ trợ học tập", "trung tâm giáo dục thường xuyên",
                 "hoạt động giáo dục kỹ năng sống"),
    "Lao động": ("giấy phép lao động", "giấy phép hoạt động dịch vụ việc làm", "nội quy lao động", "thỏa ước lao động tập thể",
                 "giấy phép cho thuê lại lao động", "hợp đồng cung ứng lao động", "tai nạn lao động", "giáo dục nghề nghiệp"),
    "Thương binh xã hội": ("chế độ ưu đãi người có công", "trợ cấp mai táng phí", "hồ sơ liệt sĩ", "người khuyết tật", "hộ nghèo, hộ cận nghèo",
                           "cơ sở trợ giúp xã hội", "trẻ em có hoàn cảnh đặc biệt", "chế độ điều dưỡng", "bảo hiểm y tế cho người có công"),
    "Nội vụ": ("tổ chức hội", "điều lệ hội", "quỹ xã hội, quỹ từ thiện", "thi tuyển công chức", "xếp hạng đơn vị sự nghiệp",
               "tài liệu lưu trữ", "chứng chỉ hành nghề lưu trữ"),
    "Công thương": ("giấy phép kinh doanh bán lẻ", "giấy phép sản xuất rượu", "giấy phép mua bán thuốc lá", "cửa hàng xăng dầu",
                    "giấy phép hoạt động điện lực", "chương trình khuyến mại", "hội chợ, triển lãm thương mại", "vật liệu nổ công nghiệp",
                    "hóa chất", "giấy phép kinh doanh khí", "văn phòng đại diện thương nhân nước ngoài"),
    "Văn hóa, thể thao, du lịch": ("giấy phép tổ chức lễ hội", "biểu diễn nghệ thuật", "cơ sở kinh doanh karaoke", "hướng dẫn viên du lịch",
                                   "cơ sở lưu trú du lịch", "giải thi đấu thể thao", "di tích", "giấy phép kinh doanh lữ hành",
                                   "thư viện", "bảo tàng", "câu lạc bộ thể thao"),
    "Thông tin truyền thông": ("giấy phép xuất bản bản tin", "trang thông tin điện tử tổng hợp", "giấy phép hoạt động in",
                               "điểm cung cấp dịch vụ trò chơi điện tử", "giấy phép thiết lập mạng viễn thông", "xuất bản phẩm"),
    "Khoa học công nghệ": ("hợp đồng chuyển giao công nghệ", "doanh nghiệp khoa học và công nghệ", "kết quả nhiệm vụ khoa học",
                           "giấy phép tiến hành công việc bức xạ", "chứng chỉ nhân viên bức xạ", "đo lường, chất lượng sản phẩm"),
    "Nông nghiệp": ("giấy chứng nhận an toàn dịch bệnh động vật", "thuốc bảo vệ thực vật", "phân bón", "giống cây trồng",
                    "cơ sở chăn nuôi", "tàu cá", "giấy phép khai thác thủy sản", "kiểm dịch động vật", "rừng trồng", "thủy lợi",
                    "chứng nhận VietGAP"),
    "Ngoại vụ": ("tổ chức hội nghị, hội thảo quốc tế", "thẻ đi lại của doanh nhân APEC", "viện trợ phi chính phủ nước ngoài",
                 "xuất cảnh của cán bộ, công chức"),
    "Khu công nghiệp": ("giấy phép lao động trong khu công nghiệp", "dự án đầu tư trong khu công nghiệp",
                        "giấy phép xây dựng trong khu công nghiệp", "giấy chứng nhận xuất xứ hàng hóa", "văn phòng đại diện trong khu công nghiệp"),
    "Công an": ("tạm trú", "lưu trú", "căn cước", "giấy phép sử dụng vũ khí thô sơ", "điều kiện an ninh trật tự ngành nghề kinh doanh",
                "thẩm duyệt thiết kế phòng cháy chữa cháy", "nghiệm thu phòng cháy chữa cháy", "con dấu"),
    "Thanh tra, khiếu nại, tố cáo": ("khiếu nại lần đầu", "khiếu nại lần hai", "tố cáo", "tiếp công dân", "kiến nghị, phản ánh"),
    "Thi đua, khen thưởng": ("Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh", "danh hiệu Chiến sĩ thi đua cấp tỉnh",
                             "danh hiệu Tập thể lao động xuất sắc", "Giấy khen", "danh hiệu Gia đình văn hóa"),
    "Dân tộc, tôn giáo": ("sinh hoạt tôn giáo tập trung", "hoạt động tôn giáo ngoài cơ sở tôn giáo", "người có uy tín trong đồng bào dân tộc thiểu số",
                          "chính sách đối với vùng đồng bào dân tộc thiểu số"),
}

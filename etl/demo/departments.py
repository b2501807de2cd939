"""The province departments (sở, ban, ngành) before and after the 2025 merger, and which one handles each field."""
from __future__ import annotations

# (short code, name before the province's name): the departments of a province until 30 June 2025.
OLD_DEPARTMENTS = (
    ("STP", "Sở Tư pháp"),
    ("SXD", "Sở Xây dựng"),
    ("STNMT", "Sở Tài nguyên và Môi trường"),
    ("SKHDT", "Sở Kế hoạch và Đầu tư"),
    ("SYT", "Sở Y tế"),
    ("SGDDT", "Sở Giáo dục và Đào tạo"),
    ("SLDTBXH", "Sở Lao động - Thương binh và Xã hội"),
    ("SCT", "Sở Công Thương"),
    ("SGTVT", "Sở Giao thông vận tải"),
    ("SNV", "Sở Nội vụ"),
    ("SVHTTDL", "Sở Văn hóa, Thể thao và Du lịch"),
    ("STTTT", "Sở Thông tin và Truyền thông"),
    ("SKHCN", "Sở Khoa học và Công nghệ"),
    ("STC", "Sở Tài chính"),
    ("SNN", "Sở Nông nghiệp và Phát triển nông thôn"),
    ("SNGV", "Sở Ngoại vụ"),
    ("BQLKCN", "Ban Quản lý các khu công nghiệp"),
    ("CA", "Công an"),
    ("TTR", "Thanh tra"),
    ("VPUBND", "Văn phòng Ủy ban nhân dân"),
)

# From 1 July 2025, after the merger of departments (e.g. Nông nghiệp và Môi trường; Tài chính absorbing Kế hoạch và Đầu tư;
# Ngoại vụ folded into the Văn phòng Ủy ban nhân dân).
NEW_DEPARTMENTS = (
    ("STP", "Sở Tư pháp"),
    ("SXD", "Sở Xây dựng"),
    ("SNNMT", "Sở Nông nghiệp và Môi trường"),
    ("STC", "Sở Tài chính"),
    ("SYT", "Sở Y tế"),
    ("SGDDT", "Sở Giáo dục và Đào tạo"),
    ("SNV", "Sở Nội vụ"),
    ("SCT", "Sở Công Thương"),
    ("SVHTTDL", "Sở Văn hóa, Thể thao và Du lịch"),
    ("SKHCN", "Sở Khoa học và Công nghệ"),
    ("SDTTG", "Sở Dân tộc và Tôn giáo"),
    ("BQLKCN", "Ban Quản lý các khu công nghiệp"),
    ("CA", "Công an"),
    ("TTR", "Thanh tra"),
    ("VPUBND", "Văn phòng Ủy ban nhân dân"),
)

# Field (lĩnh vực) → the department handling its province-level procedures: (before, after the merger).
FIELD_DEPARTMENTS = {
    "Hộ tịch": ("STP", "STP"),
    "Chứng thực": ("STP", "STP"),
    "Tư pháp": ("STP", "STP"),
    "Lý lịch tư pháp": ("STP", "STP"),
    "Đất đai": ("STNMT", "SNNMT"),
    "Tài nguyên môi trường": ("STNMT", "SNNMT"),
    "Xây dựng": ("SXD", "SXD"),
    "Giao thông": ("SGTVT", "SXD"),
    "Đăng ký kinh doanh": ("SKHDT", "STC"),
    "Đầu tư": ("SKHDT", "STC"),
    "Tài chính": ("STC", "STC"),
    "Y tế": ("SYT", "SYT"),
    "Giáo dục": ("SGDDT", "SGDDT"),
    "Lao động": ("SLDTBXH", "SNV"),
    "Thương binh xã hội": ("SLDTBXH", "SNV"),
    "Nội vụ": ("SNV", "SNV"),
    "Công thương": ("SCT", "SCT"),
    "Văn hóa, thể thao, du lịch": ("SVHTTDL", "SVHTTDL"),
    "Thông tin truyền thông": ("STTTT", "SKHCN"),
    "Khoa học công nghệ": ("SKHCN", "SKHCN"),
    "Nông nghiệp": ("SNN", "SNNMT"),
    "Ngoại vụ": ("SNGV", "VPUBND"),  # most provinces folded foreign affairs into the office in 2025
    "Khu công nghiệp": ("BQLKCN", "BQLKCN"),
    "Công an": ("CA", "CA"),
    "Thanh tra, khiếu nại, tố cáo": ("TTR", "TTR"),
    "Thi đua, khen thưởng": ("VPUBND", "SNV"),
    "Dân tộc, tôn giáo": ("VPUBND", "SDTTG"),
}


def department_name(name: str, province_name: str) -> str:
    """Return a department's full name: 'Sở Tư pháp' + 'Tỉnh Bình Dương' → 'Sở Tư pháp tỉnh Bình Dương'."""
    return f"{name} {province_name[:1].lower()}{province_name[1:]}"

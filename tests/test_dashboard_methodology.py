"""The methodology page is the registry and a rule set as text: every indicator with its points, the columns
adding up to 100, the bands and the options of the chosen rule set."""
from __future__ import annotations

import pytest

import re

from test_dashboard_rankings import text

from appserver import find

from app import create_app
from dashboard import i18n
from indicators import GROUPS, REGISTRY

server = create_app().server  # pages register themselves with the app that loads them
from dashboard.pages import methodology as page  # noqa: E402

# Pages and callbacks run as a signed-in admin unless a test says otherwise.
pytestmark = pytest.mark.usefixtures("as_admin")


def points_of(card) -> int:
    """Return the points an indicator's card shows."""
    return int(re.match(r"(\d+) điểm", text(card.children[1])).group(1))


def test_every_indicator_with_its_points_adding_up_to_100():
    layout = page.layout()
    cards = {i: find(layout, f"methodology-indicator-{i.replace('.', '-')}") for i in REGISTRY}
    assert all(card is not None for card in cards.values())
    points = {i: points_of(card) for i, card in cards.items()}
    assert sum(points.values()) == 100
    assert (points["2.1"], points["3.3"], points["4.2"], points["5.3"]) == (20, 6, 4, 6)
    assert text(find(layout, "methodology-total")) == "100"
    assert [text(row.children[3]) for row in find(layout, "methodology-columns").children[1].children[:-1]] == [
        str(int(g.max_points)) for g in GROUPS]


def test_display_only_indicators_are_marked():
    layout = page.layout()
    shown = text(find(layout, "methodology-indicator-2-2"))
    assert "Chỉ theo dõi, không tính điểm" in shown and "Mục tiêu" not in shown
    assert "Mục tiêu 100 %" in text(find(layout, "methodology-indicator-2-1"))
    assert "Khi không có dữ liệu: Đủ điểm" in text(find(layout, "methodology-indicator-5-1"))


def test_every_formula_in_the_readers_language():
    vietnamese = page.layout()
    with server.test_request_context(headers={"Cookie": f"{i18n.COOKIE}=en"}):
        english = page.layout()
    for ind in REGISTRY.values():
        card_id = f"methodology-indicator-{ind.id.replace('.', '-')}"
        shown_vi, shown_en = text(find(vietnamese, card_id)), text(find(english, card_id))
        assert ind.numerator_vi in shown_vi and ind.denominator_vi in shown_vi, ind.id
        assert ind.numerator_en in shown_en and ind.denominator_en in shown_en, ind.id
    shown = text(find(vietnamese, "methodology-indicator-5-1"))
    assert "Tử số: phản ánh, kiến nghị tiếp nhận trong kỳ đã xử lý đúng hạn" in shown
    assert "feedback" not in shown
    shown = text(find(english, "methodology-indicator-5-1"))
    assert "Numerator: feedback items received in the period handled by their due time" in shown
    assert "phản ánh" not in shown


def test_bands_with_their_cut_offs():
    bands = find(page.layout(), "methodology-bands")
    assert [text(item) for item in bands.children] == [
        "Xuất sắc từ 90 điểm trở lên", "Tốt từ 80 đến dưới 90 điểm", "Khá từ 70 đến dưới 80 điểm",
        "Trung bình từ 50 đến dưới 70 điểm", "Yếu từ 0 đến dưới 50 điểm"]
    assert [item.children[0].className for item in bands.children][0] == "band band-excellent"


def test_another_rule_set():
    layout = page.layout(ruleset="decision-766-text")
    assert "Mục tiêu 80 %" in text(find(layout, "methodology-indicator-4-2"))
    options = text(find(layout, "methodology-options"))
    assert "Có (3.3 × 1.4)" in options and "5.1 chấm theo tỷ lệ của 2.1" in options
    assert "Mục tiêu 100 %" in text(find(page.layout(ruleset="no-such-set"), "methodology-indicator-4-2"))
    assert page.navigate("decision-766-text") == "/phuong-phap?ruleset=decision-766-text"


def test_the_calendar_lists_the_make_up_saturdays_in_both_languages():
    vietnamese = text(find(page.layout(), "methodology-calendar"))
    with server.test_request_context(headers={"Cookie": f"{i18n.COOKIE}=en"}):
        english = text(find(page.layout(), "methodology-calendar"))
    for shown in (vietnamese, english):
        assert "04/05/2024, 26/04/2025, 22/08/2026" in shown
    assert "thứ Bảy đi làm bù" in vietnamese and "Saturdays worked to make up a swapped day" in english


def test_the_updated_rules_of_1_2_and_1_4_in_both_languages():
    vietnamese = page.layout()
    with server.test_request_context(headers={"Cookie": f"{i18n.COOKIE}=en"}):
        english = page.layout()
    assert "chưa đăng mà vẫn còn trong hạn thì chưa bị tính là muộn" in text(find(vietnamese, "methodology-indicator-1-2"))
    assert "not yet published whose deadline is still ahead is not late" in text(find(english, "methodology-indicator-1-2"))
    assert "tổng các tháng trong kỳ" in text(find(vietnamese, "methodology-indicator-1-4"))
    assert "the sum of its months" in text(find(english, "methodology-indicator-1-4"))

def test_the_on_time_finished_and_unknown_rules_in_both_languages():
    vietnamese = page.layout()
    with server.test_request_context(headers={"Cookie": f"{i18n.COOKIE}=en"}):
        english = page.layout()
    assert "không muộn hơn hạn đã ghi" in text(find(vietnamese, "methodology-due"))
    assert "đã trả kết quả" in text(find(vietnamese, "methodology-due"))
    assert "no supplement time is taken off" in text(find(english, "methodology-due"))
    assert "finished or returned" in text(find(english, "methodology-due"))
    assert "không tính vào cả tử số lẫn mẫu số" in text(find(vietnamese, "methodology-unknown"))
    assert "leaves both the numerator and the denominator" in text(find(english, "methodology-unknown"))
    assert "Không tính (thiếu dữ liệu): TTHC có quyết định chưa có ngày hiệu lực" in text(
        find(vietnamese, "methodology-indicator-1-1"))
    assert "Not counted (unknown): communes whose electronic certified copies are not known" in text(
        find(english, "methodology-indicator-4-7"))
    assert "Không tính" not in text(find(vietnamese, "methodology-indicator-1-3"))
    assert text(find(vietnamese, "methodology-deduct")).endswith("Không")
    assert text(find(english, "methodology-deduct")).endswith("No")

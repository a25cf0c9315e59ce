"""Tests for zjanalysis.asof: the one as-of month type and its year rule."""

import pytest

from zjanalysis.asof import AsOf


@pytest.mark.parametrize(
    "text", ["2021-06", "2021.6", "2021年6月", " 2021/06 ", "2021-6"]
)
def test_parse_accepts_office_spellings(text):
    assert AsOf.parse(text) == AsOf(2021, 6)


@pytest.mark.parametrize("text", ["2021", "2021-13", "June", "", "21-06", "2021-00"])
def test_parse_rejects_with_plain_message(text):
    with pytest.raises(ValueError, match="2021-06"):
        AsOf.parse(text)


def test_a_bad_month_or_year_is_refused_when_built_directly():
    with pytest.raises(ValueError, match="1—12"):
        AsOf(2021, 13)
    with pytest.raises(ValueError, match="四位"):
        AsOf(21, 6)


def test_labels_and_text_form():
    a = AsOf(2021, 6)
    assert str(a) == "2021-06"
    assert a.label_zh == "1—6月"
    assert a.period_zh == "2021年1—6月"
    assert AsOf(2022, 1).label_zh == "1月"
    assert str(AsOf.parse(str(a))) == "2021-06"  # the text form reads back


def test_order_and_month_end():
    assert AsOf(2020, 12) < AsOf(2021, 1) < AsOf(2021, 6)
    assert AsOf(2024, 2).month_end.day == 29  # a leap year
    assert AsOf(2021, 6).month_end.strftime("%Y-%m-%d") == "2021-06-30"


def test_month_in_is_the_one_rule_for_an_as_of_outside_the_plan_year():
    a = AsOf(2021, 6)
    assert a.month_in(2021) == 6
    assert a.month_in(2020) == 12  # 2020 is over: the whole year
    assert a.month_in(2022) is None  # 2022 has not begun

import math

import pytest

from zjanalysis import labels


def test_money_formats_convert_wan_to_yi():
    # 1,376.08亿元 (Zhanjiang's 2021 FAI) is 13,760,800 万元
    assert labels.format_yi(13_760_800) == "1,376.08亿元"
    assert labels.format_wan(13_760_800) == "13,760,800"
    assert labels.format_yi(float("nan")) == "—"


def test_month_labels_follow_the_bureau():
    assert [labels.month_label(m) for m in (1, 2, 6, 12)] == [
        "1月",
        "1—2月",
        "1—6月",
        "1—12月",
    ]
    with pytest.raises(ValueError):
        labels.month_label(13)


@pytest.mark.parametrize("text", ["2021-06", "2021.6", "2021年6月", " 2021/06 "])
def test_parse_as_of_accepts_office_spellings(text):
    assert labels.parse_as_of(text) == (2021, 6)


@pytest.mark.parametrize("text", ["2021", "2021-13", "June", ""])
def test_parse_as_of_rejects_with_plain_message(text):
    with pytest.raises(ValueError, match="2021-06"):
        labels.parse_as_of(text)


def test_format_pct_rounds_half_even_free():
    assert labels.format_pct(19.96) == "20.0%"
    assert labels.format_pct(5, sign=True) == "+5.0%"
    assert not math.isnan(labels.wan_to_yi(1.0))

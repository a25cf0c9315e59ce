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


def test_format_pct_rounds_half_even_free():
    assert labels.format_pct(19.96) == "20.0%"
    assert labels.format_pct(5, sign=True) == "+5.0%"
    assert not math.isnan(labels.wan_to_yi(1.0))

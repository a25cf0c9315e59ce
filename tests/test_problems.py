from zjanalysis.problems import (
    ERROR,
    WARNING,
    Problem,
    ValidationReport,
    refusal_text_zh,
)


def _p(
    severity=ERROR, file="projects.csv", row=5, column="总投资（万元）", value="约500"
):
    return Problem(
        severity=severity,
        check="not_a_number",
        file=file,
        row=row,
        column=column,
        value=value,
        message_zh="不是数字",
        message_en="not a number",
        hint_zh="请填写数字",
        table="projects",
        unit="霞山区",
    )


def test_problem_text_names_file_row_column_value_and_fix():
    text = _p().format()
    for part in (
        "projects.csv",
        "第5行",
        "「总投资（万元）」",
        "约500",
        "不是数字",
        "请填写数字",
        "not a number",
    ):
        assert part in text


def test_report_separates_errors_from_warnings_and_groups_by_file():
    rep = ValidationReport()
    rep.extend([_p(), _p(severity=WARNING, file="fai_monthly.csv"), _p(row=9)])
    assert not rep.ok
    assert len(rep.errors) == 2 and len(rep.warnings) == 1
    assert list(rep.by_file()) == ["projects.csv", "fai_monthly.csv"]
    text = rep.format()
    assert "== projects.csv (2) ==" in text
    assert "共 2 个错误、1 个提示" in text


def test_report_frame_keeps_every_problem_and_row_numbers_as_integers():
    rep = ValidationReport([_p(row=None), _p(row=7)])
    frame = rep.to_frame()
    assert len(frame) == 2
    assert str(frame["row"].dtype) == "Int64"
    assert frame["row"].isna().tolist() == [True, False]


def test_empty_report_is_ok_and_says_so():
    rep = ValidationReport()
    assert rep.ok and len(rep) == 0
    assert "no problems" in rep.format()
    assert rep.to_frame().empty


def test_refusal_sentence_is_built_in_one_place():
    assert refusal_text_zh(1, "预测") == (
        "数据有 1 个错误，暂不预测；请先按《数据质量报告》修正后重新运行。"
    )
    assert refusal_text_zh(3, "预测", tables=["项目台账", "项目月度进度"]) == (
        "项目台账、项目月度进度有 3 个错误，暂不预测；请先按《数据质量报告》修正后重新运行。"
    )

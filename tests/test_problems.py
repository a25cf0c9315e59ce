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


# --- the Chinese label of every check code ------------------------------------------


def _emitted_check_codes() -> set[str]:
    """Return every check code the loader and the validator can emit (from source).

    The literal codes passed to ``Problem(…)``, ``file_problem(…)``,
    ``ctx.emit(…)`` and ``_bad_cell_problems(…)``, and the cell checks of
    ``zjanalysis.io.cells`` (``_CHECK_TEXT``).
    """
    import ast
    from pathlib import Path

    import zjanalysis

    position = {"Problem": 1, "file_problem": 1, "emit": 1, "_bad_cell_problems": 8}
    codes: set[str] = set()
    root = Path(zjanalysis.__file__).parent
    for path in [*root.joinpath("io").glob("*.py"), root / "validation.py"]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                func = node.func
                name = func.attr if isinstance(func, ast.Attribute) else ""
                name = getattr(func, "id", name)
                i = position.get(name)
                if i is not None and len(node.args) > i:
                    arg = node.args[i]
                    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                        codes.add(arg.value)
            if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "_CHECK_TEXT" for t in node.targets
            ):
                codes |= {k.value for k in node.value.keys}
    return codes


def test_every_check_code_has_one_chinese_label():
    from zjanalysis.problems import CHECK_LABELS_ZH

    codes = _emitted_check_codes()
    assert {"unit_mixup", "bad_number", "hidden_sheet", "unknown_section"} <= codes
    assert codes - set(CHECK_LABELS_ZH) == set(), "codes without a Chinese label"
    assert set(CHECK_LABELS_ZH) - codes == set(), "labels of codes nothing emits"
    labels = list(CHECK_LABELS_ZH.values())
    assert len(set(labels)) == len(labels), "two codes share a label"
    assert all(not label.isascii() for label in labels)


def test_check_label():
    from zjanalysis.problems import check_label_zh

    assert check_label_zh("unit_mixup") == "疑似单位错误（万元/亿元）"
    assert check_label_zh("control_character") == "含不可见的控制字符"

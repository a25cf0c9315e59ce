"""The data dictionary in data/README.md is generated from the schema and current."""

from __future__ import annotations

from zjanalysis import paths, schema


def test_data_readme_is_up_to_date():
    written = (paths.DATA_DIR / "README.md").read_text(encoding="utf-8")
    assert written == schema.render_data_dictionary(), (
        "data/README.md is stale: run `python -m zjanalysis.schema > data/README.md`"
    )


def test_dictionary_lists_every_table_and_column_with_its_chinese_header():
    text = schema.render_data_dictionary()
    for table in schema.TABLES.values():
        assert f"### `{table.name}` — {table.zh}" in text
        for column in table.columns:
            assert f"| `{column.name}` | {column.zh} |" in text


def test_dictionary_explains_the_drop_in_folder_and_the_report_command():
    text = schema.render_data_dictionary()
    assert "data/raw/2021-06/" in text
    assert "make report DATA=data/raw/2021-06" in text
    assert "Never edit these files" in text

from zjanalysis import schema


def test_every_contract_table_is_defined_with_unique_columns():
    assert set(schema.TABLES) == {
        "fai_monthly",
        "targets",
        "projects",
        "project_progress",
        "milestones",
        "soe_plans",
        "plan_changes",
        "funding_plan",
        "land_plan",
        "stats_registry",
    }
    for table in schema.TABLES.values():
        names = table.column_names
        assert len(names) == len(set(names)), table.name
        assert set(table.key) <= set(names), table.name


def test_minutes_units_are_all_listed():
    assert len(schema.COUNTIES) == 11
    assert "湛江奋勇高新区" in schema.COUNTIES
    assert len(schema.SOES) == 4


def test_enum_aliases_map_onto_the_contract_values():
    canon = {
        "stage": schema.STAGES,
        "status": schema.STATUS_VALUES,
        "soe_kind": schema.SOE_KINDS,
        "change_type": schema.CHANGE_TYPES,
        "funding_source": schema.FUNDING_SOURCES,
    }
    for enum, values in canon.items():
        assert set(schema.ENUM_ALIASES[enum].values()) == set(values), enum
        for v in values:
            assert schema.ENUM_ALIASES[enum][v] == v


def test_money_units_convert_to_wan():
    assert schema.MONEY_UNITS["亿元"] * 1.5 == 15_000
    assert schema.MONEY_UNITS["元"] * 10_000 == 1

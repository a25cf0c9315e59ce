import pytest

from zjanalysis import cli


def test_no_command_prints_help_and_exits_2(capsys):
    assert cli.main([]) == 2
    assert "zjanalysis" in capsys.readouterr().err


def test_unknown_command_is_a_usage_error():
    with pytest.raises(SystemExit) as exc:
        cli.main(["no-such-command"])
    assert exc.value.code == 2


def test_every_registered_subcommand_is_installed():
    # each capability registers a module; a missing one would silently vanish from --help
    parser = cli.build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    assert set(sub.choices) == set(cli.SUBCOMMANDS)

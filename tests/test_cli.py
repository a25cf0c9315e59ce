import os
import subprocess
import sys

import pytest

from zjanalysis import cli, paths

DEMO = paths.PROJECT_ROOT / "data" / "demo"


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


def test_a_gbk_console_gets_replacement_characters_not_a_crash():
    # Chinese Windows consoles and redirected logs use GBK, which has no ✔
    code = (
        "import sys; from zjanalysis.cli import _tolerant_streams; "
        "_tolerant_streams(); print('✔ 完成'); sys.stderr.write('✘\\n')"
    )
    env = dict(os.environ, PYTHONIOENCODING="gbk")
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, env=env, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.decode("gbk").strip() == "? 完成"


def test_a_reader_that_stops_early_gets_no_traceback():
    # ``zjanalysis checks DIR | head -1``: the pipe closes while we still write
    proc = subprocess.run(
        f"{sys.executable} -m zjanalysis checks {DEMO} --year 2020 | head -c 10",
        shell=True,
        capture_output=True,
        timeout=300,
    )
    assert b"Traceback" not in proc.stderr and b"BrokenPipe" not in proc.stderr


def _columns(line: str) -> int:
    """Terminal columns of a line, counted independently of the formatter."""
    import unicodedata

    return sum(
        2 if unicodedata.east_asian_width(ch) in ("W", "F", "A") else 1 for ch in line
    )


def test_every_help_fits_80_screen_columns_with_chinese_text(monkeypatch, capsys):
    from zjanalysis.commands import report as report_command

    monkeypatch.setenv("COLUMNS", "80")
    helps = {"zjanalysis": cli.build_parser().format_help()}
    for name in cli.SUBCOMMANDS:
        with pytest.raises(SystemExit):
            cli.main([name, "--help"])
        helps[name] = capsys.readouterr().out
    with pytest.raises(SystemExit):
        report_command.main(["--help"])  # make report's own entry
    helps["python -m zjanalysis.commands.report"] = capsys.readouterr().out
    for name, text in helps.items():
        wide = [line for line in text.splitlines() if _columns(line) > 80]
        assert not wide, (name, wide)
    # wrapped, not cut: every help sentence is still there, in order
    for name in cli.SUBCOMMANDS:
        mod = cli._available(name)[name]
        squeezed = "".join(helps[name].split())
        assert "".join(mod.HELP.split()) in squeezed, name
    assert "".join("只生成指定报告，可重复 / build only this report".split()) in (
        "".join(helps["report"].split())
    )


def test_an_abbreviated_option_is_refused_not_guessed(capsys):
    # backtest has --years; "--year 2023" used to be read as --years 2023 and
    # the command then said it had no year to backtest
    with pytest.raises(SystemExit) as exc:
        cli.main(["backtest", "data/demo", "--year", "2023"])
    assert exc.value.code == 2
    assert "unrecognized arguments: --year 2023" in capsys.readouterr().err

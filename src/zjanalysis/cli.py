"""Run the ``zjanalysis`` command line: one subcommand per capability.

Each subcommand lives in its own module under :mod:`zjanalysis.commands` and
exposes ``HELP`` (one line), ``add_arguments(parser)`` and ``run(args) -> int``.
Exit codes: 0 success, 1 the data or a check failed, 2 usage error.
A user's data mistake never ends in a traceback: commands report it and return 1.
"""

from __future__ import annotations

import argparse
import importlib
import sys

#: subcommand name -> module under zjanalysis.commands
SUBCOMMANDS: dict[str, str] = {
    "validate": "validate",
    "report": "report",
    "forecast": "forecast",
    "backtest": "backtest",
    "readiness": "readiness",
    "soe": "soe",
    "circular": "circular",
    "checks": "checks",
    "gap": "gap",
}


def _available(only: str | None = None) -> dict[str, object]:
    mods = {}
    names = [only] if only in SUBCOMMANDS else list(SUBCOMMANDS)
    for name in names:
        mod = SUBCOMMANDS[name]
        mods[name] = importlib.import_module(f"zjanalysis.commands.{mod}")
    return mods


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """Build the argument parser with every installed subcommand.

    With ``only`` naming a subcommand, import just that one: the analysis
    subcommands load pandas and scipy, which a quick ``zjanalysis report``
    with nothing to rebuild should not pay for.
    """
    from zjanalysis.commands._common import HelpFormatter

    parser = argparse.ArgumentParser(
        prog="zjanalysis",
        description="湛江市固定资产投资分析工具 / Zhanjiang fixed-asset investment analysis",
        formatter_class=HelpFormatter,
        allow_abbrev=False,
    )
    from zjanalysis import __version__

    parser.add_argument(
        "--version", action="version", version=f"zjanalysis {__version__}"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, mod in _available(only).items():
        # no abbreviations: backtest --year 2023 must not quietly mean --years
        p = sub.add_parser(
            name,
            help=mod.HELP,
            description=mod.HELP,
            formatter_class=HelpFormatter,
            allow_abbrev=False,
        )
        mod.add_arguments(p)
        p.set_defaults(_run=mod.run)
    return parser


def _tolerant_streams() -> None:
    """Let output in a console that cannot show a character replace it, not crash.

    On a Chinese Windows console or a redirected log in GBK, a ✔ or — would
    raise UnicodeEncodeError and lose the reports the command just built.
    """
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            try:
                reconfigure(errors="replace")
            except (ValueError, OSError):  # a closed or unusual stream
                pass


def main(argv: list[str] | None = None) -> int:
    """Parse ``argv`` and run the chosen subcommand; return its exit code."""
    _tolerant_streams()
    argv = sys.argv[1:] if argv is None else list(argv)
    first = next((a for a in argv if not a.startswith("-")), None)
    parser = build_parser(only=first if first in SUBCOMMANDS else None)
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help(sys.stderr)
        return 2
    try:
        return int(args._run(args) or 0)
    except KeyboardInterrupt:
        print("已中断 / interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # the reader went away (``zjanalysis checks … | head``): not an error of ours
        import os

        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

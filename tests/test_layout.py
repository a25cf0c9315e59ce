"""The package's seams: no module reaches into another module's private names.

A name starting with ``_`` is a module's own business; a rule two modules need
lives in the module that owns the concept (``zjanalysis.plan`` for the annual
plan and progress to date) under a public name.
"""

from __future__ import annotations

import ast
from pathlib import Path

import zjanalysis

SRC = Path(zjanalysis.__file__).parent


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def _same_package(package: str, module: str, *, init: bool) -> bool:
    """True when a package's ``__init__`` re-exports its own module's name.

    A subpackage's ``__init__`` may hand a private name to the tests (the
    runner's ``_swap_into_place``); its modules use each other's public names.
    """
    return (
        init
        and package != "zjanalysis"
        and (module == package or module.startswith(package + "."))
    )


def _module_name(path: Path) -> str:
    rel = path.relative_to(SRC.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _cross_private_uses(path: Path) -> list[str]:
    """Return ``module.name`` of every private name of another module used in ``path``."""
    me = _module_name(path)
    package = me if path.name == "__init__.py" else me.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    aliases: dict[str, str] = {}  # local name -> zjanalysis module it is bound to
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative import
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            if not base.startswith("zjanalysis"):
                continue
            for alias in node.names:
                target = f"{base}.{alias.name}"
                if _private(alias.name) and not _same_package(
                    package, base, init=path.name == "__init__.py"
                ):
                    found.append(target)
                aliases[alias.asname or alias.name] = target
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("zjanalysis"):
                    aliases[alias.asname or alias.name] = alias.name
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in aliases
            and _private(node.attr)
        ):
            owner = aliases[node.value.id]
            if owner != me and not _same_package(
                package, owner, init=path.name == "__init__.py"
            ):
                found.append(f"{owner}.{node.attr}")
    return found


def test_no_module_uses_another_modules_private_names():
    offenders = {
        _module_name(p): uses
        for p in sorted(SRC.rglob("*.py"))
        if (uses := _cross_private_uses(p))
    }
    assert offenders == {}


def test_the_checker_sees_a_private_cross_import(tmp_path, monkeypatch):
    # the test above would pass on a checker that finds nothing: prove it finds one
    fake = SRC / "checks.py"
    text = (
        "from zjanalysis.circular import _bool\nfrom zjanalysis import plan\nplan._x\n"
    )
    monkeypatch.setattr(Path, "read_text", lambda self, encoding=None: text)
    assert _cross_private_uses(fake) == [
        "zjanalysis.circular._bool",
        "zjanalysis.plan._x",
    ]

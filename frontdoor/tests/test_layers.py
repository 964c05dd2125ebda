"""Dependencies run one way (docs/adr/0021-layers-and-one-writer.md).

The layers contract in ``pyproject.toml`` is kept with no ignore between apps (tests may
import anything), every app is in it, and the apps form no import cycle but the one the
contract allows: accounts and audit share a layer (signing in writes events, the history
names users). The contract reads every import, function-local ones included; imports only
for type checking do not count.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import grimp
from importlinter import api  # noqa: F401  (configures import-linter's adapters)
from importlinter.application import use_cases

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = ROOT / "pyproject.toml"
TESTS_MAY_IMPORT_ANYTHING = "frontdoor.*.tests.** -> frontdoor.**"
#: The one pair of apps that share a layer and may import each other.
ALLOWED_CYCLES = [{"frontdoor.accounts", "frontdoor.audit"}]


def _contract() -> dict[str, Any]:
    config = tomllib.loads(PYPROJECT.read_text())["tool"]["importlinter"]
    (contract,) = [c for c in config["contracts"] if c["id"] == "layers"]
    return contract


def _layer_apps(contract: dict[str, Any]) -> set[str]:
    apps: set[str] = set()
    for layer in contract["layers"]:
        apps.update(name.strip() for part in layer.split("|") for name in part.split(":"))
    return apps


def test_the_only_ignore_is_that_tests_may_import_anything():
    assert _contract().get("ignore_imports", []) == [TESTS_MAY_IMPORT_ANYTHING]


def test_every_app_is_in_a_layer():
    packages = {
        f"frontdoor.{path.parent.name}"
        for path in (ROOT / "frontdoor").glob("*/__init__.py")
        if path.parent.name != "tests"
    }

    assert packages - _layer_apps(_contract()) == set()


def test_the_layers_contract_is_kept():
    # What `lint-imports` runs: True when every contract is kept (the report is printed).
    assert use_cases.lint_imports(config_filename=str(PYPROJECT), cache_dir=None, no_logo=True)


def _app(module: str) -> str:
    return ".".join(module.split(".")[:2])


def _cycles(edges: dict[str, set[str]]) -> list[set[str]]:
    """The strongly connected groups of more than one app (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for after in edges.get(node, ()):
            if after not in index:
                visit(after)
                low[node] = min(low[node], low[after])
            elif after in stack:
                low[node] = min(low[node], index[after])
        if low[node] == index[node]:
            group = set()
            while True:
                member = stack.pop()
                group.add(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(group)

    for node in list(edges):
        if node not in index:
            visit(node)
    return found


def test_the_apps_form_no_import_cycle_but_accounts_and_audit():
    graph = grimp.build_graph("frontdoor", exclude_type_checking_imports=True, cache_dir=None)
    edges: dict[str, set[str]] = {}
    for module in graph.modules:
        if ".tests" in module or not module.startswith("frontdoor."):
            continue
        for imported in graph.find_modules_directly_imported_by(module):
            if imported.startswith("frontdoor.") and _app(imported) != _app(module):
                edges.setdefault(_app(module), set()).add(_app(imported))

    assert [c for c in _cycles(edges) if c not in ALLOWED_CYCLES] == []
    # The graph is the real one: the children's pages use the matcher's step in intake.
    assert "frontdoor.intake" in edges["frontdoor.children"]


def test_a_cycle_between_apps_is_found():
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set(), "e": {"a"}}

    assert _cycles(edges) == [{"a", "b", "c"}]

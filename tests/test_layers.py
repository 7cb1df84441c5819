"""The code's shape: no import circles, and pages and the API reach scoped models only
through `for_scope` (the layers contract itself is `lint-imports`, run by `make test`)."""

from __future__ import annotations

import ast
from pathlib import Path

import grimp
from django.apps import apps

SRC = Path(__file__).resolve().parent.parent / "src" / "kaikukanta"

# Modules that answer requests: pages and the partner API.
PAGE_FILES = sorted(
    p for p in SRC.rglob("*.py")
    if "migrations" not in p.parts
    and (p.name in ("views.py", "staff_views.py", "two_factor.py", "pages.py", "endpoints.py"))
)

# Unscoped reads that are right, with the reason: (file relative to src/kaikukanta, model).
ALLOWED = {
    ("api/endpoints.py", "Use"): "Use.objects.none(): a distributor key lists no uses",
    ("cards/views.py", "Card"): "the newer card that replaced a card in scope (its number only)",
    ("network/views.py", "SellerLink"): "links of an organisation in scope, then kept only when "
                                        "the viewer sees both organisations",
    ("network/views.py", "Organisation"): "every active venue may be asked for a link (venue "
                                          "names are public)",
    ("public/staff_views.py", "Organisation"): "the venue staff's own organisations (scope ids)",
    ("public/staff_views.py", "Offer"): "the offers of a venue already fetched in scope",
}


def test_src_has_no_import_circle():
    graph = grimp.build_graph("kaikukanta")
    modules = {m for m in graph.modules if ".migrations." not in m}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[list[str]] = []

    def visit(module: str) -> None:  # Tarjan's strongly connected components
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for other in graph.find_modules_directly_imported_by(module) & modules:
            if other not in index:
                visit(other)
                low[module] = min(low[module], low[other])
            elif other in on_stack:
                low[module] = min(low[module], index[other])
        if low[module] == index[module]:
            part = []
            while True:
                other = stack.pop()
                on_stack.discard(other)
                part.append(other)
                if other == module:
                    break
            if len(part) > 1:
                circles.append(sorted(part))

    for module in sorted(modules):
        if module not in index:
            visit(module)
    assert not circles


def _scoped_models() -> set[str]:
    return {m.__name__ for m in apps.get_models()
            if hasattr(m._default_manager.get_queryset(), "for_scope")}


def _unscoped_uses(path: Path, scoped: set[str]) -> list[tuple[str, int]]:
    """`Model.objects...` of a scoped model that neither goes through `for_scope` /
    `recording_for` in the same expression nor is handed to `get_visible_or_404`."""
    tree = ast.parse(path.read_text())
    parents: dict[ast.AST, ast.AST] = {}
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            parents[child] = node
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Attribute) and node.attr == "objects"
                and isinstance(node.value, ast.Name) and node.value.id in scoped):
            continue
        scoped_here = False
        current: ast.AST = node
        while current in parents:
            parent = parents[current]
            if isinstance(parent, ast.Attribute) and parent.attr in ("for_scope",
                                                                      "recording_for"):
                scoped_here = True
            if (isinstance(parent, ast.Call) and isinstance(parent.func, ast.Name)
                    and parent.func.id == "get_visible_or_404" and parent.args
                    and parent.args[0] is current):
                scoped_here = True
            if not isinstance(parent, ast.Attribute | ast.Call | ast.Subscript):
                break
            current = parent
        if not scoped_here:
            found.append((node.value.id, node.lineno))
    return found


def test_pages_and_api_reach_scoped_models_only_through_for_scope():
    scoped = _scoped_models()
    assert {"Card", "Use", "Organisation", "Unit", "AuditEntry", "Invitation"} <= scoped
    assert PAGE_FILES
    unexplained = []
    for path in PAGE_FILES:
        rel = path.relative_to(SRC).as_posix()
        for model, line in _unscoped_uses(path, scoped):
            if (rel, model) not in ALLOWED:
                unexplained.append(f"{rel}:{line} {model}.objects without for_scope")
    assert not unexplained


def test_the_allow_list_is_short_and_still_needed():
    scoped = _scoped_models()
    used = {(p.relative_to(SRC).as_posix(), model)
            for p in PAGE_FILES for model, _line in _unscoped_uses(p, scoped)}
    assert len(ALLOWED) <= 8
    assert set(ALLOWED) <= used, f"no longer needed: {set(ALLOWED) - used}"

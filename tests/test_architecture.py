"""Architecture rules: rules/ is pure Python, and no module imports itself through others."""

import grimp
import pytest


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph("motcua", include_external_packages=True)


def test_rules_do_not_import_django(graph: grimp.ImportGraph) -> None:
    for module in graph.find_children("motcua.rules") | {"motcua.rules"}:
        if ".tests" in module:
            continue
        imported = graph.find_modules_directly_imported_by(module)
        assert not any(name == "django" or name.startswith("django.") for name in imported), module
        assert not any(name.startswith("motcua.") and not name.startswith("motcua.rules") for name in imported), module


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one member (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in edges.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in edges:
        if node not in index:
            visit(node)
    return found


def test_no_import_cycles_between_modules(graph: grimp.ImportGraph) -> None:
    modules = {m for m in graph.modules if m.startswith("motcua")}
    edges = {m: {t for t in graph.find_modules_directly_imported_by(m) if t in modules} for m in modules}
    # a package's __init__ re-exporting its children is not a cycle of design
    for module, targets in edges.items():
        edges[module] = {t for t in targets if not module.startswith(t + ".")}
    assert _cycles(edges) == []


def test_no_import_cycles_between_apps(graph: grimp.ImportGraph) -> None:
    apps = {m for m in graph.find_children("motcua")}
    edges: dict[str, set[str]] = {app: set() for app in apps}
    for app in apps:
        for module in graph.find_descendants(app) | {app}:
            if ".tests" in module or ".migrations" in module:
                continue
            for target in graph.find_modules_directly_imported_by(module):
                owner = next((a for a in apps if target == a or target.startswith(a + ".")), None)
                if owner and owner != app:
                    edges[app].add(owner)
    assert _cycles(edges) == []


def test_selectors_never_import_services(graph: grimp.ImportGraph) -> None:
    """Reads stay reads: a selector that could reach a service could write (DESIGN.md, conventions)."""
    selectors = {m for m in graph.modules if m.startswith("motcua") and m.rsplit(".", 1)[-1] == "selectors"}
    assert selectors
    for selector in selectors:
        for service in (m for m in graph.modules if m.startswith("motcua") and m.rsplit(".", 1)[-1] == "services"):
            assert not graph.chain_exists(importer=selector, imported=service), (selector, service)

"""The layout shows the architecture: small modules, lower layers that know nothing of
upper ones, and no import cycle kept alive by imports inside functions."""

import ast
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
APPS = ("mapping", "standards")
LONGEST = 400  # lines: about what one can read in one sitting


def _modules() -> dict[str, Path]:
    """Every project module outside migrations, by dotted name."""
    found = {}
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


MODULES = _modules()


def _imports(path: Path) -> tuple[set[str], list[str]]:
    """The project modules a module imports at its top level, and those it imports inside
    a function or method."""
    tree = ast.parse(path.read_text())
    top, nested = set(), []

    def named(node) -> list[str]:
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            base = node.module or ""
            names = [f"{base}.{alias.name}" for alias in node.names] + [base]
        return [n for n in names if n in MODULES or (n.split(".")[0] in APPS and n in MODULES)]

    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            targets = [n for n in named(node) if n in MODULES]
            if not targets:
                continue
            if _inside_function(tree, node):
                nested.extend(targets)
            else:
                top.update(targets)
    return top, nested


def _inside_function(tree: ast.AST, target: ast.AST) -> bool:
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and target in ast.walk(node):
            return True
    return False


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_module_is_longer_than_one_sitting(name):
    lines = len(MODULES[name].read_text().splitlines())
    assert lines <= LONGEST, f"{name} has {lines} lines: split it by capability"


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_project_module_is_imported_inside_a_function(name):
    assert _imports(MODULES[name])[1] == []


def test_there_is_no_import_cycle():
    graph = {name: _imports(path)[0] - {name} for name, path in MODULES.items()}
    visiting, done, cycles = [], set(), []

    def visit(name: str) -> None:
        if name in done:
            return
        if name in visiting:
            cycles.append([*visiting[visiting.index(name) :], name])
            return
        visiting.append(name)
        for target in sorted(graph[name]):
            visit(target)
        visiting.pop()
        done.add(name)

    for name in sorted(graph):
        visit(name)
    assert cycles == []


def test_standards_knows_nothing_of_mapping():
    for name, path in MODULES.items():
        if not name.startswith("standards"):
            continue
        imports, nested = _imports(path)
        assert not [n for n in [*imports, *nested] if n.startswith("mapping")], name
        source = path.read_text()
        assert "reverse(" not in source and "mapping." not in source, name


def test_standards_migrations_know_nothing_of_mapping():
    """Standards' migrations neither load mapping's migration modules nor wait for them:
    they share only the generic trigger helper, which lives in standards."""
    for path in sorted((ROOT / "standards" / "migrations").glob("*.py")):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                assert not node.value.startswith("mapping."), f"{path.name}: {node.value}"
            if isinstance(node, ast.Tuple) and node.elts:
                first = node.elts[0]
                assert not (isinstance(first, ast.Constant) and first.value == "mapping"), (
                    f"{path.name} depends on a mapping migration"
                )
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = [a.name for a in node.names] + [getattr(node, "module", "") or ""]
                assert not any(name.startswith("mapping") for name in names), path.name


def test_the_project_package_holds_only_the_project_at_its_top():
    """Everything else in mapping/ lives in a package named for its feature."""
    top = {path.stem for path in (ROOT / "mapping").glob("*.py")}
    assert top <= {"__init__", "settings", "urls", "wsgi", "apps", "admin", "tasks"}, top


def test_the_readme_says_how_to_start_right_away():
    """The two commands, where to open and how to log in, under the first paragraph."""
    opening = "\n".join((ROOT / "README.md").read_text().splitlines()[:30])
    for said in ("## Quick start", "make run", "make test", "http://127.0.0.1:8000/",
                 "/accounts/login/"):  # fmt: skip
        assert said in opening, said


@pytest.mark.parametrize(
    "path", sorted((ROOT / "templates").rglob("*.html")), ids=lambda path: path.name
)
def test_every_short_template_comment_ends_on_its_line(path):
    """Django reads {# … #} on one line only: one spread over two is shown on the page."""
    text = path.read_text()
    spread = [text[opened:].splitlines()[0] for opened in _openings(text, "{#")
              if "#}" not in text[opened:].splitlines()[0]]  # fmt: skip
    assert spread == [], "use {% comment %} for these"


def _openings(text: str, mark: str) -> list[int]:
    found, at = [], text.find(mark)
    while at != -1:
        found.append(at)
        at = text.find(mark, at + 1)
    return found

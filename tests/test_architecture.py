"""The layout rules that keep the choke point the only way out."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRODUCT_FILES = [
    p for p in [ROOT / "app.py", *ROOT.glob("views/*.py"), *ROOT.glob("workbench/**/*.py")] if p.is_file()
]


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0] if node.level == 0 else node.module)
            if node.module.startswith("workbench.backends"):
                names.add("workbench.backends")
    return names


def test_client_libraries_only_in_backends():
    offenders = [
        str(p.relative_to(ROOT))
        for p in PRODUCT_FILES
        if imported_modules(p) & {"ollama", "openai", "httpx", "httpx2", "requests"}
        and "workbench/backends" not in p.as_posix()
    ]
    assert offenders == []


def test_backends_are_created_only_by_the_gateway():
    allowed = {"workbench/gateway.py"}
    offenders = [
        str(p.relative_to(ROOT))
        for p in PRODUCT_FILES
        if "workbench.backends" in imported_modules(p)
        and "workbench/backends" not in p.as_posix()
        and p.relative_to(ROOT).as_posix() not in allowed
    ]
    assert offenders == []


def test_streamlit_only_in_ui_pages_and_app():
    offenders = [
        str(p.relative_to(ROOT))
        for p in ROOT.glob("workbench/**/*.py")
        if "streamlit" in imported_modules(p) and "workbench/ui" not in p.as_posix()
    ]
    assert offenders == []
    assert PRODUCT_FILES  # the glob found the product


def test_privacy_check_is_a_package_of_small_modules():
    modules = sorted((ROOT / "workbench" / "privacy").glob("*.py"))
    sizes = {p.name: len(p.read_text(encoding="utf-8").splitlines()) for p in modules}
    assert {"normalize.py", "identifiers.py", "names.py", "pseudonymize.py", "scan.py"} <= set(sizes)
    assert {name: n for name, n in sizes.items() if n > 400} == {}
    assert not (ROOT / "workbench" / "privacy.py").exists()

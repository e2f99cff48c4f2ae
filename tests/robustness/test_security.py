"""Security: no code runs from input (the library has no eval, exec, pickle or unsafe YAML
loading at all), and the command line never overwrites its input and writes reports
atomically, with the permissions a new file would have."""

from __future__ import annotations

import ast
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

import sms_model
from sms_model.io import write_atomically
from tests.robustness.robustness_support import AS_OF, BASE_TEXT

_SOURCE = Path(sms_model.__file__).parent

#: Calls and names through which input could become code or objects.
_FORBIDDEN_CALLS = {"eval", "exec", "compile", "__import__"}
_FORBIDDEN_MODULES = {"pickle", "cPickle", "dill", "marshal", "shelve", "jsonpickle"}
_FORBIDDEN_YAML = {"load", "load_all", "unsafe_load", "full_load", "Loader", "UnsafeLoader"}
_FORBIDDEN_YAML |= {"FullLoader", "UnsafeConstructor", "FullConstructor", "Constructor"}


def _unsafe_uses(tree: ast.AST) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            if node.func.id in _FORBIDDEN_CALLS:
                found.append(f"{node.func.id}()")
        elif isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.split(".")[0] in _FORBIDDEN_MODULES]
        elif isinstance(node, ast.ImportFrom) and node.module:
            if node.module.split(".")[0] in _FORBIDDEN_MODULES:
                found.append(node.module)
            if node.module.startswith("yaml"):
                found += [f"yaml.{a.name}" for a in node.names if a.name in _FORBIDDEN_YAML]
        elif (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id == "yaml"
            and node.attr in _FORBIDDEN_YAML
        ):
            found.append(f"yaml.{node.attr}")
    return found


def test_the_scan_finds_each_kind_of_unsafe_use() -> None:
    # Guards the next test: the scan does see what it looks for.
    text = (
        "import pickle\nfrom yaml import FullLoader\nimport yaml\n"
        "eval('1')\nyaml.load(s, Loader=yaml.Loader)\nyaml.unsafe_load(s)\n"
    )
    expected = ["pickle", "yaml.FullLoader", "eval()", "yaml.load", "yaml.Loader"]
    assert sorted([*expected, "yaml.unsafe_load"]) == sorted(_unsafe_uses(ast.parse(text)))


#: Reviewed uses, with why input cannot reach them.
_REVIEWED = {
    # The fast structuring path compiles converters generated from the model's own classes
    # (field names and types), never from the text of a file.
    "io/_fast.py": {"exec()"},
    # The entities' field checks are compiled from the classes' own annotations; values are
    # passed to them as arguments, never placed in the generated text.
    "model/_checks.py": {"exec()"},
}


def test_no_module_of_the_library_can_turn_input_into_code_or_objects() -> None:
    found = {
        path.relative_to(_SOURCE).as_posix(): set(uses)
        - _REVIEWED.get(path.relative_to(_SOURCE).as_posix(), set())
        for path in sorted(_SOURCE.rglob("*.py"))
        if (uses := _unsafe_uses(ast.parse(path.read_text(encoding="utf-8"))))
    }
    assert {} == {name: uses for name, uses in found.items() if uses}


# --- writing reports -------------------------------------------------------------------------


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "sms_model", *args]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)


@pytest.mark.skipif(os.name != "posix", reason="symbolic links need POSIX permissions")
def test_an_output_that_is_a_link_to_the_input_is_refused(tmp_path: Path) -> None:
    (tmp_path / "sms.yaml").write_text(BASE_TEXT, encoding="utf-8")
    (tmp_path / "report.json").symlink_to("sms.yaml")
    done = _cli("assess", "sms.yaml", "-o", "report.json", "--as-of", str(AS_OF), cwd=tmp_path)
    assert 2 == done.returncode
    assert "would overwrite the input file" in done.stderr
    assert BASE_TEXT == (tmp_path / "sms.yaml").read_text(encoding="utf-8")


@pytest.mark.skipif(not hasattr(os, "link"), reason="needs hard links")
def test_an_output_hard_linked_to_the_input_leaves_the_input_intact(tmp_path: Path) -> None:
    (tmp_path / "sms.yaml").write_text(BASE_TEXT, encoding="utf-8")
    os.link(tmp_path / "sms.yaml", tmp_path / "report.json")
    args = ("assess", "sms.yaml", "-o", "report.json", "--format", "json", "--as-of", str(AS_OF))
    done = _cli(*args, "--fail-on", "never", cwd=tmp_path)
    assert 0 == done.returncode, done.stderr
    assert BASE_TEXT == (tmp_path / "sms.yaml").read_text(encoding="utf-8")
    assert (tmp_path / "report.json").read_text(encoding="utf-8").startswith("{")


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_an_atomic_write_gives_a_new_file_the_usual_mode_and_keeps_an_old_files_mode(
    tmp_path: Path,
) -> None:
    mask = os.umask(0o027)
    try:
        new = tmp_path / "new.txt"
        write_atomically(new, "one\n")
        old = tmp_path / "old.txt"
        old.write_text("old\n")
        old.chmod(0o604)
        write_atomically(old, "two\n")
    finally:
        os.umask(mask)
    modes = (stat.S_IMODE(new.stat().st_mode), stat.S_IMODE(old.stat().st_mode))
    assert (0o640, 0o604) == modes
    assert ["new.txt", "old.txt"] == sorted(p.name for p in tmp_path.iterdir())


def test_an_output_that_cannot_be_written_exits_2_with_a_reason(tmp_path: Path) -> None:
    (tmp_path / "sms.yaml").write_text(BASE_TEXT, encoding="utf-8")
    (tmp_path / "reports").mkdir()
    done = _cli("assess", "sms.yaml", "-o", "reports", "--as-of", str(AS_OF), cwd=tmp_path)
    assert (2, 1) == (done.returncode, len(done.stderr.strip().splitlines()))

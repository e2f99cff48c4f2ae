"""The editions on the command line: ``assess --edition``, ``init --edition`` and
``transition``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import sms_model
from sms_model.cli import main
from sms_model.model import Edition

ROOT = Path(__file__).resolve().parents[1]
ACME = str(ROOT / "examples" / "acme-managed-services.yaml")
MINIMAL = str(ROOT / "examples" / "minimal.yaml")
AS_OF = ["--as-of", "2026-11-27"]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_assess_takes_the_edition_else_the_files_own(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, out, _ = run(capsys, "assess", MINIMAL, *AS_OF, "--format", "json")
    assert json.loads(out)["edition"] == "2011"
    _code, out, _ = run(capsys, "assess", MINIMAL, *AS_OF, "--format", "json", "--edition", "2018")
    assert json.loads(out)["edition"] == "2018"
    declared = tmp_path / "declared.yaml"
    declared.write_text('edition: "2018"\n' + Path(MINIMAL).read_text(encoding="utf-8"), "utf-8")
    _, out, _ = run(capsys, "assess", str(declared), *AS_OF, "--format", "json")
    assert json.loads(out)["edition"] == "2018"
    _, out, _ = run(
        capsys, "assess", str(declared), *AS_OF, "--format", "json", "--edition", "2011"
    )
    assert json.loads(out)["edition"] == "2011"
    with pytest.raises(SystemExit) as stopped:
        main(["assess", MINIMAL, "--edition", "2005"])
    assert stopped.value.code == 2
    assert "invalid choice: '2005'" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "edition"),
    [
        ((), Edition.ISO_20000_1_2018),
        (("--edition", "2018"), Edition.ISO_20000_1_2018),
        (("--edition", "2011"), None),
    ],
)
def test_init_writes_a_2018_starter_unless_told_otherwise(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    argv: tuple[str, ...],
    edition: Edition | None,
) -> None:
    target = tmp_path / "starter.yaml"
    assert run(capsys, "init", str(target), *argv)[0] == 0
    sms = sms_model.load(target)
    assert sms.edition is edition
    assert run(capsys, "validate", str(target))[0] == 0
    if edition is not None:
        assert sms.context_issues
        assert sms.party_requirements
        assert sms.assets
        assert sms.knowledge


def test_transition_prints_the_move_in_each_format(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "transition", ACME, *AS_OF, "--fail-on", "never")
    assert code == 0
    assert out.startswith("Acme Managed Services SMS: from ISO/IEC 20000-1:2011 to ISO/IEC")
    _, out, _ = run(capsys, "transition", ACME, *AS_OF, "--format", "json", "--fail-on", "never")
    document = json.loads(out)
    assert (document["from"], document["to"]) == ("2011", "2018")
    target = tmp_path / "move.md"
    code, _, _ = run(capsys, "transition", ACME, *AS_OF, "--format", "markdown", "-o", str(target))
    assert target.read_text(encoding="utf-8").startswith("# Acme Managed Services SMS: from")
    # Exit 1 when the 2018 assessment has a failure at --fail-on, as assess does.
    move = sms_model.transition(
        sms_model.load(ACME), as_of=__import__("datetime").date(2026, 11, 27)
    )
    from sms_model.rules import Severity

    assert code == (1 if move.new.failed_at(Severity.MAJOR) else 0)


def test_transition_refuses_bad_usage(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "transition", ACME, "--waivers", "")
    assert code == 2
    assert "--waivers needs the path of a file" in err
    code, _, err = run(capsys, "transition", ACME, "--as-of", "yesterday")
    assert code == 2
    assert "is not a date" in err


def test_rules_lists_the_rules_of_an_edition_with_its_clauses(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, out, _ = run(capsys, "rules", "--edition", "2018", "--clause", "5.3")
    listed = {line.split()[0]: line.split()[1] for line in out.splitlines()}
    assert listed["SMS-4.1.4-representative"] == "5.3"
    assert set(listed.values()) == {"5.3"}
    _, out, _ = run(capsys, "rules", "--clause", "4.1.4")
    assert out.split()[:2] == ["SMS-4.1.4-representative", "4.1.4"]
    _, out, _ = run(capsys, "rules", "--edition", "2018", "--matrix")
    rows = dict(line.split(None, 1) for line in out.splitlines())
    assert "SMS-4.1.4-representative" in rows["5.3"]
    assert "4.1.4" not in rows


def test_validate_names_the_edition_the_file_declares(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "validate", str(ROOT / "examples" / "kestrel-cloud-2018.yaml"))
    assert "Edition:         ISO/IEC 20000-1:2018 (declared)" in out
    _, out, _ = run(capsys, "validate", MINIMAL)
    assert "Edition:         ISO/IEC 20000-1:2011 (none declared)" in out

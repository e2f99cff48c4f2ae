"""The sms-model command: commands, formats, exit codes and safe output."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import given

import sms_model
from sms_model.cli import main
from sms_model.model import COLLECTIONS
from sms_model.report._links import DOCS_URL
from sms_model.testing import sms_models

ROOT = Path(__file__).resolve().parents[1]
ACME = str(ROOT / "examples" / "acme-managed-services.yaml")
MINIMAL = str(ROOT / "examples" / "minimal.yaml")
BASE = str(ROOT / "tests" / "rules" / "base.yaml")
AS_OF = ["--as-of", "2026-11-27"]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_validate_summarises_the_example(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "validate", ACME)
    assert code == 0
    assert "a valid service management system" in out
    assert "Top management:" in out
    assert "operated by" in out


def test_assess_exits_1_when_a_major_failure_remains(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "assess", MINIMAL, *AS_OF)
    assert code == 1
    assert "MAJOR" in out


def test_fail_on_never_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "assess", MINIMAL, *AS_OF, "--fail-on", "never")[0] == 0


def test_a_conforming_sms_exits_0_even_on_observations(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, "assess", BASE, *AS_OF, "--fail-on", "observation")
    assert code == 0, out


def test_the_text_report_is_plain_when_piped(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "assess", ACME, *AS_OF)
    assert "\x1b[" not in out


@pytest.mark.parametrize(
    "argv",
    [
        ["assess", "missing.yaml"],
        ["assess", MINIMAL, "--as-of", "27/11/2026"],
        ["assess", MINIMAL, "--select", "4.10"],
        ["graph", "missing.yaml"],
    ],
)
def test_usage_errors_exit_2_with_a_one_line_reason(
    capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    code, _, err = run(capsys, *argv)
    assert code == 2
    assert err.startswith("sms-model: error: ")
    assert len(err.strip().splitlines()) == 1


def test_argparse_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["assess"])
    assert exit_info.value.code == 2
    assert "error:" in capsys.readouterr().err


def test_invalid_input_exits_2_naming_file_line_and_path(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: X\nprovider: acme\nparties:\n  - {id: acme, name: A, kind: vendor}\n")
    code, _, err = run(capsys, "assess", str(bad))
    assert code == 2
    first = err.splitlines()[0]
    assert f"{bad}:4:" in first
    assert "$.parties[0].kind" in first
    assert "'vendor'" in first


def test_output_is_written_atomically_and_never_over_the_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "sms.yaml"
    source.write_text(Path(MINIMAL).read_text())
    code, _, err = run(capsys, "assess", str(source), "--output", str(source), *AS_OF)
    assert code == 2
    assert "overwrite the input" in err
    assert Path(MINIMAL).read_text() == source.read_text()
    target = tmp_path / "report.json"
    assert run(capsys, "assess", str(source), "-o", str(target), "--format", "json", *AS_OF)[0] == 1
    assert json.loads(target.read_text())["as_of"] == "2026-11-27"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.json", "sms.yaml"]


def test_json_output_is_byte_identical_across_runs(capsys: pytest.CaptureFixture[str]) -> None:
    first = run(capsys, "assess", ACME, *AS_OF, "--format", "json")[1]
    second = run(capsys, "assess", ACME, *AS_OF, "--format", "json")[1]
    assert first == second


def test_markdown_report(capsys: pytest.CaptureFixture[str]) -> None:
    out = run(capsys, "assess", ACME, *AS_OF, "--format", "markdown")[1]
    assert out.startswith("# Acme Managed Services")
    assert "| Clause | Title | Verdict |" in out
    assert "### Clause 4.1.1" in out


def test_html_report_is_self_contained(capsys: pytest.CaptureFixture[str]) -> None:
    out = run(capsys, "assess", ACME, *AS_OF, "--format", "html")[1]
    assert out.startswith("<!DOCTYPE html>")
    assert "<svg" in out
    assert 'id="findings"' in out
    # Only the SVG namespace may appear: it is an identifier, not a download.
    assert out.count("http://") == out.count("http://www.w3.org/2000/svg")
    # The only https addresses are links a reader may follow to the rules reference; nothing
    # is loaded from elsewhere.
    assert out.count("https://") == out.count(f"href='{DOCS_URL}")
    assert "src=" not in out
    assert "<link" not in out


def test_junit_report_has_failures_for_fail_findings(capsys: pytest.CaptureFixture[str]) -> None:
    out = run(capsys, "assess", ACME, *AS_OF, "--format", "junit")[1]
    root = ET.fromstring(out.encode())
    failures = root.findall(".//testcase/failure")
    assert int(root.get("failures", "0")) == len(failures) > 0
    assert int(root.get("tests", "0")) == len(root.findall(".//testcase"))


def test_sarif_report_points_at_lines_of_the_input(capsys: pytest.CaptureFixture[str]) -> None:
    out = run(capsys, "assess", ACME, *AS_OF, "--format", "sarif")[1]
    sarif = json.loads(out)
    assert sarif["version"] == "2.1.0"
    results = sarif["runs"][0]["results"]
    assert results
    located = [r for r in results if "region" in r["locations"][0]["physicalLocation"]]
    assert located
    lines = Path(ACME).read_text().splitlines()
    for result in located:
        region = result["locations"][0]["physicalLocation"]["region"]
        subject_ids = result["properties"]["subjects"]
        assert any(s in lines[region["startLine"] - 1] for s in subject_ids), result


def test_graph_formats(capsys: pytest.CaptureFixture[str]) -> None:
    graphml = run(capsys, "graph", ACME, "--format", "graphml")[1]
    assert "<graphml" in graphml
    data = json.loads(run(capsys, "graph", ACME, "--format", "json")[1])
    assert data["nodes"]
    raci = run(capsys, "graph", ACME, "--format", "raci")[1]
    header = raci.splitlines()[0]
    assert "letter" in header


def test_the_raci_export_shows_a_process_nobody_owns_with_an_empty_a(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import csv
    import io

    source = Path(MINIMAL).read_text(encoding="utf-8")
    orphan = tmp_path / "orphan.yaml"
    orphan.write_text(source + "processes:\n  - {id: inc, kind: incident_and_request}\n")
    code, out, _ = run(capsys, "graph", str(orphan), "--format", "raci")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert 0 == code
    assert [
        {"subject": "inc", "subject_kind": "process", "who": "", "who_kind": "", "letter": "A"}
    ] == [row for row in rows if row["subject"] == "inc"]


def test_rules_lists_and_matrix(capsys: pytest.CaptureFixture[str]) -> None:
    out = run(capsys, "rules", "--clause", "4.1.4")[1]
    assert "SMS-4.1.4-representative" in out
    matrix = run(capsys, "rules", "--matrix")[1]
    assert any(line.startswith("TM-h ") for line in matrix.splitlines())


def test_schema_is_json(capsys: pytest.CaptureFixture[str]) -> None:
    schema = json.loads(run(capsys, "schema")[1])
    assert "ServiceManagementSystem" not in schema["$defs"]
    assert "Party" in schema["$defs"]


def test_init_writes_a_starter_that_validates_and_never_overwrites(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "new.yaml"
    assert run(capsys, "init", str(target))[0] == 0
    assert run(capsys, "validate", str(target))[0] == 0
    code, _, err = run(capsys, "init", str(target))
    assert code == 2
    assert "exists already" in err


def test_waivers_and_config_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text(
        "- id: w-risk\n  target: SMS-4.1.1-TM-h\n  subject: chg-2026-014\n"
        "  justification: retrospective assessment booked\n  approver: ceo\n"
        "  expires: 2027-01-31\n"
    )
    config = tmp_path / "config.yaml"
    config.write_text("cadences:\n  management-review: P6M\n")
    out = run(
        capsys,
        "assess",
        ACME,
        *AS_OF,
        "--waivers",
        str(waivers),
        "--config",
        str(config),
        "--format",
        "json",
    )[1]
    findings = json.loads(out)["findings"]
    waived = [f for f in findings if f["status"] == "waived"]
    assert [f["waiver"] for f in waived] == ["w-risk"]


def test_a_bad_waiver_file_exits_2_with_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text("- id: w1\n  target: 4.2\n  approver: ceo\n  expires: soon\n")
    code, _, err = run(capsys, "assess", ACME, "--waivers", str(waivers))
    assert code == 2
    assert f"{waivers}:" in err
    assert "$[0].expires" in err


@pytest.mark.parametrize(
    "argv",
    [
        ["--waivers", ""],
        ["--config", ""],
        ["--select", "4", "--ignore", "4"],
        ["--select", "SMS-no-such-rule"],
    ],
)
def test_an_empty_waiver_or_config_path_and_an_empty_selection_are_usage_errors(
    capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    # Each of these used to give a clean pass: nothing assessed, or nothing read, said nothing.
    code, out, err = run(capsys, "assess", MINIMAL, *AS_OF, *argv)
    assert (2, "") == (code, out)
    assert err.startswith("sms-model: error: ")


def test_python_dash_m_runs_the_cli() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "sms_model", "validate", MINIMAL],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Minimal SMS" in done.stdout


@pytest.mark.parametrize(
    "argv",
    [
        ["--rule-timeout", "inf"],
        ["--rule-timeout", "1e10"],
        ["--as-of", "20261127"],
        ["--as-of", "2026W485"],
    ],
)
def test_lax_dates_and_unusable_timeouts_are_usage_errors(
    capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    code, _, err = run(capsys, "assess", MINIMAL, *argv)
    assert 2 == code
    assert err.startswith("sms-model: error: ")


@pytest.mark.parametrize(
    ("field", "text"),
    [("subject", "  subject: [a, 1]\n"), ("expires", "  expires: '20270131'\n")],
)
def test_waiver_fields_are_checked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], field: str, text: str
) -> None:
    waivers = tmp_path / "waivers.yaml"
    body = "- id: w1\n  target: '4.2'\n  justification: j\n  approver: ceo\n"
    if field != "expires":
        body += "  expires: 2027-01-31\n"
    waivers.write_text(body + text)
    code, _, err = run(capsys, "assess", ACME, "--waivers", str(waivers))
    assert 2 == code
    assert f"$[0].{field}" in err


def test_colour_on_a_terminal_unless_no_color(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    coloured = run(capsys, "assess", MINIMAL, *AS_OF)[1]
    monkeypatch.setenv("NO_COLOR", "1")
    plain = run(capsys, "assess", MINIMAL, *AS_OF)[1]
    assert ("\x1b[" in coloured, "\x1b[" in plain) == (True, False)


def test_the_summary_of_a_large_system_lists_the_first_entities_and_counts_the_rest() -> None:
    from sms_model.cli import summarise
    from sms_model.model import Party, PartyKind, Service, ServiceManagementSystem

    sms = ServiceManagementSystem(
        name="Big",
        provider="p",
        parties=[Party(id="p", name="P", kind=PartyKind.PROVIDER)],
        services=[Service(id=f"s{i:02}", name=f"Service {i}") for i in range(30)],
    )
    lines = summarise(sms).splitlines()
    assert "  ... and 5 more" in lines
    assert sum(line.startswith("  - Service ") for line in lines) == 25


def _summary_counts(summary: str) -> dict[str, int]:
    """The counts of the summary's ``Entities:`` and ``Records:`` lines (and the lines that
    continue them), by label."""
    counted: dict[str, int] = {}
    lines = summary.splitlines()
    for i, line in enumerate(lines):
        if not line.startswith(("Entities:", "Records:")):
            continue
        text = line.split(":", 1)[1]
        for more in lines[i + 1 :]:
            if not more.startswith(" " * 17) or more.startswith(" " * 17 + "units:"):
                break
            text += " " + more.strip()
        for item in text.split(","):
            number, label = item.strip().split(" ", 1)
            assert label not in counted, label
            counted[label] = int(number)
    return counted


def _expected_counts(sms: sms_model.ServiceManagementSystem) -> dict[str, int]:
    return {name.replace("_", " "): len(getattr(sms, name)) for name in COLLECTIONS}


def test_the_summary_counts_every_collection_of_the_model() -> None:
    from sms_model.cli import summarise

    acme = sms_model.load(ACME)
    summary = summarise(acme)
    assert _expected_counts(acme) == _summary_counts(summary)
    lines = summary.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Entities:"))
    end = next(i for i, line in enumerate(lines) if line.startswith("Evidence dates:"))
    assert [] == [line for line in lines[start:end] if len(line) > 100]
    # The records, what was documented, decided or done, start a line of their own.
    assert any(
        line.startswith(f"Records:         {len(acme.documents)} documents,") for line in lines
    )


@given(sms_models(max_size=4))
def test_the_summary_counts_every_collection_of_any_system(
    sms: sms_model.ServiceManagementSystem,
) -> None:
    from sms_model.cli import summarise

    assert _expected_counts(sms) == _summary_counts(summarise(sms))

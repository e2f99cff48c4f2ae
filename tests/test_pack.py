"""The evidence pack: what the archive holds, its digests, determinism, safe names, escaped
pages, evidence checks, verification and the ``sms-model pack`` command."""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import stat
import sys
import xml.etree.ElementTree as ET
import zipfile
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import attrs
import pytest

import sms_model
from sms_model._cli_pack import add_pack_command, pack_command
from sms_model.errors import ArgumentError, FileFormatError
from sms_model.model import Evidence, Party, PartyKind, ServiceManagementSystem
from sms_model.pack import (
    DIGEST_RULE,
    EvidenceStatus,
    PackResult,
    safe_name,
    verify_pack,
    write_pack,
)
from sms_model.rules import Finding, Severity, Status

ROOT = Path(__file__).resolve().parents[1]
ACME = ROOT / "examples" / "acme-managed-services.yaml"
AS_OF = date(2026, 11, 27)
HOSTILE = "<script>alert('x')</script>"
CONTENT = b"minutes of the management review\n"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _manifest(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(_members(path)["manifest.json"])
    return data


@pytest.fixture(scope="module")
def acme_pack(tmp_path_factory: pytest.TempPathFactory) -> PackResult:
    folder = tmp_path_factory.mktemp("acme")
    return write_pack(sms_model.load(ACME), folder / "pack.zip", source=ACME, as_of=AS_OF)


# --- the archive ---------------------------------------------------------------------------


def test_every_file_of_the_manifest_has_the_digest_and_size_listed(
    acme_pack: PackResult,
) -> None:
    members = _members(acme_pack.path)
    manifest = json.loads(members["manifest.json"])
    listed = {entry["name"]: entry for entry in manifest["files"]}
    assert set(members) == set(listed) | {"manifest.json", "SHA256SUMS"}
    for name, entry in listed.items():
        assert entry["sha256"] == _sha256(members[name]), name
        assert entry["size"] == len(members[name]), name
    assert [e["name"] for e in manifest["files"]] == sorted(listed)
    assert [f.name for f in acme_pack.files] == sorted(listed)


def test_sha256sums_covers_every_other_file_as_sha256sum_reads_it(acme_pack: PackResult) -> None:
    members = _members(acme_pack.path)
    lines = members["SHA256SUMS"].decode().splitlines()
    sums = {name: digest for digest, name in (line.split("  ", 1) for line in lines)}
    assert set(sums) == set(members) - {"SHA256SUMS"}
    assert all(sums[name] == _sha256(members[name]) for name in sums)


def test_the_archive_holds_pages_reports_input_and_manifest(acme_pack: PackResult) -> None:
    members = _members(acme_pack.path)
    assert members["input/acme-managed-services.yaml"] == ACME.read_bytes()
    assert "index.html" in members
    clauses = {f"clauses/{v.clause}.html" for v in acme_pack.assessment.verdicts}
    assert clauses <= set(members)
    assert acme_pack.formats == {
        "text": "reports/assessment.txt",
        "markdown": "reports/assessment.md",
        "json": "reports/assessment.json",
        "html": "reports/assessment.html",
        "junit": "reports/assessment.xml",
        "sarif": "reports/assessment.sarif",
        "oscal": "reports/assessment.oscal.json",
    }
    manifest = json.loads(members["manifest.json"])
    assert manifest["input"] == "input/acme-managed-services.yaml"
    assert manifest["as_of"] == "2026-11-27"
    assert manifest["input_digest"] == acme_pack.assessment.input_digest
    assert manifest["reports"] == dict(acme_pack.formats)
    assert manifest["skipped"] == []


def test_entries_are_dated_the_as_of_date_with_fixed_modes_and_compression(
    acme_pack: PackResult,
) -> None:
    with zipfile.ZipFile(acme_pack.path) as archive:
        infos = archive.infolist()
    assert [i.filename for i in infos] == sorted(i.filename for i in infos)
    for info in infos:
        assert info.date_time == (2026, 11, 27, 0, 0, 0)
        assert info.external_attr >> 16 == stat.S_IFREG | 0o644
        assert info.compress_type == zipfile.ZIP_DEFLATED
        assert not info.extra
        assert not info.comment


def test_the_reports_read_back(acme_pack: PackResult) -> None:
    members = _members(acme_pack.path)
    result = acme_pack.assessment
    assert json.loads(members["reports/assessment.json"]) == json.loads(result.to_json())
    ET.fromstring(members["reports/assessment.xml"])
    sarif = json.loads(members["reports/assessment.sarif"])
    [artifact] = sarif["runs"][0]["artifacts"]
    assert artifact["location"]["uri"] == "input/acme-managed-services.yaml"
    oscal = json.loads(members["reports/assessment.oscal.json"])
    assert "assessment-results" in oscal
    assert members["reports/assessment.md"].decode().startswith("# ")
    assert b"<!DOCTYPE html>" in members["reports/assessment.html"]


def test_the_same_input_gives_the_same_bytes_from_any_folder(
    acme_pack: PackResult, tmp_path: Path
) -> None:
    copy = tmp_path / "elsewhere" / ACME.name
    copy.parent.mkdir()
    shutil.copyfile(ACME, copy)
    again = write_pack(sms_model.load(copy), tmp_path / "again.zip", source=copy, as_of=AS_OF)
    assert again.path.read_bytes() == acme_pack.path.read_bytes()
    assert again.sha256 == acme_pack.sha256 == _sha256(acme_pack.path.read_bytes())


def test_a_system_built_in_code_is_packed_as_json(tmp_path: Path) -> None:
    sms = _system()
    result = write_pack(sms, tmp_path / "pack.zip", as_of=AS_OF, formats=["json", "sarif"])
    members = _members(result.path)
    assert sms_model.loads(members["input/system.json"].decode(), "json") == sms
    assert set(result.formats) == {"json", "sarif"}
    again = write_pack(sms, tmp_path / "again.zip", as_of=AS_OF, formats=["json", "sarif"])
    assert again.path.read_bytes() == result.path.read_bytes()


def test_an_optional_package_missing_leaves_its_format_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "trestle", None)
    monkeypatch.setitem(sys.modules, "trestle.oscal", None)
    result = write_pack(_system(), tmp_path / "pack.zip", as_of=AS_OF, formats=["json", "oscal"])
    assert list(result.formats) == ["json"]
    assert "trestle" in result.skipped["oscal"]
    manifest = _manifest(result.path)
    assert manifest["skipped"] == [{"format": "oscal", "reason": result.skipped["oscal"]}]
    assert not any(name.startswith("reports/assessment.oscal") for name in _members(result.path))
    assert "oscal: skipped" in _members(result.path)["index.html"].decode()


# --- pages ---------------------------------------------------------------------------------


class _Page(HTMLParser):
    """Collects what could reach a browser as more than text: elements, links, sources."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.links: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs_: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        for name, value in attrs_:
            assert not name.startswith("on"), (tag, name)
            if name in ("href", "src"):
                self.links.append(value or "")

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parsed(data: bytes) -> _Page:
    page = _Page()
    page.feed(data.decode("utf-8"))
    page.close()
    return page


def test_pages_are_static_with_relative_links_that_resolve(acme_pack: PackResult) -> None:
    members = _members(acme_pack.path)
    pages = [name for name in members if name.endswith(".html") and "/assessment" not in name]
    assert len(pages) == 1 + len(acme_pack.assessment.verdicts)
    for name in pages:
        page = _parsed(members[name])
        assert {"script", "img", "iframe", "link", "object", "embed"}.isdisjoint(page.tags)
        for link in page.links:
            assert "://" not in link, (name, link)
            assert not link.startswith("/"), (name, link)
            folder = name.rpartition("/")[0]
            target = os.path.normpath(os.path.join(folder, link)).replace(os.sep, "/")
            assert target in members, (name, link)


def test_clause_pages_show_verdict_findings_and_cited_records(acme_pack: PackResult) -> None:
    members = _members(acme_pack.path)
    verdict = acme_pack.assessment.verdict("4.5.4.2")
    text = "".join(_parsed(members["clauses/4.5.4.2.html"]).text)
    assert verdict.title in text
    assert f"Verdict: {verdict.verdict.value}" in text
    for finding in acme_pack.assessment.findings:
        if finding.clause == "4.5.4.2":
            assert finding.rule in text
            assert finding.message in text
            assert all(record in text for record in finding.evidence)
    assert "ev-engagement-vale-2026" in text  # evidence naming the clause
    index = "".join(_parsed(members["index.html"]).text)
    assert acme_pack.assessment.input_digest in index
    assert "Acme Managed Services SMS" in index


def test_a_hostile_system_name_reaches_no_page_as_markup(tmp_path: Path) -> None:
    record = Evidence(
        id=HOSTILE,
        kind=HOSTILE,
        effective=date(2026, 1, 1),
        clauses=("4.1.1",),
        title=HOSTILE,
        location=f"x{HOSTILE}.pdf",
        digest=HOSTILE,
    )
    sms = attrs.evolve(_system(record), name=HOSTILE)
    result = write_pack(sms, tmp_path / "pack.zip", as_of=AS_OF, formats=["json"])
    members = _members(result.path)
    for name in ("index.html", "clauses/4.1.1.html", "clauses/4.html"):
        page = _parsed(members[name])
        assert "script" not in page.tags
        assert HOSTILE in "".join(page.text), name
        assert HOSTILE.encode() not in members[name]


# --- evidence ------------------------------------------------------------------------------


def _system(*evidence: Evidence) -> ServiceManagementSystem:
    return ServiceManagementSystem(
        name="Small SMS",
        provider="acme",
        parties=(Party(id="acme", name="Acme", kind=PartyKind.PROVIDER),),
        evidence=evidence,
    )


def _evidence(id: str, location: str | None, digest: str | None = None, **kw: Any) -> Evidence:
    clauses = kw.pop("clauses", ("4.5.4.2",))
    day = date(2026, 10, 1)
    return Evidence(
        id=id,
        kind="minutes",
        effective=day,
        clauses=clauses,
        location=location,
        digest=digest,
        **kw,
    )


@pytest.fixture
def evidence_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "sms"
    (folder / "files").mkdir(parents=True)
    (folder / "files" / "review.pdf").write_bytes(CONTENT)
    (folder / "files" / "tampered.pdf").write_bytes(CONTENT + b"changed")
    return folder


def _written(folder: Path, sms: ServiceManagementSystem, **kw: Any) -> PackResult:
    source = folder / "sms.json"
    source.write_text(sms_model.dumps(sms, "json"), encoding="utf-8")
    return write_pack(
        sms,
        folder.parent / "pack.zip",
        source=source,
        as_of=AS_OF,
        formats=kw.pop("formats", ["json"]),
        **kw,
    )


def _statuses(result: PackResult) -> dict[str, str]:
    return {check.id: check.status.value for check in result.evidence}


def test_each_kind_of_location_gets_its_status(evidence_folder: Path) -> None:
    good = f"sha256:{_sha256(CONTENT)}"
    sms = _system(
        _evidence("ev-match", "files/review.pdf", good),
        _evidence("ev-mismatch", "files/tampered.pdf", good, clauses=("4.1.1",)),
        _evidence("ev-missing", "files/gone.pdf", good),
        _evidence("ev-web", "https://example.org/review.pdf", good),
        _evidence("ev-none", None),
        _evidence("ev-undeclared", "files/review.pdf"),
        _evidence("ev-crc", "files/review.pdf", "crc32:1234"),
        _evidence("ev-url", (evidence_folder / "files" / "review.pdf").as_uri(), good),
        _evidence("ev-url-relative", "file:files/review.pdf", good),
        _evidence("ev-upper", "files/review.pdf", "SHA-256:" + _sha256(CONTENT).upper()),
        _evidence("ev-sha512", "files/review.pdf", "sha512:" + hashlib.sha512(CONTENT).hexdigest()),
    )
    result = _written(evidence_folder, sms)
    assert _statuses(result) == {
        "ev-crc": "unsupported algorithm",
        "ev-match": "match",
        "ev-mismatch": "mismatch",
        "ev-missing": "not reachable",
        "ev-none": "no location",
        "ev-sha512": "match",
        "ev-undeclared": "no digest declared",
        "ev-upper": "match",
        "ev-url": "match",
        "ev-url-relative": "match",
        "ev-web": "not local",
    }
    members = _members(result.path)
    copies = {c.id: c.copy for c in result.evidence if c.copy}
    assert copies["ev-match"] == "evidence/ev-match.pdf"
    assert members["evidence/ev-match.pdf"] == CONTENT
    assert members["evidence/ev-mismatch.pdf"] == CONTENT + b"changed"
    assert {"ev-missing", "ev-web", "ev-none"}.isdisjoint(copies)
    manifest = {e["id"]: e for e in _manifest(result.path)["evidence"]}
    assert manifest["ev-match"]["sha256"] == _sha256(CONTENT)
    assert manifest["ev-match"]["declared"] == good
    assert manifest["ev-missing"]["local"]
    assert not manifest["ev-missing"]["reachable"]
    assert not manifest["ev-web"]["local"]
    assert manifest["ev-web"]["sha256"] is None
    assert "https: URLs are not fetched" == manifest["ev-web"]["reason"]


def test_a_digest_mismatch_is_a_finding_everywhere_it_belongs(evidence_folder: Path) -> None:
    good = f"sha256:{_sha256(CONTENT)}"
    sms = _system(
        _evidence("ev-ok", "files/review.pdf", good),
        _evidence("ev-bad", "files/tampered.pdf", good, clauses=("4.1.1",)),
    )
    result = _written(evidence_folder, sms)
    [finding] = result.findings
    assert isinstance(finding, Finding)
    assert (finding.rule, finding.clause, finding.status, finding.severity) == (
        DIGEST_RULE,
        "4.3.3",
        Status.FAIL,
        Severity.MAJOR,
    )
    assert finding.subjects == finding.evidence == ("ev-bad",)
    assert good in finding.message
    assert [c.id for c in result.mismatched] == ["ev-bad"]
    members = _members(result.path)
    for page in ("index.html", "clauses/4.1.1.html", "clauses/4.3.3.html", "clauses/4.html"):
        assert DIGEST_RULE in members[page].decode(), page
    assert DIGEST_RULE not in members["clauses/4.5.4.2.html"].decode()
    assert [f["rule"] for f in _manifest(result.path)["findings"]] == [DIGEST_RULE]
    assert verify_pack(result.path).mismatched == ("ev-bad",)


def test_evidence_copies_are_the_same_bytes_from_any_folder(
    evidence_folder: Path, tmp_path: Path
) -> None:
    good = f"sha256:{_sha256(CONTENT)}"
    sms = _system(
        _evidence("ev-ok", "files/review.pdf", good),
        _evidence("ev-bad", "files/tampered.pdf", good),
    )
    first = _written(evidence_folder, sms)
    elsewhere = tmp_path / "elsewhere" / "sms"
    shutil.copytree(evidence_folder, elsewhere)
    second = _written(elsewhere, sms)
    assert [c.copy for c in first.evidence] == ["evidence/ev-bad.pdf", "evidence/ev-ok.pdf"]
    assert first.path.read_bytes() == second.path.read_bytes()


def test_wrong_arguments_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ArgumentError, match="unknown report format 'nope'"):
        write_pack(_system(), tmp_path / "p.zip", as_of=AS_OF, formats=["nope"])
    with pytest.raises(ArgumentError, match="max_file_size must be a number of bytes"):
        write_pack(_system(), tmp_path / "p.zip", as_of=AS_OF, max_file_size=-1)
    with pytest.raises(ArgumentError, match="is not a file"):
        write_pack(_system(), tmp_path / "p.zip", as_of=AS_OF, source=tmp_path)
    assert not (tmp_path / "p.zip").exists()


def test_in_2018_a_mismatch_is_a_finding_of_7_5_3(evidence_folder: Path) -> None:
    sms = _system(_evidence("ev-bad", "files/tampered.pdf", f"sha256:{_sha256(CONTENT)}"))
    [finding] = _written(evidence_folder, sms, edition="2018").findings
    assert finding.clause == "7.5.3"


def test_evidence_outside_the_evidence_folders_is_not_read(
    evidence_folder: Path, tmp_path: Path
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_bytes(b"private key")
    (evidence_folder / "files" / "link.pdf").symlink_to(secret)
    sms = _system(
        _evidence("../../etc/passwd", "../../../../../../etc/passwd"),
        _evidence("ev-abs", str(secret)),
        _evidence("ev-link", "files/link.pdf"),
        _evidence("ev-inside-abs", str(evidence_folder / "files" / "review.pdf")),
    )
    result = _written(evidence_folder, sms)
    assert _statuses(result) == {
        "../../etc/passwd": "outside the evidence folders",
        "ev-abs": "outside the evidence folders",
        "ev-link": "outside the evidence folders",
        "ev-inside-abs": "no digest declared",
    }
    members = _members(result.path)
    assert b"private key" not in b"".join(members.values())
    widened = _written(evidence_folder, sms, evidence_roots=[evidence_folder, tmp_path])
    assert _statuses(widened)["ev-abs"] == "no digest declared"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_is_not_read(evidence_folder: Path) -> None:
    os.mkfifo(evidence_folder / "files" / "pipe.pdf")
    result = _written(evidence_folder, _system(_evidence("ev-pipe", "files/pipe.pdf")))
    [check] = result.evidence
    assert check.status is EvidenceStatus.NOT_REACHABLE
    assert check.reason == "not a regular file"


def test_files_over_the_limits_are_checked_but_not_copied(evidence_folder: Path) -> None:
    good = f"sha256:{_sha256(CONTENT)}"
    sms = _system(
        _evidence("ev-a", "files/review.pdf", good),
        _evidence("ev-b", "files/review.pdf", good),
    )
    small = _written(evidence_folder, sms, max_file_size=len(CONTENT) - 1)
    assert [(c.status.value, c.copy) for c in small.evidence] == [("match", None)] * 2
    assert "limit per file" in small.evidence[0].reason
    budget = _written(evidence_folder, sms, max_total_size=len(CONTENT))
    assert [c.copy for c in budget.evidence] == ["evidence/ev-a.pdf", None]
    assert "pack's limit" in budget.evidence[1].reason


def test_names_in_the_archive_are_safe_whatever_the_ids(evidence_folder: Path) -> None:
    ids = [
        "../../etc/passwd",
        "/abs/path",
        "CON",
        "nul.txt",
        "a\x1bb\nc",
        "Ev-1",
        "ev-1",
        "C:\\Windows\\x",
        "....",
        "ev-1-2",
    ]
    sms = _system(*(_evidence(i, "files/review.pdf") for i in ids))
    source_name = "sms\x1b.json"
    source = evidence_folder / source_name
    source.write_text(sms_model.dumps(sms, "json"), encoding="utf-8")
    result = write_pack(
        sms, evidence_folder.parent / "pack.zip", source=source, as_of=AS_OF, formats=["json"]
    )
    names = list(_members(result.path))
    assert len({n.lower() for n in names}) == len(names)
    for name in names:
        assert not name.startswith("/")
        assert "\\" not in name
        assert name.isprintable()
        parts = name.split("/")
        assert ".." not in parts
        assert all(parts)
        assert all(p.split(".")[0].lower() not in ("con", "nul", "aux", "prn") for p in parts)
    copies = sorted(c.copy or "" for c in result.evidence)
    assert len(copies) == len(ids)
    assert all(copies)
    assert "input/sms_.json" in names


def test_safe_name_examples() -> None:
    assert safe_name("../..") == "item"
    assert safe_name("LPT1.pdf") == "_LPT1.pdf"
    assert len(safe_name("x" * 500)) == 80
    taken: set[str] = set()
    assert [safe_name(n, taken) for n in ("a", "A", "a-2", "a")] == ["a", "A-2", "a-2-2", "a-3"]


def test_the_pack_never_replaces_what_it_reads(evidence_folder: Path) -> None:
    sms = _system(_evidence("ev", "files/review.pdf"))
    source = evidence_folder / "sms.json"
    source.write_text(sms_model.dumps(sms, "json"), encoding="utf-8")
    for target in (source, evidence_folder / "files" / "review.pdf"):
        with pytest.raises(ArgumentError, match="a file the pack reads"):
            write_pack(sms, target, source=source, as_of=AS_OF, formats=["json"])
    assert (evidence_folder / "files" / "review.pdf").read_bytes() == CONTENT


def test_an_assessment_made_already_is_packed_and_checked(tmp_path: Path) -> None:
    sms = _system()
    result = sms_model.assess(sms, as_of=AS_OF)
    packed = write_pack(sms, tmp_path / "p.zip", assessment=result, formats=["json"])
    assert packed.assessment is result
    with pytest.raises(ArgumentError, match="not both"):
        write_pack(sms, tmp_path / "p.zip", assessment=result, as_of=AS_OF)
    other = attrs.evolve(sms, name="Another SMS")
    with pytest.raises(ArgumentError, match="not of this system"):
        write_pack(other, tmp_path / "p.zip", assessment=result)


# --- verification --------------------------------------------------------------------------


def _rewritten(path: Path, target: Path, change: dict[str, bytes | None]) -> Path:
    """A copy of the archive with members replaced (or removed, for ``None``)."""
    merged = {**_members(path), **change}
    with zipfile.ZipFile(target, "w") as archive:
        for name, data in merged.items():
            if data is not None:
                archive.writestr(name, data)
    return target


def test_verify_accepts_the_pack_and_detects_tampering(
    acme_pack: PackResult, tmp_path: Path
) -> None:
    assert verify_pack(acme_pack.path).ok
    assert verify_pack(acme_pack.path).checked == len(acme_pack.files)
    changed = _rewritten(acme_pack.path, tmp_path / "c.zip", {"index.html": b"<p>forged</p>"})
    assert verify_pack(changed).problems == (
        "index.html: its SHA-256 or size is not the one manifest.json lists",
    )
    removed = _rewritten(acme_pack.path, tmp_path / "r.zip", {"reports/assessment.json": None})
    assert "not in the archive" in verify_pack(removed).problems[0]
    added = _rewritten(acme_pack.path, tmp_path / "a.zip", {"extra.txt": b"x"})
    assert verify_pack(added).problems == (
        "extra.txt: in the archive but not listed in manifest.json",
    )
    evil = _rewritten(acme_pack.path, tmp_path / "e.zip", {"../evil.txt": b"x"})
    assert any("not a safe name" in p for p in verify_pack(evil).problems)


def test_verify_refuses_what_is_not_a_pack(tmp_path: Path) -> None:
    (tmp_path / "not.zip").write_bytes(b"not a zip")
    with pytest.raises(FileFormatError, match="not a ZIP archive"):
        verify_pack(tmp_path / "not.zip")
    with zipfile.ZipFile(tmp_path / "empty.zip", "w") as archive:
        archive.writestr("a.txt", "a")
    with pytest.raises(FileFormatError, match=r"no manifest\.json"):
        verify_pack(tmp_path / "empty.zip")
    with zipfile.ZipFile(tmp_path / "bad.zip", "w") as archive:
        archive.writestr("manifest.json", "{")
    with pytest.raises(FileFormatError, match="not JSON"):
        verify_pack(tmp_path / "bad.zip")


# --- the command ---------------------------------------------------------------------------


def _args(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_pack_command(parser.add_subparsers(dest="command"))
    return parser.parse_args(["pack", *argv])


def test_pack_command_writes_the_pack_and_summarises_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "pack.zip"
    code = pack_command(_args(str(ACME), "-o", str(target), "--as-of", "2026-11-27"))
    out = capsys.readouterr().out
    assert code == 1  # the example has major failures
    assert verify_pack(target).ok
    assert "pack.zip:" in out
    assert "28 evidence records" in out
    assert "0 mismatched" in out
    assert len(out.strip().splitlines()) == 1
    never = ["-o", str(target), "--as-of", "2026-11-27", "--fail-on", "never"]
    assert pack_command(_args(str(ACME), *never)) == 0


def test_pack_command_exits_1_on_a_mismatch_whatever_fail_on_says(
    evidence_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sms = _system(_evidence("ev-bad", "files/tampered.pdf", f"sha256:{_sha256(CONTENT)}"))
    source = evidence_folder / "sms.json"
    source.write_text(sms_model.dumps(sms, "json"), encoding="utf-8")
    target = evidence_folder / "pack.zip"
    argv = [str(source), "-o", str(target), "--as-of", "2026-11-27", "--fail-on", "never"]
    assert pack_command(_args(*argv)) == 1
    assert "1 mismatched" in capsys.readouterr().out
    assert pack_command(_args("--verify", str(target))) == 1
    assert "evidence recorded as mismatched: ev-bad" in capsys.readouterr().out


def test_pack_command_refuses_bad_usage(tmp_path: Path) -> None:
    from sms_model.cli import _UsageError

    cases = [
        ([str(ACME)], "needs --output"),
        (["-o", str(tmp_path / "p.zip")], "needs the SMS file"),
        ([str(ACME), "-o", str(ACME)], "would overwrite the input file"),
        ([str(ACME), "-o", str(tmp_path)], "is a folder"),
        ([str(ACME), "-o", str(tmp_path / "no" / "p.zip")], "does not exist"),
        ([str(ACME), "-o", str(tmp_path / "p.zip"), "--evidence-root", "nowhere"], "not a folder"),
        (["--verify", str(tmp_path / "missing.zip")], "no such file"),
        (["--verify", str(tmp_path / "p.zip"), str(ACME)], "give it no FILE"),
    ]
    for argv, message in cases:
        with pytest.raises(_UsageError, match=message):
            pack_command(_args(*argv))
    assert not (tmp_path / "p.zip").exists()


# Through the command line's main: these need ``pack`` wired into sms_model.cli.


def test_main_runs_pack_and_verify(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from sms_model.cli import main

    target = tmp_path / "pack.zip"
    assert main(["pack", str(ACME), "-o", str(target), "--as-of", "2026-11-27"]) == 1
    assert main(["pack", "--verify", str(target)]) == 0
    out = capsys.readouterr().out
    assert "as its manifest says" in out


def test_main_reports_usage_errors_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from sms_model.cli import main

    assert main(["pack", str(ACME), "-o", str(ACME)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("sms-model: error: ")
    assert len(err.strip().splitlines()) == 1
    (tmp_path / "x.zip").write_bytes(b"junk")
    assert main(["pack", "--verify", str(tmp_path / "x.zip")]) == 2
    assert "not a ZIP archive" in capsys.readouterr().err

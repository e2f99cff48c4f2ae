"""Reports for CI systems: JUnit XML and SARIF 2.1.0, so findings show up natively.

JUnit XML is written for the Jenkins xUnit schema (``junit-10.xsd``), which Jenkins validates
result files against, and for GitLab, which reads the same format:

- one ``testsuite`` per clause (``ISO/IEC 20000-1 clause 4.1.1``), one ``testcase`` per finding;
  ``fail`` findings are failures, ``error`` findings errors, waived and not-applicable ones
  skipped. Counts on ``testsuites`` are those the schema allows (no ``skipped`` there).
- Test case names are unique within their suite, since GitLab keys test cases on (class name,
  name) and keeps only the last of repeats: the rule id, then the finding's subjects in sorted
  order in brackets, then, for findings of one rule about the same subjects, ``#`` and the
  finding's id (:attr:`~sms_model.rules.Finding.id`), which stays the same from run to run.
- Class names group by clause in Jenkins' tree. Jenkins splits a class name at its *last* dot:
  what comes before is the package, what follows the class. So the package is the clause family
  and the class the clause, with its dots written as underscores: clause 4.1.1 is
  ``iso20000-1.clause-4.4_1_1`` (package ``iso20000-1.clause-4``, class ``4_1_1``), clause 6.6
  ``iso20000-1.clause-6.6_6``, clause 4 itself ``iso20000-1.clause-4.4``. Jenkins thus lists
  six packages (clauses 4 to 9), each with its clauses as classes and the findings as tests.

SARIF 2.1.0 is written for GitHub code scanning, which accepts a file as is when:

- every result has a location with ``physicalLocation.artifactLocation.uri``, a relative URI
  (here relative to ``%SRCROOT%``, the directory the tool ran in, unless ``source_root`` says
  otherwise), and a ``region`` with a ``startLine``. The region is the line where the first
  subject of the finding that can be located is defined; a finding about something the file does
  not define (a missing plan, say) points at line 1. Without a source file, results point at
  line 1 of :data:`NO_SOURCE_URI`.
- each rule descriptor has a ``shortDescription`` (one whole sentence), a ``fullDescription``
  and ``help`` (text and Markdown), and ``helpUri`` links to the rule's entry in the rules
  reference of the documentation.

The URI of the SMS file is its path relative to ``source_root`` (by default the current
directory), with ``/`` separators and percent-encoded (a space is ``%20``, ``#`` is ``%23``). A
file outside that directory is named by its file name alone: an absolute path would leak the
layout of the machine that ran the tool, and GitHub rejects absolute paths outside the checkout.

``partialFingerprints`` identify a finding across runs, so that GitHub keeps one alert open for
as long as the finding stands: the finding's id (:attr:`~sms_model.rules.Finding.id`), which
derives from the rule, the subjects and the rule's discriminator, never from the message (which
names dates that move with the as-of date) or the order of entities in the file. A report of a
comparison (``baseline``) also gives each result its ``baselineState``.
"""

from __future__ import annotations

import json
import os
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Final
from urllib.parse import quote

from sms_model.report._escape import sarif_text, terminal_text
from sms_model.report._links import DOCS_URL, rule_url
from sms_model.report._rulehelp import (
    RuleHelp,
    documented,
    engine_rule,
    reference_id,
    rule_help,
)
from sms_model.rules import (
    Assessment,
    Diff,
    Finding,
    Registry,
    RuleSpec,
    Severity,
    Status,
    default_registry,
)

__all__ = [
    "FINGERPRINT",
    "JUNIT_PACKAGE",
    "NO_SOURCE_URI",
    "SRCROOT",
    "Locator",
    "artifact_uri",
    "fingerprint",
    "junit_classname",
    "render_junit",
    "render_sarif",
]

SARIF_SCHEMA: Final = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
_LEVEL: Final = {Severity.MAJOR: "error", Severity.MINOR: "warning", Severity.OBSERVATION: "note"}

#: The base of artifact URIs: the directory the tool ran in (or ``source_root``).
SRCROOT: Final = "%SRCROOT%"
#: The artifact URI of results rendered without a source file.
NO_SOURCE_URI: Final = "service-management-system"
#: The key of the fingerprint in ``partialFingerprints``; a new version when its meaning changes.
FINGERPRINT: Final = "smsFinding/v3"

#: The package prefix of JUnit class names (``iso20000-1.clause-4.4_1_1``).
JUNIT_PACKAGE: Final = "iso20000-1"

#: Finds the file position of an entity id: (line, column), or None.
Locator = Callable[[str], "tuple[int, int] | None"]


# Characters XML 1.0 cannot hold at all (escaping does not help); ids and names read from JSON
# may contain them (as \u0001 escapes). Control and bidi characters are shown as visible escapes
# first, as on a terminal (a CI page shows the text as it is); what XML still cannot hold (a
# non-character such as U+FFFE) is replaced.
_NOT_XML: Final = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml(text: str) -> str:
    return _NOT_XML.sub("\ufffd", terminal_text(text, multiline=True))


def _same_place(findings: Sequence[Finding]) -> set[tuple[str, tuple[str, ...]]]:
    """The (rule, sorted subjects) pairs that more than one of the findings share."""
    seen: set[tuple[str, tuple[str, ...]]] = set()
    shared = set()
    for finding in findings:
        place = (finding.rule, tuple(sorted(finding.subjects)))
        if place in seen:
            shared.add(place)
        seen.add(place)
    return shared


# JUnit XML ------------------------------------------------------------------------------------


def junit_classname(clause: str, edition: str = "2011") -> str:
    """The JUnit class name of a clause: package ``iso20000-1.clause-<family>``, class the clause
    number with underscores for dots, since Jenkins splits a class name at its last dot. Clauses
    of the 2018 edition live in package ``iso20000-1-2018``, so results of both editions can sit
    side by side (the 2011 names stay as they were).

    >>> junit_classname("4.1.1"), junit_classname("6"), junit_classname("4.5.4.1")
    ('iso20000-1.clause-4.4_1_1', 'iso20000-1.clause-6.6', 'iso20000-1.clause-4.4_5_4_1')
    >>> junit_classname("8.2.5", "2018")
    'iso20000-1-2018.clause-8.8_2_5'
    """
    family = clause.split(".", 1)[0]
    return f"{junit_package(edition)}.clause-{family}.{clause.replace('.', '_')}"


def junit_package(edition: str) -> str:
    """The package prefix of JUnit class names for an edition."""
    return JUNIT_PACKAGE if edition == "2011" else f"{JUNIT_PACKAGE}-{edition}"


def junit_suite(clause: str, edition: str) -> str:
    """The name of the JUnit test suite of a clause (the 2011 names stay as they were).

    >>> junit_suite("4.1.1", "2011"), junit_suite("8.2.5", "2018")
    ('ISO/IEC 20000-1 clause 4.1.1', 'ISO/IEC 20000-1:2018 clause 8.2.5')
    """
    standard = "ISO/IEC 20000-1" if edition == "2011" else f"ISO/IEC 20000-1:{edition}"
    return f"{standard} clause {clause}"


def _case_names(findings: Sequence[Finding]) -> list[str]:
    shared = _same_place(findings)
    names = []
    for finding in findings:
        subjects = tuple(sorted(finding.subjects))
        name = f"{finding.rule} [{', '.join(subjects)}]" if subjects else finding.rule
        # Findings of one rule about the same subjects: told apart by their stable id.
        names.append(_xml(f"{name} #{finding.id}" if (finding.rule, subjects) in shared else name))
    return names


def render_junit(assessment: Assessment, *, docs_url: str = DOCS_URL) -> str:
    """JUnit XML, valid against the Jenkins xUnit schema: one test suite per clause, one test
    case per finding, with a name unique within its suite; ``fail`` findings are failures,
    ``error`` findings errors, waived and not-applicable ones skipped. A failure's text names
    the rule, clause, guidance, subjects and evidence, and links to the rule's entry in the
    rules reference at ``docs_url``.

    Written with the standard library's ElementTree, which escapes everything it writes.

    >>> from datetime import date
    >>> import sms_model
    >>> result = sms_model.assess(sms_model.load("examples/minimal.yaml"), as_of=date(2026, 11, 27))
    >>> import xml.etree.ElementTree as ET
    >>> root = ET.fromstring(render_junit(result).encode())
    >>> root.get("failures") != "0", root.find("testsuite/testcase").get("classname")
    (True, 'iso20000-1.clause-4.4')
    """
    registry = default_registry()
    root = ET.Element(
        "testsuites", name=_xml(f"ISO/IEC 20000-1 conformity: {assessment.system_name}")
    )
    totals = {"tests": 0, "failures": 0, "errors": 0}
    for clause, findings in assessment.by_clause().items():
        suite = ET.SubElement(root, "testsuite", name=junit_suite(clause, assessment.edition))
        counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
        classname = _xml(junit_classname(clause, assessment.edition))
        for finding, name in zip(findings, _case_names(findings), strict=True):
            case = ET.SubElement(suite, "testcase", name=name, classname=classname)
            counts["tests"] += 1
            outcome = _junit_outcome(case, finding, _link(finding.rule, registry, docs_url))
            if outcome:
                counts[outcome] += 1
        for key, value in counts.items():
            suite.set(key, str(value))
            if key in totals:  # the schema allows no "skipped" count on <testsuites>
                totals[key] += value
    for key, value in totals.items():
        root.set(key, str(value))
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"


def _junit_outcome(case: ET.Element, finding: Finding, link: str | None) -> str | None:
    """Adds the failure, error or skipped element of a finding; returns the count it adds to."""
    if finding.status is Status.FAIL:
        node = ET.SubElement(
            case, "failure", message=_xml(finding.message), type=finding.severity.value
        )
        node.text = _xml(_detail(finding, link))
        return "failures"
    if finding.status is Status.ERROR:
        node = ET.SubElement(case, "error", message=_xml(finding.message), type="rule-error")
        node.text = _xml(_detail(finding, link))
        return "errors"
    if finding.status in (Status.WAIVED, Status.NOT_APPLICABLE):
        why = f"waived by {finding.waiver}: " if finding.waiver else "not applicable: "
        ET.SubElement(case, "skipped", message=_xml(why + finding.message))
        return "skipped"
    return None


def _link(rule_id: str, registry: Registry, docs_url: str) -> str | None:
    spec = registry.get(rule_id) if rule_id in registry else None
    return rule_url(reference_id(rule_id), docs_url) if documented(rule_id, spec) else None


def _detail(finding: Finding, link: str | None) -> str:
    parts = [f"rule {finding.rule}, clause {finding.clause}, severity {finding.severity.value}"]
    if finding.guidance:
        parts.append("guidance: " + ", ".join(finding.guidance))
    if finding.subjects:
        parts.append("subjects: " + ", ".join(finding.subjects))
    if finding.evidence:
        parts.append("evidence: " + ", ".join(finding.evidence))
    if link:
        parts.append(f"rule reference: {link}")
    return "\n".join(parts)


# SARIF ----------------------------------------------------------------------------------------


def artifact_uri(source: str | os.PathLike[str], root: str | os.PathLike[str] | None = None) -> str:
    """The SARIF artifact URI of the file ``source``, relative to ``root`` (by default the
    current directory): a relative, percent-encoded URI with ``/`` separators. A file outside
    ``root`` is named by its file name alone, so that no absolute path leaves the machine.

    >>> artifact_uri("/repo/sms files/acme #2.yaml", root="/repo")
    'sms%20files/acme%20%232.yaml'
    >>> artifact_uri("/elsewhere/acme.yaml", root="/repo")
    'acme.yaml'
    """
    path = os.path.abspath(os.fspath(source))
    base = os.path.abspath(os.fspath(root) if root is not None else os.curdir)
    try:
        relative = os.path.relpath(path, base)
    except ValueError:  # another drive, on Windows
        relative = os.path.basename(path)
    if relative == os.pardir or relative.startswith(os.pardir + os.sep):
        relative = os.path.basename(path)
    return quote(Path(relative).as_posix(), safe="/")


def render_sarif(
    assessment: Assessment,
    *,
    source: str | os.PathLike[str] | None = None,
    locate: Locator | None = None,
    rules: Mapping[str, RuleSpec] | None = None,
    docs_url: str = DOCS_URL,
    source_root: str | os.PathLike[str] | None = None,
    baseline: Diff | None = None,
) -> str:
    """SARIF 2.1.0 that GitHub code scanning accepts as is: one run, the rules as reporting
    descriptors (with help and a link to their entry in the rules reference at ``docs_url``),
    failures (and waived failures, as suppressed results) as results located in the SMS file
    ``source`` with ``locate``, and rules that could not run as tool notifications.

    ``source_root`` is the directory artifact URIs are relative to (``%SRCROOT%``, by default
    the current directory; normally the root of the repository). ``docs_url`` is the base of
    the documentation, for teams that host their own build of it. With ``baseline``, the
    comparison of an earlier assessment with this one (:func:`sms_model.diff`), each result
    has its ``baselineState`` (``new``, ``updated`` or ``unchanged``) and the failures that went
    away are added as ``absent`` results.

    >>> from datetime import date
    >>> import sms_model
    >>> result = sms_model.assess(sms_model.load("examples/minimal.yaml"), as_of=date(2026, 11, 27))
    >>> import json
    >>> sarif = json.loads(render_sarif(result, source="examples/minimal.yaml"))
    >>> sarif["version"], sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    ('2.1.0', {'artifactLocation': {'uri': 'examples/minimal.yaml', 'uriBaseId': '%SRCROOT%', \
'index': 0}, 'region': {'startLine': 1}})
    """
    edition = assessment.edition
    known = dict(rules) if rules is not None else _registered(edition)
    gone = baseline.resolved if baseline is not None else ()
    ids = sorted({f.rule for f in (*assessment.findings, *gone)} | set(assessment.rules))
    index = {rule_id: i for i, rule_id in enumerate(ids)}
    clauses = {f.rule: f.clause for f in (*gone, *assessment.findings)}
    descriptors = [
        _descriptor(rule_id, known.get(rule_id), clauses.get(rule_id, ""), docs_url, edition)
        for rule_id in ids
    ]
    uri = artifact_uri(source, source_root) if source is not None else NO_SOURCE_URI
    reported = [f for f in assessment.findings if f.status in (Status.FAIL, Status.WAIVED)]
    results = [_result(finding, index[finding.rule], uri, locate) for finding in reported]
    if baseline is not None:
        results = _with_baseline(results, reported, baseline, index, uri)
    notifications = [
        {
            "level": "error",
            "message": {"text": sarif_text(finding.message)},
            "associatedRule": {"id": finding.rule, "index": index[finding.rule]},
        }
        for finding in assessment.findings
        if finding.status is Status.ERROR
    ]
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "sms-model",
                "version": assessment.library_version,
                "informationUri": docs_url,
                "rules": descriptors,
            }
        },
        "invocations": [
            {
                "executionSuccessful": not notifications,
                "toolExecutionNotifications": notifications,
            }
        ],
        "originalUriBaseIds": {
            SRCROOT: {
                "description": {
                    "text": "The directory sms-model ran in (normally the repository root); "
                    "artifact URIs are relative to it."
                }
            }
        },
        "artifacts": [{"location": {"uri": uri, "uriBaseId": SRCROOT}}],
        "columnKind": "unicodeCodePoints",
        "results": results,
        "properties": {
            "asOf": assessment.as_of.isoformat(),
            "rulesetVersion": assessment.ruleset_version,
            "inputDigest": assessment.input_digest,
        },
    }
    document = {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _with_baseline(
    results: list[dict[str, Any]],
    reported: Sequence[Finding],
    baseline: Diff,
    index: Mapping[str, int],
    uri: str,
) -> list[dict[str, Any]]:
    # A result is a failure or a waived failure: a finding that was not one before (a pass that
    # now fails keeps its id) is a new result, and one that is no longer a result is absent.
    was = {n.id: o for o, n in baseline.changed}
    new = {f.id for f in baseline.new}
    for result, finding in zip(results, reported, strict=True):
        earlier = was.get(finding.id)
        if earlier is not None:
            state = "updated" if earlier.status in _RESULTS else "new"
        else:
            state = "new" if finding.id in new else "unchanged"
        result["baselineState"] = state
    gone = [*baseline.resolved, *(o for o, n in baseline.changed if n.status not in _RESULTS)]
    for finding in gone:
        if finding.status in _RESULTS:
            absent = _result(finding, index[finding.rule], uri, None)
            absent["baselineState"] = "absent"
            results.append(absent)
    return results


_RESULTS: Final = frozenset({Status.FAIL, Status.WAIVED})


def _help_for(rule_id: str, spec: RuleSpec | None, clause: str, edition: str) -> RuleHelp:
    declared = spec or engine_rule(rule_id)
    if declared is not None:
        seen = declared.in_edition(edition) if declared.clause_in(edition) else declared
        return rule_help(seen)
    # A rule id no registry declares: described by what is known of it.
    return RuleHelp(
        id=rule_id,
        clause=clause or "4",
        guidance=(),
        severity=Severity.MAJOR,
        tags=(),
        aliases=(),
        body_rst=f"Findings reported under the rule id {rule_id}.",
        nonconforming_rst="",
        conforming_rst="",
    )


def _registered(edition: str) -> dict[str, RuleSpec]:
    """The default registry's rules as they check ``edition`` (the others as declared)."""
    return {
        spec.id: spec.in_edition(edition) if spec.clause_in(edition) else spec
        for spec in default_registry()
    }


def _descriptor(
    rule_id: str, spec: RuleSpec | None, clause: str, docs_url: str, edition: str
) -> dict[str, Any]:
    help = _help_for(rule_id, spec, clause, edition)
    url = rule_url(reference_id(rule_id), docs_url) if documented(rule_id, spec) else None
    descriptor: dict[str, Any] = {"id": rule_id}
    if spec is not None:
        descriptor["name"] = spec.function.__name__
    descriptor |= {
        "shortDescription": {"text": help.summary, "markdown": help.summary_markdown},
        "fullDescription": {"text": help.description, "markdown": help.description_markdown},
        "help": {"text": help.help_text(url), "markdown": help.help_markdown(url)},
        "defaultConfiguration": {"level": _LEVEL[help.severity]},
        "properties": {
            "clause": help.clause,
            "edition": help.edition,
            "guidance": list(help.guidance),
            "tags": [
                "ISO/IEC 20000-1",
                f"edition {help.edition}",
                f"clause {help.clause}",
                *help.tags,
            ],
        },
    }
    if url:
        descriptor["helpUri"] = url
    return descriptor


def fingerprint(finding: Finding) -> str:
    """The stable identity of a finding across runs, as SARIF's ``partialFingerprints`` hold
    it: the finding's :attr:`~sms_model.rules.Finding.id`. Not the message, the severity, the
    status or the as-of date.

    >>> from sms_model.rules import Finding, Severity, Status
    >>> a = Finding(rule="R", clause="4", status=Status.FAIL, severity=Severity.MAJOR,
    ...             message="late since 2026-01-01", subjects=("b", "a"))
    >>> b = Finding(rule="R", clause="4", status=Status.WAIVED, severity=Severity.MINOR,
    ...             message="late since 2026-02-01", subjects=("a", "b"), waiver="w")
    >>> fingerprint(a) == fingerprint(b) == a.id
    True
    """
    return finding.id


def _region(subjects: Iterable[str], locate: Locator | None) -> dict[str, int]:
    for subject in subjects:
        position = locate(subject) if locate else None
        if position:
            return {"startLine": position[0], "startColumn": position[1]}
    return {"startLine": 1}


def _result(finding: Finding, rule_index: int, uri: str, locate: Locator | None) -> dict[str, Any]:
    location: dict[str, Any] = {
        "physicalLocation": {
            "artifactLocation": {"uri": uri, "uriBaseId": SRCROOT, "index": 0},
            "region": _region(finding.subjects, locate),
        }
    }
    if finding.subjects:
        location["logicalLocations"] = [
            {"name": subject, "kind": "object"} for subject in finding.subjects
        ]
    result: dict[str, Any] = {
        "ruleId": finding.rule,
        "ruleIndex": rule_index,
        "level": _LEVEL[finding.severity],
        "message": {"text": sarif_text(finding.message)},
        "locations": [location],
        "partialFingerprints": {FINGERPRINT: fingerprint(finding)},
        "properties": {
            "clause": finding.clause,
            "guidance": list(finding.guidance),
            "subjects": list(finding.subjects),
            "evidence": list(finding.evidence),
            "findingId": finding.id,
            "code": finding.code,
        },
    }
    if finding.status is Status.WAIVED:
        result["suppressions"] = [{"kind": "external", "justification": f"waiver {finding.waiver}"}]
    return result

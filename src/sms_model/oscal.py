"""Assessment results and the clause catalogue as OSCAL 1.x JSON, for auditors and GRC tools.

:func:`assessment_results` writes an :class:`~sms_model.rules.Assessment` as an OSCAL
``assessment-results`` document, and :func:`catalog` writes the clause catalogue of
ISO/IEC 20000-1:2011 that the findings point at as an OSCAL ``catalog``. Both are built with the
models of `compliance-trestle <https://github.com/oscal-compass/compliance-trestle>`_ and
written by its JSON serializer, so each is valid OSCAL as made. Trestle is the optional
``oscal`` extra (``pip install sms-model[oscal]``), imported on the first call only.

Both documents are deterministic: the same assessment gives the same bytes. Every UUID is a
version 5 UUID of :data:`UUID_NAMESPACE` and a stable name (a finding's id, an entity's id, the
system's name and the as-of date), so the same finding keeps its UUIDs from one assessment to
the next; every date is the as-of date at midnight UTC, never the time of the run.

How an assessment maps to OSCAL:

- one ``result`` for the assessment, starting at the as-of date;
- each finding becomes an OSCAL ``finding`` and one ``observation`` (its message, its subjects
  and the records it relied on as ``relevant-evidence``), related to each other;
- the finding's ``target`` is the clause, as the control ``c-<clause>`` of :func:`catalog`
  (``objective-id``): ``satisfied`` for a pass, ``not-satisfied`` for a failure, a waived
  failure (reason ``fail``) and a rule that could not run (reason ``other``); a finding that
  is not applicable has no status and the implementation status ``not-applicable``;
- the rule, the finding id, the clause, our status, the severity, the message code, the
  guidance ids and the waiver are properties in the namespace :data:`NAMESPACE`;
- every entity a finding names (subject or evidence) is a back-matter ``resource``; subjects
  refer to it by its UUID (type ``resource``) and evidence by ``#<uuid>``;
- ``import-ap`` must name an assessment plan, and there is none: it points at a back-matter
  resource (``#<uuid>``) that names the rules of this library and links to their reference.

Text fields of OSCAL (titles, descriptions, remarks) are Markdown, so every value from the SMS
in them is escaped: the system's name and messages as Markdown text, ids as code spans.
Properties hold values as they are, except a value OSCAL cannot hold in a property or a reader
would act on (a line break, a control or bidi character, white space at its ends), which is
shown with visible escapes.
"""

from __future__ import annotations

import importlib
import json
import re
import uuid
from collections import Counter
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, time
from typing import TYPE_CHECKING, Any, Final

from sms_model.report._escape import markdown_code, markdown_text, terminal_text
from sms_model.report._links import DOCS_URL, RULES_PAGE

if TYPE_CHECKING:
    from trestle.oscal.assessment_results import AssessmentResults
    from trestle.oscal.catalog import Catalog, Control

    from sms_model.catalog import Clause
    from sms_model.rules import Assessment, Finding

__all__ = ["CATALOG_MODIFIED", "NAMESPACE", "UUID_NAMESPACE", "assessment_results", "catalog"]

#: The namespace of our properties and part names (``ns``): the names it qualifies are ours.
NAMESPACE: Final = "https://sms-model.invalid/ns/oscal"
#: The namespace of every UUID the documents hold (version 5 UUIDs of stable names).
UUID_NAMESPACE: Final = uuid.uuid5(uuid.NAMESPACE_URL, NAMESPACE)
#: The ``last-modified`` date of :func:`catalog`: the day its content last changed.
CATALOG_MODIFIED: Final = date(2026, 12, 3)

_EDITION: Final = "2011"
_STANDARD: Final = "ISO/IEC 20000-1:2011"

# A property value: no white space at either end, no line break (OSCAL's string datatype).
_PLAIN: Final = re.compile(r"\S(?:.*\S)?")
_SPACE_AT_ENDS: Final = re.compile(r"^\s+|\s+$")

# Our statuses, as the finding's title says them.
_STATUS_WORDS: Final = {
    "pass": "passed",
    "fail": "failed",
    "waived": "failed, waived",
    "error": "could not run",
    "not_applicable": "not applicable",
}
# The target status (state, reason) of each of our statuses; not applicable has none.
_TARGET_STATUS: Final = {
    "pass": ("satisfied", "pass"),
    "fail": ("not-satisfied", "fail"),
    "waived": ("not-satisfied", "fail"),
    "error": ("not-satisfied", "other"),
}


def assessment_results(assessment: Assessment, *, docs_url: str = DOCS_URL) -> str:
    """The assessment as an OSCAL ``assessment-results`` document (JSON, indented, ending in a
    new line): the same assessment gives the same bytes. ``docs_url`` is where the rules
    reference lives (the link of the resource ``import-ap`` points at).

    Needs the ``oscal`` extra (compliance-trestle); see the module for the mapping.

    >>> import pytest
    >>> _ = pytest.importorskip("trestle")
    >>> import json, sms_model
    >>> from datetime import date
    >>> from trestle.oscal.assessment_results import AssessmentResults
    >>> result = sms_model.assess(sms_model.load("examples/minimal.yaml"), as_of=date(2026, 11, 27))
    >>> text = assessment_results(result)
    >>> document = json.loads(text)["assessment-results"]
    >>> document["metadata"]["title"], document["metadata"]["last-modified"]
    ('Assessment of Minimal SMS as of 2026-11-27', '2026-11-27T00:00:00+00:00')
    >>> finding = document["results"][0]["findings"][0]
    >>> finding["title"], finding["target"]["target-id"], finding["target"]["status"]
    ('`SMS-4-APP-1` passed', 'c-4', {'state': 'satisfied', 'reason': 'pass'})
    >>> {"name": "finding-id", "ns": NAMESPACE, "value": result.findings[0].id} in finding["props"]
    True
    >>> parsed = AssessmentResults.model_validate(document)
    >>> len(parsed.results[0].findings) == len(result.findings)
    True
    >>> assessment_results(result) == text
    True
    """
    from sms_model.rules import Assessment

    if not isinstance(assessment, Assessment):
        from sms_model.errors import ArgumentError

        raise ArgumentError(f"expected an Assessment, not {type(assessment).__name__}")
    _trestle()
    return _serialized(_assessment_results(assessment, docs_url))


def catalog() -> str:
    """The clause catalogue of ISO/IEC 20000-1:2011 as an OSCAL ``catalog`` document (JSON,
    indented, ending in a new line).

    Each clause is a control ``c-<number>`` (``c-4.1.1``), nested in the control of its parent
    clause, titled with the clause's title and labelled with its number. Its parts hold only
    what :mod:`sms_model.catalog` holds, all of it our own paraphrase, never the text of the
    standard: the clause's summary as its ``statement``, the guidance statements traced to it
    as ``guidance`` and the evidence an assessor expects as ``assessment-method``.

    >>> import pytest
    >>> _ = pytest.importorskip("trestle")
    >>> import json
    >>> from sms_model.catalog import clause
    >>> document = json.loads(catalog())["catalog"]
    >>> control = document["controls"][0]["controls"][0]["controls"][3]
    >>> control["id"], control["title"], control["props"][0]["value"]
    ('c-4.1.4', 'Management representative', '4.1.4')
    >>> control["parts"][0]["prose"] == clause("4.1.4").summary
    True
    """
    _trestle()
    return _serialized(_catalog())


# --- shared ----------------------------------------------------------------------------------


def _trestle() -> None:
    """Import compliance-trestle, or say which extra brings it."""
    try:
        importlib.import_module("trestle.oscal")
    except ImportError as error:
        raise ModuleNotFoundError(
            "this needs the optional package 'trestle': install sms-model[oscal]",
            name="trestle",
        ) from error


def _serialized(document: AssessmentResults | Catalog) -> str:
    return document.oscal_serialize_json(pretty=True) + "\n"


def _uuid(*name: str) -> str:
    """The version 5 UUID of a name made of parts (JSON keeps the parts apart and makes any
    text, even a lone surrogate, encodable)."""
    return str(uuid.uuid5(UUID_NAMESPACE, json.dumps(name)))


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


def _plain(value: str) -> str:
    """``value`` as an OSCAL property value: as it is where OSCAL can hold it; otherwise with
    control characters, line breaks and the white space at its ends as visible escapes."""
    if _PLAIN.fullmatch(value) and terminal_text(value) == value:
        return value
    shown = terminal_text(value)
    return _SPACE_AT_ENDS.sub(lambda m: "".join(f"\\u{ord(c):04x}" for c in m.group()), shown)


def _prop(name: str, value: str) -> dict[str, Any]:
    return {"name": name, "value": _plain(value), "ns": NAMESPACE}


def _control_id(number: str) -> str:
    return f"c-{number}"


# --- assessment results ----------------------------------------------------------------------


def _assessment_results(assessment: Assessment, docs_url: str) -> AssessmentResults:
    from trestle.oscal import OSCAL_VERSION
    from trestle.oscal.assessment_results import AssessmentResults

    as_of = assessment.as_of.isoformat()
    plan = _plan_resource(assessment, docs_url)
    system = markdown_text(assessment.system_name)
    metadata = {
        "title": f"Assessment of {system} as of {as_of}",
        "last-modified": _midnight(assessment.as_of),
        "version": _plain(assessment.library_version),
        "oscal-version": OSCAL_VERSION,
    }
    return AssessmentResults.model_validate(
        {
            "uuid": _uuid("assessment-results", assessment.system_name, as_of),
            "metadata": metadata,
            "import-ap": {
                "href": f"#{plan['uuid']}",
                "remarks": "There is no OSCAL assessment plan: the resource this points at "
                "names the rules that were run.",
            },
            "results": [_result(assessment)],
            "back-matter": {"resources": [plan, *_entity_resources(assessment)]},
        }
    )


def _result(assessment: Assessment) -> dict[str, Any]:
    as_of = assessment.as_of.isoformat()
    system = markdown_text(assessment.system_name)
    props = [
        _prop("as-of", as_of),
        _prop("ruleset-version", assessment.ruleset_version),
    ]
    if assessment.input_digest:
        props.append(_prop("input-digest", assessment.input_digest))
    observations, findings = [], []
    for finding, name in _named(assessment.findings):
        observation = _observation(finding, name, assessment.as_of)
        observations.append(observation)
        findings.append(_finding(finding, name, observation["uuid"]))
    result: dict[str, Any] = {
        "uuid": _uuid("result", assessment.system_name, as_of),
        "title": f"Conformity to {_STANDARD} as of {as_of}",
        "description": f"The findings of the rules of sms-model on {system}, as of {as_of}.",
        "start": _midnight(assessment.as_of),
        "props": props,
        "reviewed-controls": {"control-selections": [_selection(assessment.findings)]},
    }
    if findings:
        result["observations"] = observations
        result["findings"] = findings
    return result


def _named(findings: Iterable[Finding]) -> Iterator[tuple[Finding, tuple[str, ...]]]:
    """Each finding with the name its UUIDs derive from: its id, and for a repeat of an id
    already seen (in report order) the repeat's number too, so that no two UUIDs are equal."""
    seen: Counter[str] = Counter()
    for finding in findings:
        seen[finding.id] += 1
        count = seen[finding.id]
        yield finding, (finding.id,) if count == 1 else (finding.id, str(count))


def _selection(findings: Iterable[Finding]) -> dict[str, Any]:
    """The clauses the findings are about, in report order (every clause, when none)."""
    numbers = dict.fromkeys(f.clause for f in findings)
    if not numbers:
        return {"include-all": {}}
    return {"include-controls": [{"control-id": _control_id(n)} for n in numbers]}


def _observation(finding: Finding, name: tuple[str, ...], as_of: date) -> dict[str, Any]:
    observation: dict[str, Any] = {
        "uuid": _uuid("observation", *name),
        "description": markdown_text(finding.message),
        "props": [_prop("finding-id", finding.id)],
        "methods": ["EXAMINE"],
        "types": ["control-objective"],
        "collected": _midnight(as_of),
    }
    if finding.subjects:
        observation["subjects"] = [
            {
                "subject-uuid": _uuid("entity", subject),
                "type": "resource",
                "title": markdown_code(subject),
            }
            for subject in finding.subjects
        ]
    if finding.evidence:
        observation["relevant-evidence"] = [
            {
                "href": f"#{_uuid('entity', record)}",
                "description": f"Record {markdown_code(record)}",
            }
            for record in finding.evidence
        ]
    return observation


def _finding(finding: Finding, name: tuple[str, ...], observation: str) -> dict[str, Any]:
    status = finding.status.value
    props = [
        _prop("rule", finding.rule),
        _prop("finding-id", finding.id),
        _prop("clause", finding.clause),
        _prop("status", status),
        _prop("severity", finding.severity.value),
    ]
    if finding.code:
        props.append(_prop("code", finding.code))
    props.extend(_prop("guidance", g) for g in finding.guidance)
    if finding.waiver is not None:
        props.append(_prop("waiver", finding.waiver))
    return {
        "uuid": _uuid("finding", *name),
        "title": f"{markdown_code(finding.rule)} {_STATUS_WORDS[status]}",
        "description": markdown_text(finding.message),
        "props": props,
        "target": _target(finding),
        "related-observations": [{"observation-uuid": observation}],
    }


def _target(finding: Finding) -> dict[str, Any]:
    from sms_model.catalog import clause

    target: dict[str, Any] = {"type": "objective-id", "target-id": _control_id(finding.clause)}
    try:
        target["title"] = f"{finding.clause} {clause(finding.clause, _EDITION).title}"
    except LookupError:
        target["title"] = markdown_code(finding.clause)
    state = _TARGET_STATUS.get(finding.status.value)
    if state is None:
        target["implementation-status"] = {"state": "not-applicable"}
    else:
        target["status"] = {"state": state[0], "reason": state[1]}
    return target


def _plan_resource(assessment: Assessment, docs_url: str) -> dict[str, Any]:
    rules = f"{docs_url.rstrip('/')}/{RULES_PAGE}"
    library, ruleset = assessment.library_version, assessment.ruleset_version
    return {
        "uuid": _uuid("rules", library, ruleset),
        "title": f"The rules of sms-model {library}, ruleset {ruleset}",
        "description": f"The assessment ran {len(assessment.rules)} rules of sms-model: "
        "its built-in rules of ISO/IEC 20000-1:2011 and any plugin rules.",
        "props": [_prop("library-version", library), _prop("ruleset-version", ruleset)],
        "rlinks": [{"href": rules, "media-type": "text/html"}],
    }


def _entity_resources(assessment: Assessment) -> list[dict[str, Any]]:
    """A resource for each entity the findings name, as subject or evidence, by id."""
    ids = {i for f in assessment.findings for i in (*f.subjects, *f.evidence)}
    return [
        {
            "uuid": _uuid("entity", entity),
            "title": markdown_code(entity),
            "description": "An entity of the service management system, by its id.",
            "props": [_prop("entity-id", entity)],
        }
        for entity in sorted(ids)
    ]


# --- catalog ---------------------------------------------------------------------------------


def _catalog() -> Catalog:
    from trestle.oscal import OSCAL_VERSION
    from trestle.oscal.catalog import Catalog

    from sms_model import __version__
    from sms_model.catalog import clauses

    children: dict[str | None, list[Clause]] = {}
    for each in clauses(_EDITION):
        children.setdefault(each.parent, []).append(each)
    metadata = {
        "title": f"{_STANDARD}: clauses, with the paraphrases of sms-model",
        "last-modified": _midnight(CATALOG_MODIFIED),
        "version": __version__,
        "oscal-version": OSCAL_VERSION,
        "remarks": "Clause numbers and titles of ISO/IEC 20000-1:2011. Every statement, "
        "guidance and assessment method is a paraphrase written for sms-model, never the text "
        "of the standard.",
    }
    return Catalog.model_validate(
        {
            "uuid": _uuid("catalog", _STANDARD),
            "metadata": metadata,
            "controls": [_control(c, children) for c in children[None]],
        }
    )


def _control(clause: Clause, children: dict[str | None, list[Clause]]) -> Control:
    from trestle.oscal.catalog import Control

    control_id = _control_id(clause.number)
    props = [{"name": "label", "value": clause.number}]
    if clause.pdca is not None:
        props.append(_prop("pdca", clause.pdca.value))
    control: dict[str, Any] = {"id": control_id, "title": clause.title, "props": props}
    parts = _parts(clause, control_id)
    if parts:
        control["parts"] = parts
    below = children.get(clause.number, [])
    if below:
        control["controls"] = [_control(c, children) for c in below]
    return Control.model_validate(control)


def _parts(clause: Clause, control_id: str) -> list[dict[str, Any]]:
    """The clause's summary, guidance and evidence expectations, as the parts of its control."""
    from sms_model.catalog import expectations, guidance

    parts: list[dict[str, Any]] = []
    if clause.summary is not None:
        parts.append({"id": f"{control_id}_smt", "name": "statement", "prose": clause.summary})
    for item in guidance():
        if item.clause == clause.number:
            parts.append(
                {
                    "id": f"{control_id}_gdn.{item.id}",
                    "name": "guidance",
                    "title": item.title,
                    "props": [
                        _prop("guidance-id", item.id),
                        _prop("source", f"ISO/IEC 20000-2:2012, {item.source}"),
                    ],
                    "prose": item.summary,
                }
            )
    for expected in expectations():
        if expected.clause == clause.number:
            props = [_prop("expectation-id", expected.id), _prop("method", "EXAMINE")]
            if expected.cadence is not None:
                props.append(_prop("cadence", expected.cadence))
            parts.append(
                {
                    "id": f"{control_id}_asm.{expected.id}",
                    "name": "assessment-method",
                    "props": props,
                    "prose": expected.description,
                }
            )
    return parts

"""Assessment results and the clause catalogue as OSCAL 1.x JSON, for auditors and GRC tools.

:func:`assessment_results` writes an :class:`~sms_model.rules.Assessment` as an OSCAL
``assessment-results`` document, and :func:`catalog` writes the clause catalogue of an
edition of ISO/IEC 20000-1 (2011 or 2018) as an OSCAL ``catalog``: the findings of an
assessment point at the catalog of the edition it was made for. Both are built with the models
of `compliance-trestle <https://github.com/oscal-compass/compliance-trestle>`_ and written by
its JSON serializer, so each is valid OSCAL as made. Trestle is the optional
``oscal`` extra (``pip install sms-model[oscal]``), imported on the first call only.

Both documents are deterministic: the same assessment gives the same bytes. Every UUID is a
version 5 UUID of :data:`UUID_NAMESPACE` and a stable name (a finding's id, an entity's id, the
system's name and the as-of date), so the same finding keeps its UUIDs from one assessment to
the next; every date is the as-of date at midnight UTC, never the time of the run. The names
of a 2018 assessment start with its edition, so its document, result, findings, observations
and rules resource never share a UUID with those of a 2011 assessment (whose names are those
of the first export, unchanged); an entity is the same resource in both, with the same UUID.
Each edition's catalog has a UUID of its own.

How an assessment maps to OSCAL:

- one ``result`` for the assessment, starting at the as-of date, titled with the edition (a
  2018 result also has the property ``edition``; a 2011 one, as written before editions
  existed, has none);
- each finding becomes an OSCAL ``finding`` and one ``observation`` (its message, its subjects
  and the records it relied on as ``relevant-evidence``), related to each other;
- the finding's ``target`` is the clause, as the control ``c-<clause>`` of the catalog of the
  assessment's edition (``objective-id``), titled as that edition titles the clause:
  ``satisfied`` for a pass, ``not-satisfied`` for a failure, a waived failure (reason
  ``fail``) and a rule that could not run (reason ``other``); a finding that is not
  applicable has no status and the implementation status ``not-applicable``;
- the rule, the finding id, the clause, our status, the severity, the message code, the
  guidance ids and the waiver are properties in the namespace :data:`NAMESPACE`;
- every entity a finding names (subject or evidence) is a back-matter ``resource``; subjects
  refer to it by its UUID (type ``resource``) and evidence by ``#<uuid>``;
- ``import-ap`` must name an assessment plan, and there is none: it points at a back-matter
  resource (``#<uuid>``) that names the rules of this library, the edition they were run for,
  and links to their reference.

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

from sms_model.catalog import EDITIONS
from sms_model.report._escape import markdown_code, markdown_text, terminal_text
from sms_model.report._links import DOCS_URL, RULES_PAGE

if TYPE_CHECKING:
    from trestle.oscal.assessment_results import AssessmentResults
    from trestle.oscal.catalog import Catalog, Control

    from sms_model.catalog import Clause, EvidenceExpectation, Guidance
    from sms_model.model import Edition
    from sms_model.rules import Assessment, Finding

__all__ = ["CATALOG_MODIFIED", "NAMESPACE", "UUID_NAMESPACE", "assessment_results", "catalog"]

#: The namespace of our properties and part names (``ns``): the names it qualifies are ours.
NAMESPACE: Final = "https://sms-model.invalid/ns/oscal"
#: The namespace of every UUID the documents hold (version 5 UUIDs of stable names).
UUID_NAMESPACE: Final = uuid.uuid5(uuid.NAMESPACE_URL, NAMESPACE)
#: The ``last-modified`` date of :func:`catalog`: the day the content of a catalog (of either
#: edition) last changed.
CATALOG_MODIFIED: Final = date(2026, 12, 3)

# The edition of the first export, whose names and wording every later one keeps.
_FIRST: Final = EDITIONS[0]
# The edition the evidence expectations name their clauses in (see sms_model.catalog).
_EXPECTATIONS_EDITION: Final = "2011"

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

    The document speaks of the assessment's own edition (:attr:`Assessment.edition
    <sms_model.rules.Assessment.edition>`): the result's title names it, and each finding's
    target is a control of ``catalog(assessment.edition)``, titled as that edition titles the
    clause. Needs the ``oscal`` extra (compliance-trestle); see the module for the mapping.

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

    Against the 2018 edition, the same system gives a document of its own:

    >>> in_2018 = sms_model.assess(result.sms, as_of=date(2026, 11, 27), edition="2018")
    >>> document = json.loads(assessment_results(in_2018))["assessment-results"]
    >>> document["metadata"]["title"]
    'Assessment of Minimal SMS against ISO/IEC 20000-1:2018 as of 2026-11-27'
    >>> document["results"][0]["title"]
    'Conformity to ISO/IEC 20000-1:2018 as of 2026-11-27'
    >>> [f["target"]["title"] for f in document["results"][0]["findings"]
    ...  if f["target"]["target-id"] == "c-8.2.5"][:1]
    ['8.2.5 Asset management']
    """
    from sms_model.rules import Assessment

    if not isinstance(assessment, Assessment):
        from sms_model.errors import ArgumentError

        raise ArgumentError(f"expected an Assessment, not {type(assessment).__name__}")
    _checked(assessment.edition)
    _trestle()
    return _serialized(_assessment_results(assessment, docs_url))


def catalog(edition: str | Edition = "2011") -> str:
    """The clause catalogue of an edition of ISO/IEC 20000-1 (``"2011"`` or ``"2018"``, or an
    :class:`~sms_model.model.Edition`) as an OSCAL ``catalog`` document (JSON, indented,
    ending in a new line): the same edition gives the same bytes.

    Each clause is a control ``c-<number>`` (``c-4.1.1``), nested in the control of its parent
    clause, titled with the clause's title and labelled with its number. Its parts hold only
    what :mod:`sms_model.catalog` holds, all of it our own paraphrase, never the text of the
    standard: the clause's summary as its ``statement``, the guidance statements that bear on
    it in the edition (:meth:`Guidance.clauses_in <sms_model.catalog.Guidance.clauses_in>`) as
    ``guidance`` and the evidence an assessor expects as ``assessment-method``. The evidence
    expectations name clauses of 2011; in 2018 each is a method of every clause the crosswalk
    takes its clause to (:func:`~sms_model.catalog.crosswalk`), with that 2011 clause as the
    property ``clause-2011``, and a guidance statement whose meaning changed in 2018 holds the
    note that says how as a part ``edition-note`` of ours.

    Raises :class:`~sms_model.errors.ArgumentError` for an edition the library does not know.

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

    In 2018, the internal audit expected under 2011 clause 4.5.4.2 serves clause 9.2, and the
    guidance on other parties (``APP-4``) bears on 8.2.3, with a note on what changed:

    >>> from sms_model.catalog import guidance_by_id
    >>> document = json.loads(catalog("2018"))["catalog"]
    >>> document["metadata"]["title"]
    'ISO/IEC 20000-1:2018: clauses, with the paraphrases of sms-model'
    >>> def flat(controls):
    ...     for each in controls:
    ...         yield each
    ...         yield from flat(each.get("controls", []))
    >>> controls = {each["id"]: each for each in flat(document["controls"])}
    >>> audit = controls["c-9.2"]
    >>> audit["title"], [part["id"] for part in audit["parts"]]
    ('Internal audit', ['c-9.2_smt', 'c-9.2_gdn.TM-j', 'c-9.2_asm.internal-audit'])
    >>> {prop["name"]: prop["value"] for prop in audit["parts"][2]["props"]}["clause-2011"]
    '4.5.4.2'
    >>> [note] = controls["c-8.2.3"]["parts"][1]["parts"]
    >>> note["name"], note["prose"] == guidance_by_id("APP-4").note_in("2018")
    ('edition-note', True)
    >>> catalog("2005")
    Traceback (most recent call last):
    ...
    sms_model.errors.ArgumentError: edition must be one of 2011, 2018, not str '2005'
    """
    checked = _checked(edition)
    _trestle()
    return _serialized(_catalog(checked))


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


def _checked(edition: object) -> str:
    """The edition as its number (``"2018"``), or an error naming the editions there are."""
    from sms_model.errors import ArgumentError
    from sms_model.model import Edition

    value = edition.value if isinstance(edition, Edition) else edition
    if isinstance(value, str) and value in EDITIONS:
        return value
    known = ", ".join(EDITIONS)
    raise ArgumentError(f"edition must be one of {known}, not {type(edition).__name__} {edition!r}")


def _standard(edition: str) -> str:
    return f"ISO/IEC 20000-1:{edition}"


def _edition_uuid(edition: str, *name: str) -> str:
    """The UUID of a name within the documents of an edition: the name as it is in 2011, the
    name after the edition in any other (so no UUID of one edition is one of another's)."""
    return _uuid(*name) if edition == _FIRST else _uuid(edition, *name)


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

    as_of, edition = assessment.as_of.isoformat(), assessment.edition
    plan = _plan_resource(assessment, docs_url)
    system = markdown_text(assessment.system_name)
    # 2011 keeps the title of the first export; any other edition says which it is.
    against = "" if edition == _FIRST else f" against {_standard(edition)}"
    metadata = {
        "title": f"Assessment of {system}{against} as of {as_of}",
        "last-modified": _midnight(assessment.as_of),
        "version": _plain(assessment.library_version),
        "oscal-version": OSCAL_VERSION,
    }
    return AssessmentResults.model_validate(
        {
            "uuid": _edition_uuid(edition, "assessment-results", assessment.system_name, as_of),
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
    as_of, edition = assessment.as_of.isoformat(), assessment.edition
    system = markdown_text(assessment.system_name)
    # 2011 results were written before editions existed, without the property: they keep so.
    props = [
        *([] if edition == _FIRST else [_prop("edition", edition)]),
        _prop("as-of", as_of),
        _prop("ruleset-version", assessment.ruleset_version),
    ]
    if assessment.input_digest:
        props.append(_prop("input-digest", assessment.input_digest))
    observations, findings = [], []
    for finding, name in _named(assessment.findings):
        observation = _observation(finding, name, assessment.as_of, edition)
        observations.append(observation)
        findings.append(_finding(finding, name, observation["uuid"], edition))
    result: dict[str, Any] = {
        "uuid": _edition_uuid(edition, "result", assessment.system_name, as_of),
        "title": f"Conformity to {_standard(edition)} as of {as_of}",
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


def _observation(
    finding: Finding, name: tuple[str, ...], as_of: date, edition: str
) -> dict[str, Any]:
    observation: dict[str, Any] = {
        "uuid": _edition_uuid(edition, "observation", *name),
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


def _finding(
    finding: Finding, name: tuple[str, ...], observation: str, edition: str
) -> dict[str, Any]:
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
        "uuid": _edition_uuid(edition, "finding", *name),
        "title": f"{markdown_code(finding.rule)} {_STATUS_WORDS[status]}",
        "description": markdown_text(finding.message),
        "props": props,
        "target": _target(finding, edition),
        "related-observations": [{"observation-uuid": observation}],
    }


def _target(finding: Finding, edition: str) -> dict[str, Any]:
    """The control of the edition's catalog the finding is about, and how it fared."""
    from sms_model.catalog import clause

    target: dict[str, Any] = {"type": "objective-id", "target-id": _control_id(finding.clause)}
    try:
        target["title"] = f"{finding.clause} {clause(finding.clause, edition).title}"
    except LookupError:
        target["title"] = markdown_code(finding.clause)
    state = _TARGET_STATUS.get(finding.status.value)
    if state is None:
        target["implementation-status"] = {"state": "not-applicable"}
    else:
        target["status"] = {"state": state[0], "reason": state[1]}
    return target


def _plan_resource(assessment: Assessment, docs_url: str) -> dict[str, Any]:
    """The resource ``import-ap`` points at: the rules that were run, for the edition."""
    rules = f"{docs_url.rstrip('/')}/{RULES_PAGE}"
    library, ruleset = assessment.library_version, assessment.ruleset_version
    edition = assessment.edition
    # 2011 keeps the title of the first export; any other edition says which it is.
    named = "" if edition == _FIRST else f" for {_standard(edition)}"
    return {
        "uuid": _edition_uuid(edition, "rules", library, ruleset),
        "title": f"The rules of sms-model {library}{named}, ruleset {ruleset}",
        "description": f"The assessment ran {len(assessment.rules)} rules of sms-model: "
        f"its built-in rules of {_standard(edition)} and any plugin rules.",
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

# Every part of a control but its statement (guidance, assessment methods), by clause number.
_Traced = dict[str, list[dict[str, Any]]]


def _catalog(edition: str) -> Catalog:
    from trestle.oscal import OSCAL_VERSION
    from trestle.oscal.catalog import Catalog

    from sms_model import __version__
    from sms_model.catalog import clauses

    children: dict[str | None, list[Clause]] = {}
    for each in clauses(edition):
        children.setdefault(each.parent, []).append(each)
    traced = _traced(edition)
    standard = _standard(edition)
    metadata = {
        "title": f"{standard}: clauses, with the paraphrases of sms-model",
        "last-modified": _midnight(CATALOG_MODIFIED),
        "version": __version__,
        "oscal-version": OSCAL_VERSION,
        "remarks": _catalog_remarks(edition),
    }
    return Catalog.model_validate(
        {
            "uuid": _uuid("catalog", standard),
            "metadata": metadata,
            "controls": [_control(c, children, traced) for c in children[None]],
        }
    )


def _catalog_remarks(edition: str) -> str:
    remarks = (
        f"Clause numbers and titles of {_standard(edition)}. Every statement, guidance and "
        "assessment method is a paraphrase written for sms-model, never the text of the standard."
    )
    if edition == _EXPECTATIONS_EDITION:
        return remarks
    return (
        f"{remarks} The guidance statements and the assessment methods were written for "
        f"{_standard(_EXPECTATIONS_EDITION)}: each guidance statement sits under the clauses of "
        f"{edition} it bears on, with a note of ours where its meaning changed, and each "
        f"assessment method under every clause of {edition} that the crosswalk of sms-model "
        f"maps its {_EXPECTATIONS_EDITION} clause to (its property "
        f"clause-{_EXPECTATIONS_EDITION})."
    )


def _control(clause: Clause, children: dict[str | None, list[Clause]], traced: _Traced) -> Control:
    from trestle.oscal.catalog import Control

    control_id = _control_id(clause.number)
    props = [{"name": "label", "value": clause.number}]
    if clause.pdca is not None:
        props.append(_prop("pdca", clause.pdca.value))
    control: dict[str, Any] = {"id": control_id, "title": clause.title, "props": props}
    parts = traced.get(clause.number, [])
    if clause.summary is not None:
        parts = [{"id": f"{control_id}_smt", "name": "statement", "prose": clause.summary}, *parts]
    if parts:
        control["parts"] = parts
    below = children.get(clause.number, [])
    if below:
        control["controls"] = [_control(c, children, traced) for c in below]
    return Control.model_validate(control)


def _traced(edition: str) -> _Traced:
    """The guidance statements and the evidence expectations of each clause of the edition, as
    the parts of its control: guidance first, each in catalogue order."""
    from sms_model.catalog import expectations, guidance

    traced: _Traced = {}
    for item in guidance():
        for number in item.clauses_in(edition):
            traced.setdefault(number, []).append(_guidance_part(item, number, edition))
    for expected in expectations():
        for number in _expected_in(expected, edition):
            traced.setdefault(number, []).append(_method_part(expected, number, edition))
    return traced


def _guidance_part(item: Guidance, number: str, edition: str) -> dict[str, Any]:
    part_id = f"{_control_id(number)}_gdn.{item.id}"
    part: dict[str, Any] = {
        "id": part_id,
        "name": "guidance",
        "title": item.title,
        "props": [
            _prop("guidance-id", item.id),
            _prop("source", f"ISO/IEC 20000-2:2012, {item.source}"),
        ],
        "prose": item.summary,
    }
    note = item.note_in(edition)
    if note is not None:
        part["parts"] = [
            {"id": f"{part_id}.note", "name": "edition-note", "ns": NAMESPACE, "prose": note}
        ]
    return part


def _expected_in(expected: EvidenceExpectation, edition: str) -> tuple[str, ...]:
    """The clauses of the edition an evidence expectation serves: the clause it names, or in
    another edition the clauses the crosswalk takes that clause to."""
    from sms_model.catalog import crosswalk

    if edition == _EXPECTATIONS_EDITION:
        return (expected.clause,)
    return crosswalk(_EXPECTATIONS_EDITION, edition)[expected.clause]


def _method_part(expected: EvidenceExpectation, number: str, edition: str) -> dict[str, Any]:
    props = [_prop("expectation-id", expected.id), _prop("method", "EXAMINE")]
    if expected.cadence is not None:
        props.append(_prop("cadence", expected.cadence))
    if edition != _EXPECTATIONS_EDITION:
        props.append(_prop(f"clause-{_EXPECTATIONS_EDITION}", expected.clause))
    return {
        "id": f"{_control_id(number)}_asm.{expected.id}",
        "name": "assessment-method",
        "props": props,
        "prose": expected.description,
    }

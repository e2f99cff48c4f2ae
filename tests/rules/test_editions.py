"""The edition as a dimension of the engine: rules state a clause per edition, the registry
selects by edition, an assessment is of one edition (the system's own, 2011 when it declares
none), and reports say which."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import attrs
import jsonschema
import pytest

import sms_model
from sms_model.catalog import clause as catalog_clause
from sms_model.errors import ArgumentError, RuleDefinitionError, SelectionError
from sms_model.model import Edition
from sms_model.rules import Assessment, Context, Finding, Registry, assess, default_registry, diff

ROOT = Path(__file__).resolve().parents[2]
MINIMAL = ROOT / "examples" / "minimal.yaml"
ACME = ROOT / "examples" / "acme-managed-services.yaml"
AS_OF = date(2026, 11, 27)
REPORT_SCHEMA = json.loads(
    (ROOT / "docs" / "schema" / "assessment-report-2.schema.json").read_text(encoding="utf-8")
)


def _registry() -> Registry:
    registry = Registry()

    @registry.rule(id="BOTH", clause="4.1.4", clauses={"2018": "5.3"})
    def both(ctx: Context) -> Any:
        """Checked in both editions."""
        yield ctx.fail("as seen in {edition}", code="test.both", edition=ctx.edition)

    @registry.rule(id="OLD", clause="4.2")
    def old(ctx: Context) -> Any:
        """2011 only."""
        yield ctx.fail("old", code="test.old")

    @registry.rule(id="NEW", clause="8.2.5", edition="2018")
    def new(ctx: Context) -> Any:
        """2018 only."""
        yield ctx.fail("new", code="test.new")

    return registry


# --- rules and the registry -------------------------------------------------------------------


def test_a_rule_states_its_clause_in_each_edition() -> None:
    registry = _registry()
    both, old, new = registry.get("BOTH"), registry.get("OLD"), registry.get("NEW")
    assert both.clauses == (("2011", "4.1.4"), ("2018", "5.3"))
    assert (old.editions, new.editions) == (("2011",), ("2018",))
    assert (new.clause, new.edition, new.clause_in("2011")) == ("8.2.5", "2018", None)
    seen = both.in_edition("2018")
    assert (seen.clause, seen.edition, seen.id, seen.clauses) == (
        "5.3",
        "2018",
        "BOTH",
        both.clauses,
    )
    with pytest.raises(SelectionError, match="no clause of the 2018 edition"):
        old.in_edition("2018")


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"clause": "8.2.5"}, "which ISO/IEC 20000-1:2011 lacks"),
        ({"clause": "4.1.4", "edition": "2018"}, "which ISO/IEC 20000-1:2018 lacks"),
        ({"clause": "4.1.4", "clauses": {"2018": "4.1.4"}}, "which ISO/IEC 20000-1:2018 lacks"),
        ({"clause": "4.1.4", "clauses": {"2005": "4"}}, "names edition '2005'"),
        ({"clause": "4.1.4", "clauses": {"2011": "4.2"}}, "for the same edition"),
        ({"clause": "4.1.4", "clauses": ["2018"]}, "must map editions to clauses"),
    ],
)
def test_a_rule_naming_a_wrong_clause_or_edition_is_refused(
    arguments: dict[str, Any], message: str
) -> None:
    registry = Registry()
    with pytest.raises(RuleDefinitionError, match=message):

        @registry.rule(id="X", **arguments)
        def x(ctx: Context) -> Any:
            yield from ()


def test_selection_by_edition_keeps_the_rules_of_that_edition_seen_through_it() -> None:
    registry = _registry()
    assert [(s.id, s.clause) for s in registry.select(edition="2018")] == [
        ("BOTH", "5.3"),
        ("NEW", "8.2.5"),
    ]
    assert [s.id for s in registry.select(edition="2011")] == ["BOTH", "OLD"]
    # Clause numbers in selectors are the edition's own.
    assert [s.id for s in registry.select(["5"], edition="2018")] == ["BOTH"]
    assert [s.id for s in registry.select(["4.1"], edition="2011")] == ["BOTH"]
    with pytest.raises(SelectionError, match=r"'4\.2' names no rule"):
        registry.select(["4.2"], edition="2018")
    # Without an edition, every rule as declared.
    assert [s.id for s in registry.select()] == ["BOTH", "NEW", "OLD"]


def test_every_builtin_rule_names_clauses_the_catalogue_has() -> None:
    for spec in default_registry():
        for edition, number in spec.clauses:
            assert catalog_clause(number, edition).number == number


# --- assessments ---------------------------------------------------------------------------------


def test_the_edition_is_the_argument_else_the_systems_own_else_2011() -> None:
    sms, registry = sms_model.load(MINIMAL), _registry()
    assert sms.edition is None
    default = assess(sms, as_of=AS_OF, registry=registry)
    assert default.edition == "2011"
    assert [(f.rule, f.clause) for f in default.findings] == [("BOTH", "4.1.4"), ("OLD", "4.2")]
    declared = attrs.evolve(sms, edition=Edition.ISO_20000_1_2018)
    in_2018 = assess(declared, as_of=AS_OF, registry=registry)
    assert in_2018.edition == "2018"
    assert [(f.rule, f.clause, f.message) for f in in_2018.findings] == [
        ("BOTH", "5.3", "as seen in 2018"),
        ("NEW", "8.2.5", "new"),
    ]
    # The argument wins over the declaration, as an Edition or its value.
    for given in ("2011", Edition.ISO_20000_1_2011):
        assert assess(declared, as_of=AS_OF, registry=registry, edition=given).edition == "2011"
    # The verdicts are those of the edition's clauses.
    assert in_2018.verdict("8.2.5").verdict.value == "major"
    with pytest.raises(KeyError):
        in_2018.verdict("4.1.4")


def test_the_same_situation_has_the_same_finding_id_in_both_editions() -> None:
    sms, registry = sms_model.load(MINIMAL), _registry()
    ids = [
        {f.rule: f.id for f in assess(sms, as_of=AS_OF, registry=registry, edition=e).findings}
        for e in ("2011", "2018")
    ]
    assert ids[0]["BOTH"] == ids[1]["BOTH"]


@pytest.mark.parametrize("edition", ["2005", 2018, "", None.__class__])
def test_an_unknown_edition_is_an_argument_error(edition: Any) -> None:
    with pytest.raises(ArgumentError, match="edition must be one of 2011, 2018"):
        assess(sms_model.load(MINIMAL), as_of=AS_OF, edition=edition)


def test_a_file_declares_its_edition_as_text(tmp_path: Path) -> None:
    text = MINIMAL.read_text(encoding="utf-8")
    (tmp_path / "ok.yaml").write_text('edition: "2018"\n' + text, encoding="utf-8")
    assert sms_model.load(tmp_path / "ok.yaml").edition is Edition.ISO_20000_1_2018
    (tmp_path / "bad.yaml").write_text("edition: 2018\n" + text, encoding="utf-8")
    with pytest.raises(sms_model.ModelValidationError) as caught:
        sms_model.load(tmp_path / "bad.yaml")
    assert "bad.yaml:1:10: $.edition: expected one of '2011', '2018' (found int 2018)" in str(
        caught.value
    )


def test_the_json_report_names_the_edition_and_reads_back() -> None:
    sms = sms_model.load(ACME)
    for edition in ("2011", "2018"):
        result = assess(sms, as_of=AS_OF, edition=edition)
        document = json.loads(result.to_json())
        jsonschema.Draft202012Validator(REPORT_SCHEMA).validate(document)
        assert document["edition"] == edition
        again = Assessment.from_json(result.to_json())
        assert again == result
        assert again.edition == edition
    # A report written before editions existed was of the 2011 edition.
    old = json.loads(assess(sms, as_of=AS_OF, select=["4.1.4"]).to_json())
    del old["edition"]
    assert Assessment.from_json(json.dumps(old)).edition == "2011"


def test_a_2011_report_differs_from_before_editions_only_by_its_edition() -> None:
    result = assess(sms_model.load(ACME), as_of=AS_OF)
    document = json.loads(result.to_json())
    assert list(document)[:4] == ["report_format", "system", "as_of", "edition"]
    assert [c["clause"] for c in document["clauses"]][:3] == ["4", "4.1", "4.1.1"]


def test_assessments_of_two_editions_are_not_diffed() -> None:
    sms = sms_model.load(MINIMAL)
    old = assess(sms, as_of=AS_OF, edition="2011")
    with pytest.raises(ArgumentError, match="different editions"):
        diff(old, assess(sms, as_of=AS_OF, edition="2018"))
    assert diff(old, old).edition == "2011"


def test_a_reassessment_in_another_edition_runs_whole_and_equals_a_fresh_one() -> None:
    sms = sms_model.load(ACME)
    old = assess(sms, as_of=AS_OF, edition="2011")
    again = assess(sms, as_of=AS_OF, edition="2018", previous=old)
    assert again == assess(sms, as_of=AS_OF, edition="2018")
    assert again.edition == "2018"


def test_a_rule_of_both_editions_sees_the_edition_it_is_run_for() -> None:
    seen: list[str] = []
    registry = Registry()

    @registry.rule(id="SEE", clause="4.1.4", clauses={"2018": "5.3"})
    def see(ctx: Context) -> list[Finding]:
        seen.append(ctx.edition)
        return []

    sms = sms_model.load(MINIMAL)
    for edition in ("2018", "2011"):
        assess(sms, as_of=AS_OF, registry=registry, edition=edition)
    assert seen == ["2018", "2011"]


def test_a_builtin_rule_of_both_editions_follows_the_crosswalk_or_its_guidance() -> None:
    from sms_model.catalog import crosswalk, guidance_by_id, is_within

    forward = crosswalk("2011", "2018")
    astray = {}
    for spec in default_registry():
        old, new = spec.clause_in("2011"), spec.clause_in("2018")
        if old is None or new is None:
            continue
        # A rule of a clause above the leaves may follow any of its leaves' mappings.
        targets = {t for leaf, mapped in forward.items() if is_within(leaf, old) for t in mapped}
        # A guidance statement's 2018 clauses are where 2018 carries that statement.
        targets.update(c for g in spec.guidance for c in guidance_by_id(g).clauses_in("2018"))
        if new not in targets:
            astray[spec.id] = (old, new, sorted(targets))
    assert astray == {}


def test_a_waivers_clause_and_a_declared_exclusion_are_clauses_of_the_edition_assessed() -> None:
    from sms_model.rules import Config, Status, Waiver

    sms, registry = sms_model.load(ACME), _registry()
    approver = sms.top_management.members[0]
    waiver = Waiver(
        id="w-assets",
        target="8.2.5",
        justification="asset register under way",
        approver=approver,
        expires=date(2027, 6, 30),
        edition="2018",
    )
    new = assess(sms, as_of=AS_OF, registry=registry, edition="2018", waivers=[waiver])
    assert {f.rule: f.status for f in new.findings if f.rule == "NEW"} == {"NEW": Status.WAIVED}
    scope = next(f for f in new.findings if f.rule == "SMS-waiver-scope")
    assert scope.clause == "8.2.5"
    old = assess(sms, as_of=AS_OF, registry=registry, edition="2011", waivers=[waiver])
    refused = next(f for f in old.findings if f.rule == "SMS-waiver-target")
    assert refused.clause == "4.5.5.1"
    assert "targets clause 8.2.5 of ISO/IEC 20000-1:2018, not of 2011" in refused.message
    # A waiver of a 2011 clause (the default edition) is not applied to the clause of the same
    # number in 2018, which is about something else.
    of_2011 = attrs.evolve(waiver, id="w-2011", target="4.2", edition="2011")
    other = assess(sms, as_of=AS_OF, registry=registry, edition="2018", waivers=[of_2011])
    assert [f.code for f in other.findings if f.rule == "SMS-waiver-target"] == [
        "waiver.other-edition"
    ]
    with pytest.raises(sms_model.FieldValueError, match=r"Waiver\.edition: must be one of"):
        attrs.evolve(waiver, edition="2005")
    by_rule = attrs.evolve(waiver, id="w-old", target="OLD")
    unused = assess(sms, as_of=AS_OF, registry=registry, edition="2018", waivers=[by_rule])
    assert [f.clause for f in unused.findings if f.rule == "SMS-waiver-unused"] == ["10.1"]

    config = Config(not_applicable=["8.2.5"])
    for edition, clause, fragment in (
        ("2018", "8.2.5", "allows no exclusions: its requirements still apply"),
        ("2011", "4", "ISO/IEC 20000-1:2011 has no such clause"),
    ):
        result = assess(sms, as_of=AS_OF, registry=registry, edition=edition, config=config)
        noted = next(f for f in result.findings if f.rule == "SMS-4-no-exclusions")
        assert (noted.clause, fragment in noted.message) == (clause, True)


def test_a_system_without_2018_records_keeps_the_digest_it_had_before_editions() -> None:
    from sms_model.model import Asset, ContextIssue
    from sms_model.rules import input_digest

    sms = sms_model.load(ACME)
    # Recorded with the library as it was before the 2018 edition came in.
    assert input_digest(sms) == (
        "sha256:67b642ef83aca73a47259a4e9822d8722f2494beefc7c3cccf11c49b07a4bd91"
    )
    # Anything the 2018 edition added, once set, enters the digest.
    service = attrs.evolve(sms.services[0], depends_on=(sms.services[1].id,))
    changed = [
        sms.replace(service),
        attrs.evolve(sms, edition=Edition.ISO_20000_1_2018),
        attrs.evolve(sms, assets=(Asset(id="as-1", name="Rack", kind="hardware"),)),
        attrs.evolve(
            sms,
            context_issues=(ContextIssue(id="ci-1", title="t", determined=date(2026, 1, 5)),),
        ),
    ]
    digests = {input_digest(s) for s in changed} | {input_digest(sms)}
    assert len(digests) == len(changed) + 1

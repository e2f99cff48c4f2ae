"""The aggregate root indexes every id, checks every reference and the structure, and answers
lookups (ISO/IEC 20000-1:2011, Clause 4 as a whole)."""

from __future__ import annotations

from datetime import date
from typing import Any

import attrs
import pytest

from sms_model import (
    DuplicateIdError,
    FieldValueError,
    Issue,
    ModelValidationError,
    ServiceManagementSystem,
    UnknownReferenceError,
)
from sms_model.model import (
    Approval,
    Audit,
    AuditKind,
    Clause4Duty,
    Document,
    DocumentKind,
    DutyAssignment,
    OtherPartyProcess,
    Party,
    PartyKind,
    Person,
    Process,
    ProcessKind,
    Role,
    Scope,
    Service,
    ServiceManagementPlan,
    TopManagement,
)
from sms_model.rules import assess


def _parts() -> dict[str, Any]:
    """The keyword arguments of a small valid SMS; tests break one thing at a time."""
    return {
        "name": "Acme",
        "provider": "acme",
        "top_management": TopManagement(members=("ceo",), representative="ann"),
        "parties": [
            Party(id="acme", name="Acme", kind=PartyKind.PROVIDER),
            Party(id="globex", name="Globex", kind=PartyKind.SUPPLIER),
            Party(id="initech", name="Initech", kind=PartyKind.SUPPLIER, lead_supplier="globex"),
            Party(id="bigco", name="BigCo", kind=PartyKind.CUSTOMER),
        ],
        "people": [
            Person(id="ceo", name="Ada", party="acme"),
            Person(id="ann", name="Ann", party="acme", reports_to="ceo"),
            Person(id="gil", name="Gil", party="globex"),
        ],
        "roles": [Role(id="cab", name="Change board", party="acme", holders=("ann", "ceo"))],
        "services": [Service(id="email", name="E-mail", customers=("bigco",))],
        "documents": [Document(id="cm-def", kind=DocumentKind.PROCESS_DEFINITION, title="CM")],
        "processes": [
            Process(id="p-change", kind=ProcessKind.CHANGE, owner="cab"),
            Process(id="p-incident", kind=ProcessKind.INCIDENT_AND_REQUEST, owner="ann"),
            Process(id="p-problem", kind=ProcessKind.PROBLEM, operated_by="globex"),
            Process(id="p-config", kind=ProcessKind.CONFIGURATION, owner="ceo"),
        ],
        "other_party_processes": [
            OtherPartyProcess(id="opp-1", party="globex", process="p-problem", accountable="ann")
        ],
    }


def _sms(**changes: Any) -> ServiceManagementSystem:
    return ServiceManagementSystem(**{**_parts(), **changes})


def _problems(**changes: Any) -> tuple[type[ModelValidationError], tuple[Issue, ...]]:
    with pytest.raises(ModelValidationError) as caught:
        _sms(**changes)
    return type(caught.value), caught.value.issues


def _with(collection: str, index: int, **fields: Any) -> list[Any]:
    items = list(_parts()[collection])
    items[index] = attrs.evolve(items[index], **fields)
    return items


def test_small_sms_is_valid() -> None:
    sms = _sms()
    expected = "acme"
    assert expected == sms.provider_party.id


# --- duplicate ids ---------------------------------------------------------------------------


def test_id_used_in_two_collections_is_a_duplicate_naming_the_first_use() -> None:
    people = [*_parts()["people"], Person(id="email", name="Eve", party="acme")]
    error, issues = _problems(people=people)
    assert DuplicateIdError == error
    expected = Issue(
        what="duplicate id, first used at $.people[3].id",
        path="$.services[0].id",
        found="'email'",
        code="duplicate-id",
    )
    assert (expected,) == issues


def test_id_used_twice_in_one_collection_is_a_duplicate() -> None:
    parties = [*_parts()["parties"], Party(id="globex", name="Globex 2", kind=PartyKind.OTHER)]
    error, issues = _problems(parties=parties)
    assert DuplicateIdError == error
    expected = [("$.parties[4].id", "duplicate id, first used at $.parties[1].id")]
    assert expected == [(issue.path, issue.what) for issue in issues]


def test_duplicate_id_message_shows_path_and_first_use() -> None:
    parties = [*_parts()["parties"], Party(id="acme", name="Again", kind=PartyKind.OTHER)]
    with pytest.raises(DuplicateIdError) as caught:
        _sms(parties=parties)
    expected = (
        "1 problem in the service management system\n"
        "  - $.parties[4].id: duplicate id, first used at $.parties[0].id (found 'acme')"
    )
    assert expected == str(caught.value)


def test_plan_id_clashing_with_an_entity_is_a_duplicate() -> None:
    plan = ServiceManagementPlan(id="email", title="Plan")
    error, issues = _problems(plan=plan)
    assert DuplicateIdError == error
    expected = [("$.plan.id", "'email'")]
    assert expected == [(i.path, i.found) for i in issues]


# --- references ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "path", "what"),
    [
        (
            {"processes": _with("processes", 3, owner="bob")},
            "$.processes[3].owner",
            "unknown person or role: no person or role has this id",
        ),
        (
            {"processes": _with("processes", 1, interfaces=("p-change", "bob"))},
            "$.processes[1].interfaces[1]",
            "unknown process: no process has this id",
        ),
        (
            {"people": _with("people", 1, reports_to="bob")},
            "$.people[1].reports_to",
            "unknown person: no person has this id",
        ),
        (
            {"parties": _with("parties", 2, lead_supplier="bob")},
            "$.parties[2].lead_supplier",
            "unknown party: no party has this id",
        ),
        (
            {"roles": _with("roles", 0, holders=("ann", "bob"))},
            "$.roles[0].holders[1]",
            "unknown person: no person has this id",
        ),
        (
            {"top_management": TopManagement(members=("ceo", "bob"))},
            "$.top_management.members[1]",
            "unknown person: no person has this id",
        ),
        (
            {"duties": [DutyAssignment(duty=Clause4Duty.SCOPE, accountable="bob")]},
            "$.duties[0].accountable",
            "unknown person or role: no person or role has this id",
        ),
        (
            {"plan": ServiceManagementPlan(id="plan", title="Plan", owner="bob")},
            "$.plan.owner",
            "unknown person or role: no person or role has this id",
        ),
        (
            {"scope": Scope(statement="All", services=("email", "bob"))},
            "$.scope.services[1]",
            "unknown service: no service has this id",
        ),
        (
            {"other_party_processes": _with("other_party_processes", 0, process="bob")},
            "$.other_party_processes[0].process",
            "unknown process: no process has this id",
        ),
        (
            {
                "audits": [
                    Audit(
                        id="a1",
                        kind=AuditKind.INTERNAL,
                        date=date(2024, 3, 1),
                        auditor="gil",
                        nonconformities=("bob",),
                    )
                ]
            },
            "$.audits[0].nonconformities[0]",
            "unknown improvement: no improvement has this id",
        ),
        (
            {
                "approvals": [
                    Approval(id="ap", subject="bob", approver="ceo", date=date(2024, 1, 1))
                ]
            },
            "$.approvals[0].subject",
            "unknown entity: no entity has this id",
        ),
    ],
)
def test_dangling_reference_is_unknown_with_its_path(
    changes: dict[str, Any], path: str, what: str
) -> None:
    error, issues = _problems(**changes)
    assert UnknownReferenceError == error
    assert (Issue(what=what, path=path, found="'bob'", code="unknown-reference"),) == issues


def test_unknown_provider_is_reported_on_the_provider_field() -> None:
    with pytest.raises(UnknownReferenceError) as caught:
        _sms(provider="nobody")
    expected = [("$.provider", "'nobody'")]
    assert expected == [(i.path, i.found) for i in caught.value.issues]


def test_unknown_reference_error_is_a_lookup_error() -> None:
    with pytest.raises(LookupError):
        _sms(processes=_with("processes", 3, owner="bob"))


def test_process_owner_naming_a_service_is_the_wrong_kind() -> None:
    error, issues = _problems(processes=_with("processes", 3, owner="email"))
    assert UnknownReferenceError == error
    expected = Issue(
        what="must name a person or role",
        path="$.processes[3].owner",
        found="'email', a service",
        code="unknown-reference",
    )
    assert (expected,) == issues


def test_reporting_line_to_a_role_is_the_wrong_kind() -> None:
    _, issues = _problems(people=_with("people", 1, reports_to="cab"))
    expected = [("$.people[1].reports_to", "must name a person", "'cab', a role")]
    assert expected == [(i.path, i.what, i.found) for i in issues]


def test_record_may_name_any_kind_of_artefact() -> None:
    approvals = [
        Approval(id=f"ap-{i}", subject=subject, approver="ceo", date=date(2024, 1, 1))
        for i, subject in enumerate(["email", "p-change", "cab", "globex", "plan", "scope"])
    ]
    sms = _sms(
        approvals=approvals,
        plan=ServiceManagementPlan(id="plan", title="Plan"),
        scope=Scope(statement="All services"),
    )
    expected = ["service", "process", "role", "party", "plan", "scope"]
    assert expected == [sms.kind_of(a.subject) for a in sms.approvals]


# --- structure -------------------------------------------------------------------------------


def test_provider_must_be_a_party_of_kind_provider() -> None:
    error, issues = _problems(provider="bigco")
    assert ModelValidationError == error
    expected = Issue(
        what="the provider must be a party of kind 'provider'",
        path="$.provider",
        found="'bigco' of kind 'customer'",
    )
    assert (expected,) == issues


@pytest.mark.parametrize(
    ("process", "activity", "found"),
    [
        ("p-problem", Clause4Duty.INTERNAL_AUDIT, "process and activity"),
        (None, None, "none"),
    ],
)
def test_other_party_process_names_exactly_one_of_process_and_activity(
    process: str | None, activity: Clause4Duty | None, found: str
) -> None:
    opp = OtherPartyProcess(id="opp-1", party="globex", process=process, activity=activity)
    _, issues = _problems(other_party_processes=[opp])
    expected = Issue(
        what="set exactly one of 'process', 'activity', 'service' and 'component'",
        path="$.other_party_processes[0]",
        found=found,
    )
    assert (expected,) == issues


def test_other_party_activity_without_process_is_valid() -> None:
    opp = OtherPartyProcess(id="opp-1", party="globex", activity=Clause4Duty.INTERNAL_AUDIT)
    assert (opp,) == _sms(other_party_processes=[opp]).other_party_processes


def test_an_engagement_ending_before_it_starts_loads_and_is_a_finding() -> None:
    # A wrong date is representable: it is reported by rule SMS-4.2-engagement-dates, and no
    # longer holds up every other finding by making the whole file refused.
    opps = _with("other_party_processes", 0, start=date(2024, 5, 1), end=date(2024, 4, 30))
    sms = _sms(other_party_processes=opps)
    found = assess(sms, as_of=date(2026, 11, 27), select=["SMS-4.2-engagement-dates"]).failures
    assert [(opps[0].id,)] == [f.subjects for f in found]
    assert "ends on 2024-04-30, before it starts on 2024-05-01" in found[0].message


def test_engagement_ending_on_its_start_day_is_valid() -> None:
    opps = _with("other_party_processes", 0, start=date(2024, 5, 1), end=date(2024, 5, 1))
    assert date(2024, 5, 1) == _sms(other_party_processes=opps).other_party_processes[0].end


def _cycles(sms: ServiceManagementSystem) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    from sms_model.graph import GapKind, find_gaps

    return [(g.subjects, g.path) for g in find_gaps(sms) if g.kind is GapKind.REPORTING_LINE_CYCLE]


def test_a_reporting_line_cycle_is_a_fact_to_report_not_a_load_error() -> None:
    sms = _sms(people=_with("people", 0, reports_to="ann"))  # ann already reports to ceo
    assert [(("ann", "ceo"), ("ann", "ceo", "ann"))] == _cycles(sms)


def test_person_reporting_to_themself_is_a_cycle() -> None:
    sms = _sms(people=_with("people", 2, reports_to="gil"))
    assert [(("gil",), ("gil", "gil"))] == _cycles(sms)


def test_long_reporting_cycle_is_reported_once() -> None:
    people = [
        Person(id="p0", name="A", party="acme", reports_to="p3"),
        Person(id="p1", name="B", party="acme", reports_to="p0"),
        Person(id="p2", name="C", party="acme", reports_to="p1"),
        Person(id="p3", name="D", party="acme", reports_to="p2"),
        Person(id="p4", name="E", party="acme", reports_to="p3"),  # hangs off the cycle
    ]
    sms = ServiceManagementSystem(
        name="Acme", provider="acme", parties=_parts()["parties"], people=people
    )
    expected = [(("p0", "p1", "p2", "p3"), ("p0", "p3", "p2", "p1", "p0"))]
    assert expected == _cycles(sms)


def test_several_problems_are_reported_together() -> None:
    parties = [*_parts()["parties"], Party(id="acme", name="Again", kind=PartyKind.OTHER)]
    error, issues = _problems(
        parties=parties,
        processes=_with("processes", 3, owner="bob"),
        people=_with("people", 2, reports_to="nobody"),
    )
    assert ModelValidationError == error
    expected = [
        ("duplicate-id", "$.parties[4].id"),
        ("unknown-reference", "$.people[2].reports_to"),
        ("unknown-reference", "$.processes[3].owner"),
    ]
    assert expected == [(i.code, i.path) for i in issues]


def test_several_problems_message_counts_them() -> None:
    with pytest.raises(ModelValidationError) as caught:
        _sms(provider="bigco", processes=_with("processes", 3, owner="bob"))
    assert str(caught.value).startswith("2 problems in the service management system\n")


# --- lookups ---------------------------------------------------------------------------------


def test_get_returns_the_entity_with_that_id() -> None:
    sms = _sms()
    assert sms.people[1] == sms.get("ann")


def test_get_of_an_unknown_id_raises_unknown_reference() -> None:
    with pytest.raises(UnknownReferenceError) as caught:
        _sms().get("bob")
    assert (Issue(what="no entity has this id", found="'bob'", code="unknown-reference"),) == (
        caught.value.issues
    )


def test_find_returns_none_for_unknown_or_missing_ids() -> None:
    sms = _sms()
    assert (None, None, sms.services[0]) == (sms.find("bob"), sms.find(None), sms.find("email"))


def test_kind_of_names_the_collection_kind() -> None:
    sms = _sms()
    expected = ["party", "person", "role", "service", "process", "other_party_process", None]
    assert expected == [
        sms.kind_of(i) for i in ["acme", "ann", "cab", "email", "p-change", "opp-1", "bob"]
    ]


def test_party_of_person_role_and_party() -> None:
    sms = _sms()
    expected = ["globex", "acme", "initech", None, None]
    assert expected == [sms.party_of(i) for i in ["gil", "cab", "initech", "p-change", None]]


def test_is_provider_side_for_people_roles_and_parties() -> None:
    sms = _sms()
    expected = [True, True, True, False, False, False, False]
    assert expected == [
        sms.is_provider_side(i) for i in ["ann", "cab", "acme", "gil", "globex", "email", None]
    ]


def test_people_of_person_role_and_others() -> None:
    sms = _sms()
    expected = [("ann",), ("ann", "ceo"), (), (), ()]
    assert expected == [sms.people_of(i) for i in ["ann", "cab", "email", "bob", None]]


def test_contains_and_ids_in_file_order() -> None:
    sms = _sms()
    assert ("ann" in sms, "bob" in sms) == (True, False)
    expected = ["acme", "globex", "initech", "bigco", "ceo", "ann", "gil", "cab"]
    assert expected == list(sms.ids())[:8]


def test_lists_given_to_the_root_become_tuples() -> None:
    sms = _sms()
    assert (tuple, tuple) == (type(sms.parties), type(sms.processes))


# --- evolve ----------------------------------------------------------------------------------


def test_evolve_revalidates_the_whole_system() -> None:
    sms = _sms()
    with pytest.raises(UnknownReferenceError) as caught:
        attrs.evolve(
            sms,
            processes=(*sms.processes, Process(id="p-x", kind=ProcessKind.CAPACITY, owner="bob")),
        )
    expected = "$.processes[4].owner"
    assert expected == caught.value.issues[0].path


def test_evolve_reindexes_new_entities() -> None:
    sms = _sms()
    bigger = attrs.evolve(sms, people=(*sms.people, Person(id="zoe", name="Zoe", party="bigco")))
    expected = ("person", None)
    assert expected == (bigger.kind_of("zoe"), sms.kind_of("zoe"))


def test_systems_with_the_same_content_are_equal() -> None:
    assert _sms() == _sms()


@pytest.mark.parametrize("reserved", ["sms", "top_management", "duty:scope"])
def test_ids_reserved_for_graph_nodes_are_refused_with_their_path(reserved: str) -> None:
    from sms_model.errors import ModelValidationError
    from sms_model.model import Party, PartyKind, Person, ServiceManagementSystem

    with pytest.raises(ModelValidationError) as caught:
        ServiceManagementSystem(
            name="A",
            provider="a",
            parties=[Party(id="a", name="A", kind=PartyKind.PROVIDER)],
            people=[Person(id=reserved, name="X", party="a")],
        )
    issue = caught.value.issues[0]
    assert ("reserved-id", "$.people[0].id") == (issue.code, issue.path)


def _refused(**parts: Any) -> list[Issue]:
    """The issues of a system of provider ``a`` with these parts (the party ``a`` unless
    ``parties`` is given), which must be refused."""
    from sms_model.errors import ModelValidationError
    from sms_model.model import Party, PartyKind, ServiceManagementSystem

    parts.setdefault("parties", [Party(id="a", name="A", kind=PartyKind.PROVIDER)])
    with pytest.raises(ModelValidationError) as caught:
        ServiceManagementSystem(name="A", provider="a", **parts)
    return list(caught.value.issues)


def test_a_reserved_id_is_refused_on_the_plan_and_next_to_a_duplicate() -> None:
    from sms_model.model import Person, ServiceManagementPlan

    issues = _refused(
        people=[
            Person(id="x", name="X", party="a"),
            Person(id="x", name="X again", party="a"),
            Person(id="duty:x", name="D", party="a"),
        ],
        plan=ServiceManagementPlan(id="sms", title="Plan"),
    )
    found = sorted((i.code, i.path) for i in issues)
    assert [
        ("duplicate-id", "$.people[1].id"),
        ("reserved-id", "$.people[2].id"),
        ("reserved-id", "$.plan.id"),
    ] == found


def test_a_reference_to_an_unknown_id_and_one_of_the_wrong_kind_are_both_refused() -> None:
    from sms_model.model import Person

    issues = _refused(
        people=[Person(id="p", name="P", party="nobody"), Person(id="q", name="Q", party="p")]
    )
    found = [(i.path, i.what) for i in issues]
    assert [
        ("$.people[0].party", "unknown party: no party has this id"),
        ("$.people[1].party", "must name a party"),
    ] == found


def test_a_reference_to_an_id_used_twice_is_checked_against_the_entity_kept() -> None:
    from sms_model.model import Person

    issues = _refused(
        people=[
            Person(id="a", name="Also a", party="a"),  # the party keeps the id
            Person(id="q", name="Q", party="a", reports_to="a"),
        ]
    )
    found = [(i.path, i.code) for i in issues]
    assert [
        ("$.people[0].id", "duplicate-id"),
        ("$.people[1].reports_to", "unknown-reference"),
    ] == found


def test_an_entity_of_another_class_in_a_collection_is_refused_by_its_type() -> None:
    from sms_model.model import Evidence, Process, ProcessKind

    issues = _refused(
        processes=[Process(id="p", kind=ProcessKind.CHANGE, definition="ev")],
        documents=[Evidence(id="ev", kind="k", effective=date(2026, 1, 1))],
    )
    found = [(i.code, i.path, i.what, i.found) for i in issues]
    expected = [("type", "$.documents[0]", "expected a Document", "Evidence 'ev'")]
    assert expected == found


def test_a_reserved_id_after_a_duplicate_or_only_on_the_scope_is_refused() -> None:
    from sms_model.model import Evidence, Party, PartyKind, Scope

    provider = Party(id="a", name="A", kind=PartyKind.PROVIDER)
    issues = _refused(
        parties=[provider, provider],
        evidence=[Evidence(id="duty:x", kind="k", effective=date(2026, 1, 1))],
    )
    found = sorted((i.code, i.path) for i in issues)
    assert [("duplicate-id", "$.parties[1].id"), ("reserved-id", "$.evidence[0].id")] == found
    issues = _refused(scope=Scope(id="top_management", statement="All services."))
    found = [(i.code, i.path) for i in issues]
    assert [("reserved-id", "$.scope.id")] == found


def test_a_lone_string_for_a_list_of_ids_is_refused_not_split() -> None:
    from sms_model.model import Role

    with pytest.raises(FieldValueError) as caught:
        Role(id="r", name="R", party="a", holders="ceo")  # type: ignore[arg-type]
    assert "Role.holders: expected a tuple (or list) of texts (found 'ceo')" == str(caught.value)


@pytest.mark.parametrize("near", ["smss", "my-sms", "duty", "xduty:1", "top_management2"])
def test_ids_that_only_resemble_reserved_ones_are_accepted(near: str) -> None:
    from sms_model.model import Party, PartyKind, Person, ServiceManagementSystem

    sms = ServiceManagementSystem(
        name="A",
        provider="a",
        parties=[Party(id="a", name="A", kind=PartyKind.PROVIDER)],
        people=[Person(id=near, name="X", party="a")],
    )
    assert "person" == sms.kind_of(near)


def test_many_duplicates_are_each_reported_with_the_first_use() -> None:
    from sms_model.model import Person

    people = [Person(id=f"p{i % 3}", name="X", party="a") for i in range(3000)]
    issues = [i for i in _refused(people=people) if i.code == "duplicate-id"]
    assert 2997 == len(issues)
    assert "duplicate id, first used at $.people[1].id" == issues[1].what


def test_the_issue_example_builds_with_the_kind_given_as_its_value() -> None:
    from sms_model.model import Party, PartyKind

    sms = ServiceManagementSystem(
        name="x", provider="p", parties=[Party(id="p", name="P", kind="provider")]
    )
    assert PartyKind.PROVIDER is sms.provider_party.kind


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", None),
        ("name", 5),
        ("provider", None),
        ("top_management", None),
        ("top_management", {"members": []}),
        ("scope", "all of it"),
        ("plan", {}),
        ("duties", None),
        ("parties", None),
        ("parties", "acme"),
        ("parties", [{"id": "acme"}]),
        ("parties", 3),
        ("people", [None]),
        ("evidence", {"e1": None}),
    ],
)
def test_the_aggregate_refuses_wrong_values_with_a_library_error_naming_the_path(
    field: str, value: Any
) -> None:
    from sms_model.model import Party, PartyKind

    given: dict[str, Any] = {
        "name": "A",
        "provider": "a",
        "parties": [Party(id="a", name="A", kind=PartyKind.PROVIDER)],
        field: value,
    }
    with pytest.raises(ModelValidationError) as caught:
        ServiceManagementSystem(**given)
    assert ["type"] == [i.code for i in caught.value.issues]
    assert caught.value.issues[0].path.startswith(f"$.{field}")

"""The benchmark generator (benchmarks/generate.py) is deterministic and writes valid models."""

from __future__ import annotations

import doctest
import json
from collections import Counter
from typing import Any

import pytest

import sms_model
from tests.benchmark_support import load_benchmark

generator = load_benchmark("generate")


@pytest.fixture(scope="module")
def tiny() -> dict[str, Any]:
    data: dict[str, Any] = generator.generate("XS")
    return data


@pytest.fixture(scope="module")
def tiny_sms(tiny: dict[str, Any]) -> sms_model.ServiceManagementSystem:
    return sms_model.loads(json.dumps(tiny), "json")


def test_same_tier_and_seed_give_byte_identical_json() -> None:
    expected = json.dumps(generator.generate("XS", seed=3))
    actual = json.dumps(generator.generate("XS", seed=3))
    assert expected == actual


def test_another_seed_gives_another_model(tiny: dict[str, Any]) -> None:
    assert tiny != generator.generate("XS", seed=1)


def test_unknown_tier_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown tier 'XL'"):
        generator.generate("XL")


def test_generated_model_loads_through_the_json_reader(
    tiny: dict[str, Any], tiny_sms: sms_model.ServiceManagementSystem
) -> None:
    expected_version = 1
    assert expected_version == tiny["format_version"]
    assert generator.TIERS["XS"] == len(tiny_sms.evidence)
    assert len(tiny["services"]) == len(tiny_sms.services)


def test_tier_s_has_the_evidence_count_of_its_tier() -> None:
    data = generator.generate("S")
    sms = sms_model.loads(json.dumps(data), "json")
    expected_evidence, expected_services = 1_000, 50
    assert expected_evidence == len(sms.evidence)
    assert expected_services == len(sms.services)


def test_every_supplier_run_process_has_an_other_party_process_record(
    tiny_sms: sms_model.ServiceManagementSystem,
) -> None:
    run_by_others = {(p.id, p.operated_by) for p in tiny_sms.processes if p.operated_by}
    recorded = {(o.process, o.party) for o in tiny_sms.other_party_processes}
    assert run_by_others
    assert run_by_others == recorded


def test_each_service_line_runs_every_clause_5_to_9_process(
    tiny_sms: sms_model.ServiceManagementSystem,
) -> None:
    line_kinds = Counter(p.kind.value for p in tiny_sms.processes if p.id.startswith("p-sl"))
    assert {kind for kind, _ in generator._LINE_PROCESSES} == set(line_kinds)


def test_evidence_spans_the_two_years_before_the_assessment_date(
    tiny_sms: sms_model.ServiceManagementSystem,
) -> None:
    dates = [e.effective for e in tiny_sms.evidence]
    assert max(dates) <= generator.AS_OF
    assert (generator.AS_OF - min(dates)).days > 365


def test_deliberate_gaps_fail_a_few_percent_of_findings_and_no_rule_errors() -> None:
    sms = sms_model.loads(json.dumps(generator.generate("S")), "json")
    result = sms_model.assess(sms, as_of=generator.AS_OF)
    errors = [f.rule for f in result.findings if f.status.value == "error"]
    failed = sum(1 for f in result.findings if f.failed)
    expected_errors: list[str] = []
    assert expected_errors == errors
    assert 0.01 < failed / len(result.findings) < 0.25


def test_generator_docstring_examples_hold() -> None:
    outcome = doctest.testmod(generator, optionflags=doctest.NORMALIZE_WHITESPACE)
    expected_failures = 0
    assert expected_failures == outcome.failed
    assert outcome.attempted > 0

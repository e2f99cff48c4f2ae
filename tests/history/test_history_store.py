"""Recording assessments and reading the history back, on every backend: runs in order, their
counts, what is new and resolved, since when a finding is open, the timeline, and reports read
back equal to what was recorded."""

from __future__ import annotations

import itertools
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

import sms_model
from sms_model import history
from sms_model.rules import Assessment
from tests.history.conftest import DAYS, need, outstanding

T0 = datetime(2027, 7, 1, 6, 0, tzinfo=UTC)


def _record_all(url: str, assessments: list[Assessment]) -> list[int]:
    """Record each assessment, a minute apart, and return the run ids."""
    return [
        history.record(a, url, run_at=T0 + timedelta(minutes=i)) for i, a in enumerate(assessments)
    ]


def test_record_returns_new_ids_and_load_reads_back_the_assessment(
    url: str, acme: dict[date, Assessment], minimal: dict[date, Assessment]
) -> None:
    recorded = [acme[DAYS[0]], minimal[DAYS[0]], acme[DAYS[2]]]
    ids = _record_all(url, recorded)
    assert sorted(set(ids)) == ids
    for run_id, assessment in zip(ids, recorded, strict=True):
        loaded = history.load(url, run_id)
        assert assessment == loaded
        assert assessment.to_json() == loaded.to_json()


def test_runs_are_in_chronological_order_whatever_the_order_recorded(
    url: str, acme: dict[date, Assessment]
) -> None:
    order = [DAYS[2], DAYS[0], DAYS[3], DAYS[1]]
    ids = dict(zip(order, _record_all(url, [acme[d] for d in order]), strict=True))
    found = history.runs(url)
    assert list(DAYS) == [r.as_of for r in found]
    assert [ids[d] for d in DAYS] == [r.id for r in found]
    for run in found:
        assessment = acme[run.as_of]
        assert dict(assessment.failure_counts) == dict(run.failures)
        assert Counter(v.verdict.value for v in assessment.verdicts) == +Counter(run.clauses)
        assert (assessment.system_name, "2011") == (run.system, run.edition)
        assert assessment.input_digest == run.input_digest
        assert assessment.library_version == run.library_version
        assert assessment.ruleset_version == run.ruleset_version
        assert T0 + timedelta(minutes=order.index(run.as_of)) == run.run_at
        assert UTC == run.run_at.tzinfo
        assert run.source is None


def test_new_and_resolved_compare_each_run_with_the_one_before(
    url: str, acme: dict[date, Assessment]
) -> None:
    _record_all(url, [acme[d] for d in DAYS])
    found = history.runs(url)
    assert (None, None, None) == (found[0].previous, found[0].new, found[0].resolved)
    for before, run in itertools.pairwise(found):
        old, new = outstanding(acme[before.as_of]), outstanding(acme[run.as_of])
        assert before.id == run.previous
        assert (len(new - old), len(old - new)) == (run.new, run.resolved)
    # The examples do change between these days: the comparison is not trivially zero.
    assert any(r.new for r in found[1:])
    assert any(r.resolved for r in found[1:])


def test_runs_of_the_same_day_are_ordered_by_when_they_were_recorded(
    url: str, acme: dict[date, Assessment]
) -> None:
    day = acme[DAYS[1]]
    late = history.record(day, url, run_at=T0 + timedelta(hours=2))
    early = history.record(
        day, url, run_at=(T0 + timedelta(hours=1)).astimezone(timezone(-timedelta(hours=5)))
    )
    found = history.runs(url)
    assert [early, late] == [r.id for r in found]
    assert T0 + timedelta(hours=1) == found[0].run_at
    assert (0, 0, early) == (found[1].new, found[1].resolved, found[1].previous)


def test_two_records_in_a_row_make_two_runs(url: str, minimal: dict[date, Assessment]) -> None:
    first = history.record(minimal[DAYS[0]], url)
    second = history.record(minimal[DAYS[0]], url)
    found = history.runs(url)
    assert [first, second] == [r.id for r in found]
    assert found[0].run_at <= found[1].run_at <= datetime.now(UTC)
    assert (0, 0) == (found[1].new, found[1].resolved)


def test_concurrent_records_on_a_fresh_database_all_land(
    url: str, engine: object, acme: dict[date, Assessment]
) -> None:
    import sqlalchemy as sa

    with ThreadPoolExecutor(max_workers=4) as pool:
        ids = list(pool.map(lambda day: history.record(acme[day], url), DAYS))
    assert 4 == len(set(ids))
    assert sorted(ids) == sorted(r.id for r in history.runs(url))
    with engine.connect() as connection:  # type: ignore[attr-defined]
        versions = connection.execute(sa.text("SELECT version FROM sms_model_schema")).scalars()
        assert [1, 2] == sorted(versions)


def test_each_system_is_its_own_series(
    url: str, acme: dict[date, Assessment], minimal: dict[date, Assessment]
) -> None:
    _record_all(url, [acme[DAYS[0]], minimal[DAYS[0]], acme[DAYS[1]], minimal[DAYS[1]]])
    found = history.runs(url)
    by_system: dict[str, list[history.Run]] = {}
    for run in found:
        by_system.setdefault(run.system, []).append(run)
    for series in by_system.values():
        assert [None, series[0].id] == [r.previous for r in series]
    assert ["Acme Managed Services SMS"] == [
        r.system for r in history.runs(url, system="Acme Managed Services SMS")
    ][:1]
    assert 2 == len(history.runs(url, system="Minimal SMS"))
    assert [] == history.runs(url, system="No such system")


def test_since_and_until_filter_on_the_as_of_date_inclusive(
    url: str, acme: dict[date, Assessment]
) -> None:
    _record_all(url, [acme[d] for d in DAYS])
    everything = history.runs(url)
    window = history.runs(url, since=DAYS[1], until=DAYS[2])
    assert [DAYS[1], DAYS[2]] == [r.as_of for r in window]
    # The first run of the window is still compared with the run before it.
    assert everything[1:3] == window
    assert [DAYS[3]] == [r.as_of for r in history.runs(url, since=DAYS[3])]
    assert [DAYS[0]] == [r.as_of for r in history.runs(url, until=DAYS[0])]
    assert [] == history.runs(url, since=DAYS[3] + timedelta(days=1))


def _expected_open_for(acme: dict[date, Assessment], finding_id: str, as_of: date) -> int | None:
    """Days since the start of the unbroken series of runs, up to ``as_of``, in which the
    finding was outstanding (a reference reading of the assessments themselves)."""
    days = [d for d in DAYS if d <= as_of]
    start = None
    for day in reversed(days):
        if finding_id not in outstanding(acme[day]):
            break
        start = day
    return None if start is None else (as_of - start).days


def test_first_seen_and_open_for_follow_each_finding(
    url: str, acme: dict[date, Assessment]
) -> None:
    _record_all(url, [acme[d] for d in DAYS])
    system = acme[DAYS[0]].system_name
    seen = history.first_seen(url, system)
    expected: dict[str, tuple[date, date]] = {}
    for day in DAYS:
        for finding_id in outstanding(acme[day]):
            first, _ = expected.get(finding_id, (day, day))
            expected[finding_id] = (first, day)
    assert expected == seen
    assert list(seen) == sorted(seen, key=lambda f: (seen[f][0], f))
    # Findings that were resolved and came back are counted from their return.
    returned = [
        f
        for f in seen
        if f in outstanding(acme[DAYS[0]])
        and f not in outstanding(acme[DAYS[2]])
        and f in outstanding(acme[DAYS[3]])
    ]
    assert returned
    probes = [*DAYS, date(2026, 12, 15), date(2025, 12, 31)]
    for finding_id in [*list(seen)[:8], *returned[:4], "0000000000000000"]:
        for as_of in probes:
            assert _expected_open_for(acme, finding_id, as_of) == history.open_for(
                url, system, finding_id, as_of
            ), (finding_id, as_of)
    assert {} == history.first_seen(url, "No such system")


def test_changes_compare_a_run_with_the_one_before(url: str, acme: dict[date, Assessment]) -> None:
    ids = _record_all(url, [acme[d] for d in DAYS[:2]])
    assert history.changes(url, ids[0]) is None
    change = history.changes(url, ids[1])
    assert change is not None
    assert sms_model.diff(acme[DAYS[0]], acme[DAYS[1]]).to_json() == change.to_json()
    with pytest.raises(history.UnknownRunError):
        history.changes(url, max(ids) + 1)


def test_timeline_is_a_data_frame_of_the_runs(url: str, acme: dict[date, Assessment]) -> None:
    pandas = need("pandas", "timeline needs it")
    _record_all(url, [acme[d] for d in DAYS])
    frame = history.timeline(url, since=DAYS[1])
    found = history.runs(url, since=DAYS[1])
    assert list(history._COLUMNS) == list(frame.columns)
    assert [r.id for r in found] == frame["id"].tolist()
    assert [pandas.Timestamp(r.as_of) for r in found] == frame["as_of"].tolist()
    assert [r.failures["major"] for r in found] == frame["major"].tolist()
    assert [sum(r.failures.values()) for r in found] == frame["failures"].tolist()
    assert [r.new for r in found] == frame["new"].tolist()
    assert [r.clauses["conforming"] for r in found] == frame["conforming"].tolist()
    assert "UTC" == str(frame["run_at"].dt.tz)
    assert "Int64" == str(frame["new"].dtype)
    first = history.timeline(url, until=DAYS[0])
    assert first["new"].isna().all()
    assert 1 == len(first)
    empty = history.timeline(url, system="No such system")
    assert (0, list(history._COLUMNS)) == (len(empty), list(empty.columns))


def test_unknown_run_is_a_lookup_error(url: str, minimal: dict[date, Assessment]) -> None:
    run_id = history.record(minimal[DAYS[0]], url)
    with pytest.raises(history.UnknownRunError, match=f"no run {run_id + 1}") as caught:
        history.load(url, run_id + 1)
    assert isinstance(caught.value, LookupError)
    assert isinstance(caught.value, sms_model.SMSModelError)


def test_source_is_stored(url: str, minimal: dict[date, Assessment]) -> None:
    history.record(minimal[DAYS[0]], url, source="/srv/sms/minimal.yaml")
    assert ["/srv/sms/minimal.yaml"] == [r.source for r in history.runs(url)]


def test_open_since_gives_the_start_of_each_open_stretch(
    url: str, acme: dict[date, Assessment]
) -> None:
    _record_all(url, [acme[d] for d in DAYS])
    system = acme[DAYS[0]].system_name
    for as_of in [*DAYS, date(2026, 12, 15)]:
        since = history.open_since(url, system, as_of)
        latest = max(d for d in DAYS if d <= as_of)
        assert outstanding(acme[latest]) == set(since)
        for finding_id, day in since.items():
            assert (as_of - day).days == _expected_open_for(acme, finding_id, as_of)
    assert {} == history.open_since(url, system, date(2025, 12, 31))


def test_runs_of_the_two_editions_are_two_series(url: str) -> None:
    sms = sms_model.load("examples/acme-managed-services.yaml")
    made = [
        sms_model.assess(sms, as_of=day, edition=edition)
        for day in DAYS[:2]
        for edition in ("2011", "2018")
    ]
    ids = _record_all(url, made)
    found = {run.id: run for run in history.runs(url)}
    assert [found[i].edition for i in ids] == ["2011", "2018", "2011", "2018"]
    # Each run is compared with the run before it of its own edition.
    assert [found[i].previous for i in ids] == [None, None, ids[0], ids[1]]
    for run_id in ids[2:]:
        change = history.changes(url, run_id)
        assert change is not None
        assert change.edition == found[run_id].edition
    assert history.load(url, ids[1]).edition == "2018"

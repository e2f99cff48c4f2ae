"""Benchmark runner: how loading and assessing scale against plain ``json.loads``, and how they
compare with validating the same file with pydantic.

For each tier (S, M, L; see ``generate.py``) it generates, or reuses from ``benchmarks/data``,
a synthetic SMS as JSON, then measures with :func:`time.perf_counter`, taking the median of
several repetitions in the same process:

- ``J``: ``json.loads(text)``, the yardstick every other time is divided by;
- pydantic, the peer: ``ServiceManagementSystem.model_validate_json(text)`` with pydantic v2
  models generated from the format's JSON Schema (see ``pydantic_peer.py``; when pydantic or
  datamodel-code-generator is not installed, its columns read n/a);
- load: ``sms_model.loads(text, "json")`` (parse, structure, validate);
- rule phase: ``sms_model.assess(sms, as_of=AS_OF)`` on an already-loaded system (the engine
  builds the accountability graph lazily, so the graph is included);
- full: load + assess (graph, every built-in rule, findings and verdicts), as the issue
  defines it; and, in its own column, the same followed by ``Assessment.to_json()`` (which adds
  the input digest of the whole system and the JSON text);
- peak memory of load + assess under :mod:`tracemalloc`, per evidence record (the JSON text
  itself is allocated before tracing starts and is not counted);
- incremental re-assessment after one evidence record changed, when ``assess`` accepts
  ``previous=``.

It prints a Markdown table and rewrites the results section of ``benchmarks/README.md``.

    python benchmarks/run.py                     # S, M and L; rewrites the README
    python benchmarks/run.py --tiers S M         # quicker
    python benchmarks/run.py --profile M         # cProfile of load and of assess at tier M
"""

from __future__ import annotations

import argparse
import cProfile
import functools
import gc
import importlib.metadata
import inspect
import io
import json
import os
import platform
import pstats
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Final

import attrs

sys.path.insert(0, str(Path(__file__).resolve().parent))

import generate  # the generator next to this file
import pydantic_peer  # the peer next to this file

import sms_model

__all__ = ["main", "measure", "scaling"]

README: Final = Path(__file__).resolve().parent / "README.md"
START: Final = "<!-- results:start -->"
END: Final = "<!-- results:end -->"
REPEATS: Final = {"XS": 7, "S": 11, "M": 11, "L": 7}
INCREMENTAL_RUNS: Final = 20
# Full L / M is measured in rounds: a block of tier-M runs as long as one tier-L run, then
# that run, so both see the same load of a shared machine.
SCALING_ROUNDS: Final = 7
SCALING_BLOCK: Final = 10
PACKAGES: Final = (
    "sms_model",
    "attrs",
    "cattrs",
    "networkx",
    "PyYAML",
    "python-dateutil",
    "pydantic",
    "pydantic-core",
    "datamodel-code-generator",
)

# Targets of project issue 6, checked at tier L.
TARGET_LOAD: Final = 2.0  # load <= 2 x J
TARGET_FULL: Final = 3.0  # full assessment <= 3 x J
TARGET_BYTES_PER_EVIDENCE: Final = 1024
TARGET_SCALING: Final = 11.0  # time(L) / time(M)
TARGET_INCREMENTAL_S: Final = 0.001
TARGET_INCREMENTAL_SPEEDUP: Final = 100.0
# Target of project issue 14, checked at tiers M and L: full assessment <= pydantic validation.
TARGET_PEER_TIERS: Final = ("M", "L")


def _median_time(func: Callable[[], Any], repeats: int, *, collector: bool = True) -> float:
    """Median wall time of ``func``; the cyclic garbage collector stays on unless told."""
    return _median_times(func, repeats, collector=collector)[0]


def _median_times(
    func: Callable[[], Any], repeats: int, *, collector: bool = True
) -> tuple[float, float]:
    """Median wall times of ``func`` and of releasing what it returned, measured apart: a
    caller keeps what it loaded or assessed, and freeing it later is not part of making it
    (``json.loads`` is timed the same way, so J leaves out freeing its tree too). The cyclic
    garbage collector stays on unless told."""
    times, releases = [], []
    for _ in range(repeats):
        gc.collect()
        if not collector:
            gc.disable()
        try:
            start = time.perf_counter()
            result = func()
            made = time.perf_counter()
            del result
            releases.append(time.perf_counter() - made)
            times.append(made - start)
        finally:
            gc.enable()
    return statistics.median(times), statistics.median(releases)


def _text(tier: str, regenerate: bool) -> str:
    """The tier's JSON, regenerated when missing, older than the generator, or asked for."""
    path = generate.data_path(tier)
    source = Path(generate.__file__)
    stale = not path.exists() or path.stat().st_mtime < source.stat().st_mtime
    if regenerate or stale:
        start = time.perf_counter()
        generate.write(tier)
        print(f"generated {path} in {time.perf_counter() - start:.1f} s", file=sys.stderr)
    return path.read_text(encoding="utf-8")


@functools.cache
def _peer() -> Callable[[str], Any] | None:
    """The peer's validation of a JSON text, or ``None`` when its packages are missing."""
    if absent := pydantic_peer.missing():
        print(
            f"pydantic peer not measured: {', '.join(absent)} not installed "
            "(pip install -r benchmarks/requirements.txt)",
            file=sys.stderr,
        )
        return None
    return pydantic_peer.validator()


def _accepts_previous() -> bool:
    return "previous" in inspect.signature(sms_model.assess).parameters


def _edits(sms: sms_model.ServiceManagementSystem) -> tuple[Any, Any]:
    """One evidence record (in the middle of the file) and the same record re-dated."""
    record = sms.evidence[len(sms.evidence) // 2]
    return record, attrs.evolve(record, effective=record.effective.replace(day=1))


def _incremental(
    sms: sms_model.ServiceManagementSystem, as_of: Any
) -> tuple[float, float, float, bool]:
    """Median times of one evidence record changed and the SMS re-assessed, as an ITSM product
    would on each change: ``sms.replace(record)`` (the edit), then ``assess(new, previous=...)``
    from the assessment before (a chain of edits, each re-assessed from the last); and, for
    comparison, a system rebuilt with ``attrs.evolve`` (no record of the edit, so the engine
    compares the collections). Also whether the last result equals a full assessment."""
    original, changed = _edits(sms)
    result = sms_model.assess(sms, as_of=as_of)
    current = sms
    edit_times, assess_times = [], []
    for i in range(INCREMENTAL_RUNS):
        record = changed if i % 2 == 0 else original
        start = time.perf_counter()
        current = current.replace(record)
        edit_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        result = sms_model.assess(current, as_of=as_of, previous=result)
        assess_times.append(time.perf_counter() - start)
    same = result.to_json() == sms_model.assess(current, as_of=as_of).to_json()
    evidence = list(current.evidence)
    evolve_times = []
    for i in range(5):
        at = evidence.index(current.get(original.id))
        evidence[at] = original if i % 2 else changed
        rebuilt = attrs.evolve(current, evidence=tuple(evidence))
        start = time.perf_counter()
        result = sms_model.assess(rebuilt, as_of=as_of, previous=result)
        evolve_times.append(time.perf_counter() - start)
        current = rebuilt
    same = same and result.to_json() == sms_model.assess(current, as_of=as_of).to_json()
    return (
        statistics.median(assess_times),
        statistics.median(edit_times),
        statistics.median(evolve_times),
        same,
    )


def measure(tier: str, *, repeats: int | None = None, regenerate: bool = False) -> dict[str, Any]:
    """Measure one tier; returns the row of the results table as plain data."""
    repeats = repeats or REPEATS.get(tier, 3)
    as_of = generate.AS_OF
    text = _text(tier, regenerate)
    assess = sms_model.assess
    loads = sms_model.loads

    j = _median_time(lambda: json.loads(text), repeats)
    # For reference only: at tier L most of json.loads' own time is the cyclic collector
    # walking the objects it has just made, which makes J grow faster than the input.
    j_no_gc = _median_time(lambda: json.loads(text), repeats, collector=False)
    peer = _peer()
    pydantic = None
    if peer is not None:
        pydantic_peer.check(peer, text, f"tier {tier}")
        pydantic = _median_time(lambda: peer(text), repeats)
    load = _median_time(lambda: loads(text, "json"), repeats)
    sms = loads(text, "json")
    rules = _median_time(lambda: assess(sms, as_of=as_of), repeats)
    full, release = _median_times(lambda: assess(loads(text, "json"), as_of=as_of), repeats)
    # The same system against the 2018 edition: its own rules (the shared ones, those of 2018).
    full_2018 = _median_time(
        lambda: assess(loads(text, "json"), as_of=as_of, edition="2018"), repeats
    )
    with_report = _median_time(
        lambda: (a := assess(loads(text, "json"), as_of=as_of), a.to_json()), repeats
    )
    assessment = assess(sms, as_of=as_of)

    n_evidence = len(sms.evidence)
    n_entities = sum(1 for _ in sms.ids())
    del sms
    gc.collect()
    tracemalloc.start()
    traced = assess(loads(text, "json"), as_of=as_of)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del traced
    gc.collect()

    row: dict[str, Any] = {
        "tier": tier,
        "evidence": n_evidence,
        "entities": n_entities,
        "megabytes": len(text.encode()) / 1e6,
        "findings": len(assessment.findings),
        "failures": sum(1 for f in assessment.findings if f.failed),
        "j": j,
        "j_no_gc": j_no_gc,
        "pydantic": pydantic,
        "load": load,
        "rules": rules,
        "full": full,
        "full_2018": full_2018,
        "release": release,
        "report": with_report,
        "peak": peak,
        "incremental": None,
        "edit": None,
        "evolved": None,
        "incremental_same": None,
    }
    if _accepts_previous():
        sms = loads(text, "json")
        inc, edit, evolved, same = _incremental(sms, as_of)
        row.update(incremental=inc, edit=edit, evolved=evolved, incremental_same=same)
    return row


def scaling(
    small: str, big: str, *, rounds: int = SCALING_ROUNDS, block: int = SCALING_BLOCK
) -> list[float]:
    """The ratios time(full, ``big``) / time(full, ``small``), one per round, measured in
    alternation: each round times ``block`` full assessments of ``small`` (their median) and
    then one of ``big``, so that the two see the same load of the machine (a shared machine's
    load drifts over seconds, and medians taken a minute apart drift with it)."""
    as_of = generate.AS_OF
    texts = {tier: _text(tier, False) for tier in (small, big)}

    def full(tier: str) -> Callable[[], Any]:
        return lambda: sms_model.assess(sms_model.loads(texts[tier], "json"), as_of=as_of)

    ratios = []
    for _ in range(rounds):
        small_time = _median_time(full(small), block)
        ratios.append(_median_time(full(big), 1) / small_time)
    return ratios


# --- reporting -------------------------------------------------------------------------------


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f}" if seconds >= 0.01 else f"{seconds * 1000:.2f}"


def _machine() -> list[str]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions = []
    for name in PACKAGES:
        try:
            versions.append(f"{name} {importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            versions.append(f"{name} (not installed)")
    runs = ", ".join(f"{t}: {n}" for t, n in REPEATS.items() if t != "XS")
    return [
        f"- Machine: {platform.platform()}; {cpu}; {os.cpu_count()} CPUs",
        f"- Python {platform.python_version()} ({platform.python_implementation()})",
        f"- Packages: {', '.join(versions)}",
        f"- Date: {time.strftime('%Y-%m-%d')}; medians of {runs} runs",
    ]


def table(rows: Sequence[dict[str, Any]]) -> str:
    """The results as a Markdown table, followed by the targets (project issue 6 at tier L,
    issue 14 at tiers M and L)."""
    lines = [
        "| tier | evidence | entities | JSON MB | J ms | load ms | load / J | rules ms "
        "| rules / J | full ms | full / J | + JSON report ms | / J | pydantic ms | load / pydantic "
        "| full / pydantic | peak MB | bytes / evidence | incremental ms |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for r in rows:
        inc = "n/a" if r["incremental"] is None else _ms(r["incremental"])
        peer = r.get("pydantic")
        vs_peer = (
            "n/a | n/a | n/a"
            if peer is None
            else f"{_ms(peer)} | {r['load'] / peer:.2f} | {r['full'] / peer:.2f}"
        )
        lines.append(
            f"| {r['tier']} | {r['evidence']:,} | {r['entities']:,} | {r['megabytes']:.1f} "
            f"| {_ms(r['j'])} | {_ms(r['load'])} | {r['load'] / r['j']:.1f} "
            f"| {_ms(r['rules'])} | {r['rules'] / r['j']:.1f} "
            f"| {_ms(r['full'])} | {r['full'] / r['j']:.1f} "
            f"| {_ms(r['report'])} | {r['report'] / r['j']:.1f} | {vs_peer} "
            f"| {r['peak'] / 1e6:,.0f} | {r['peak'] / r['evidence']:,.0f} | {inc} |"
        )
    by_tier = {r["tier"]: r for r in rows}
    lines.append("")
    if "M" in by_tier and "L" in by_tier:
        m, big = by_tier["M"], by_tier["L"]
        lines.append(
            f"Scaling L / M, medians above: load {big['load'] / m['load']:.1f}, rules "
            f"{big['rules'] / m['rules']:.1f}, full {big['full'] / m['full']:.1f}, "
            f"J {big['j'] / m['j']:.1f}{_peer_scaling(m, big)} (linear is 10)."
        )
        rounds = big.get("scaling")
        if rounds:
            lines.append(
                f"Full L / M measured in alternation (each round: "
                f"{big.get('scaling_block', SCALING_BLOCK)} tier-M runs, "
                f"then one tier-L run): median {statistics.median(rounds):.1f} over "
                f"{len(rounds)} rounds, from {min(rounds):.1f} to {max(rounds):.1f}."
            )
        lines.append("")
    edits = [r for r in rows if r["incremental"] is not None]
    if edits:
        lines.append(
            "Incremental: median of "
            f"{INCREMENTAL_RUNS} re-assessments, each after `sms.replace(record)` re-dated one "
            "evidence record. The edit itself took "
            + ", ".join(f"{r['tier']} {_ms(r['edit'])} ms" for r in edits)
            + "; re-assessing a system rebuilt with `attrs.evolve` instead (no record of the "
            "edit: the engine compares the evidence collections) took "
            + ", ".join(f"{r['tier']} {_ms(r['evolved'])} ms" for r in edits)
            + "."
        )
        lines.append("")
    if rows:
        editions = ", ".join(
            f"{r['tier']} {_ms(r['full_2018'])} ms ({r['full_2018'] / r['j']:.1f} x J)"
            for r in rows
        )
        lines.append(
            'Full assessment of the same systems against the 2018 edition (`edition="2018"`: '
            f"the rules both editions share and those of 2018 only): {editions}."
        )
        lines.append("")
        freed = ", ".join(f"{r['tier']} {_ms(r['release'])} ms" for r in rows)
        lines.append(
            "Each time above stops when the call returns; releasing the result comes after "
            f"(for J as well). Releasing a full assessment and its system took {freed}."
        )
        lines.append("")
        no_gc = ", ".join(f"{r['tier']} {_ms(r['j_no_gc'])} ms" for r in rows)
        lines.append(
            f"J with the cyclic garbage collector disabled (for reference, not used above): "
            f"{no_gc}."
        )
        lines.append("")
    if "L" in by_tier:
        lines.extend(_targets(by_tier["L"], by_tier.get("M")))
    else:
        lines.append("Tier L was not run; the targets of project issue 6 are checked at tier L.")
    peer_tiers = [by_tier[t] for t in TARGET_PEER_TIERS if t in by_tier]
    if peer_tiers:
        lines.append("")
        lines.extend(_peer_targets(peer_tiers))
    return "\n".join(lines) + "\n"


def _peer_scaling(m: dict[str, Any], big: dict[str, Any]) -> str:
    if m.get("pydantic") is None or big.get("pydantic") is None:
        return ""
    return f", pydantic {big['pydantic'] / m['pydantic']:.1f}"


def _peer_targets(rows: Sequence[dict[str, Any]]) -> list[str]:
    """The target of project issue 14 at each of ``rows``' tiers: a full assessment, load
    included, takes no longer than the pydantic peer's validation of the same text."""
    lines = [
        "| target against the pydantic peer | measured | |",
        "|---|--:|---|",
    ]
    for r in rows:
        target = f"tier {r['tier']}: full assessment (load included) <= pydantic validation"
        peer = r.get("pydantic")
        if peer is None:
            lines.append(f"| {target} | not measured: pydantic not installed | **not met** |")
            continue
        ratio = r["full"] / peer
        verdict = "met" if r["full"] <= peer else "**not met**"
        lines.append(
            f"| {target} | {_ms(r['full'])} ms / {_ms(peer)} ms = {ratio:.2f} | {verdict} |"
        )
    return lines


def _targets(big: dict[str, Any], m: dict[str, Any] | None) -> list[str]:
    def verdict(ok: bool) -> str:
        return "met" if ok else "**not met**"

    load, full = big["load"] / big["j"], big["full"] / big["j"]
    full_2018 = big["full_2018"] / big["j"]
    per = big["peak"] / big["evidence"]
    lines = [
        "| target at tier L | measured | |",
        "|---|--:|---|",
        f"| load <= {TARGET_LOAD:g} x J | {load:.1f} x J | {verdict(load <= TARGET_LOAD)} |",
        f"| full assessment <= {TARGET_FULL:g} x J | {full:.1f} x J "
        f"| {verdict(full <= TARGET_FULL)} |",
        f"| full assessment, 2018 edition <= {TARGET_FULL:g} x J | {full_2018:.1f} x J "
        f"| {verdict(full_2018 <= TARGET_FULL)} |",
        f"| memory <= 1 KB per evidence record | {per:,.0f} B "
        f"| {verdict(per <= TARGET_BYTES_PER_EVIDENCE)} |",
    ]
    if m is not None:
        rounds = big.get("scaling")
        ratio = statistics.median(rounds) if rounds else big["full"] / m["full"]
        ok = verdict(ratio <= TARGET_SCALING)
        lines.append(f"| full L / M <= {TARGET_SCALING:g} | {ratio:.1f} | {ok} |")
    if big["incremental"] is None:
        lines.append(
            "| incremental <= 1 ms and >= 100 x faster | not measured: `assess` has "
            "no `previous=` | **not met** |"
        )
    else:
        inc = big["incremental"]
        speedup = big["full"] / inc
        ok = inc <= TARGET_INCREMENTAL_S and speedup >= TARGET_INCREMENTAL_SPEEDUP
        same = "" if big["incremental_same"] else " (result differs from a full run!)"
        lines.append(
            f"| incremental <= 1 ms and >= 100 x faster | {_ms(inc)} ms, {speedup:,.0f} x{same} "
            f"| {verdict(ok and bool(big['incremental_same']))} |"
        )
    return lines


def report(rows: Sequence[dict[str, Any]]) -> str:
    """Machine description and results table, as Markdown."""
    return "\n".join(_machine()) + "\n\n" + table(rows)


def rewrite_readme(text: str, path: Path = README) -> None:
    """Replace what lies between the results markers of the README with ``text``."""
    readme = path.read_text(encoding="utf-8")
    head, sep, rest = readme.partition(START)
    _, sep2, tail = rest.partition(END)
    if not sep or not sep2:
        raise SystemExit(f"{path}: results markers {START} / {END} not found")
    path.write_text(f"{head}{START}\n{text}{END}{tail}", encoding="utf-8")


def profile(tier: str, lines: int = 25) -> str:
    """cProfile of load and of assess at ``tier``, the top ``lines`` by cumulative time each."""
    text = _text(tier, regenerate=False)
    sms = sms_model.loads(text, "json")  # also imports the readers and the engine
    sms_model.assess(sms, as_of=generate.AS_OF)
    out = io.StringIO()
    for label, code in (
        ("load", lambda: sms_model.loads(text, "json")),
        ("assess", lambda: sms_model.assess(sms, as_of=generate.AS_OF)),
    ):
        profiler = cProfile.Profile()
        profiler.enable()
        code()
        profiler.disable()
        out.write(f"### {label}, tier {tier}\n\n```\n")
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats("cumulative").print_stats(lines)
        out.write("```\n\n")
    return out.getvalue()


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: measure the tiers, print the table, rewrite the README."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tiers", nargs="+", default=["S", "M", "L"], choices=list(REPEATS))
    parser.add_argument("--repeat", type=int, help="repetitions per measurement")
    parser.add_argument("--regenerate", action="store_true", help="regenerate the data files")
    parser.add_argument("--no-readme", action="store_true", help="do not rewrite README.md")
    parser.add_argument("--profile", metavar="TIER", choices=list(REPEATS))
    args = parser.parse_args(argv)
    if args.profile:
        print(profile(args.profile))
        return 0
    rows = []
    for tier in args.tiers:
        print(f"measuring tier {tier} ...", file=sys.stderr, flush=True)
        rows.append(measure(tier, repeats=args.repeat, regenerate=args.regenerate))
    if "M" in args.tiers and "L" in args.tiers:
        print("measuring full L / M in alternation ...", file=sys.stderr, flush=True)
        big = rows[args.tiers.index("L")]
        big.update(scaling=scaling("M", "L"), scaling_block=SCALING_BLOCK)
    text = report(rows)
    print(text)
    if not args.no_readme:
        rewrite_readme(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

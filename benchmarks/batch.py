"""Throughput of assessing a portfolio with ``sms_model.batch.assess_many``: many systems, one
after the other in one process, in a local process pool, and on a Dask cluster.

It generates ``--systems`` synthetic systems of a tier (S by default: 1,000 evidence records
each; see ``generate.py``), each from its own seed and under its own name, writes them as JSON
files to a folder (a temporary one unless ``--folder`` names one), then times
``assess_many(files, as_of=generate.AS_OF)`` over all of them (no ``out=``: what is timed is
loading, assessing and the JSON report of each system, and taking its result back), for:

- ``serial``: ``workers=0``, in this process;
- ``pool-1`` and ``pool-2``: a ``ProcessPoolExecutor`` of 1 and 2 processes, started and shut
  down within the timed call, as ``assess_many`` does with ``workers=N``;
- ``dask-2``: a Dask ``LocalCluster`` of 2 worker processes (one thread each), started and
  warmed up (one system per thread) before the clock starts, as a cluster that outlives its
  batches would be;
- with ``--scheduler tcp://HOST:8786``, a running Dask cluster too (``dask-remote``).

Each mode's reports are checked against the serial ones (a SHA-256 of each), and the table
says whether they were identical. Per mode: the wall time (the median of ``--repeat`` runs),
systems per second, the speed-up over serial, and the overhead per system, defined as
``(wall x slots - serial wall) / systems``, where ``slots`` is the number of processes (or
Dask threads) working: the time each system costs beyond its serial cost, when the work is
spread perfectly over the slots (0 for a perfect parallel run; it includes start-up, moving the
reports back, the calling process's own work, and any imbalance between slots).

    python benchmarks/batch.py                         # 1,000 tier-S systems
    python benchmarks/batch.py --systems 200 --repeat 3
    python benchmarks/batch.py --folder /shared/portfolio --scheduler tcp://sched:8786

On a multi-node cluster, every worker must read the systems at the same path: write them to a
folder all nodes mount (``--folder``), and start the workers from an environment with the same
``sms_model`` installed (``dask scheduler`` on one node, ``dask worker tcp://sched:8786
--nworkers N --nthreads 1`` on each of the others).
"""

from __future__ import annotations

import argparse
import concurrent.futures
import contextlib
import hashlib
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Final

import attrs

sys.path.insert(0, str(Path(__file__).resolve().parent))

import generate  # the generator next to this file

import sms_model
from sms_model.batch import BatchResult, assess_many, local_cluster

__all__ = ["MODES", "Row", "main", "measure", "table", "write_portfolio"]

#: The modes measured by default, in the table's order.
MODES: Final = ("serial", "pool-1", "pool-2", "dask-2")


@attrs.frozen(kw_only=True)
class Row:
    """One mode's measurements."""

    mode: str
    slots: int  # processes, or Dask threads, working on systems
    wall: float  # median seconds for the whole portfolio
    identical: bool  # every report equal to the serial one


def write_portfolio(folder: Path, systems: int, tier: str = "S") -> list[str]:
    """Generate ``systems`` systems of ``tier`` (seeds 1, 2, ...; each named after its seed) as
    JSON files in ``folder``; returns their paths, sorted."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for seed in range(1, systems + 1):
        data = generate.generate(tier, seed)
        data["name"] = f"Portfolio system {seed:05d}"
        path = folder / f"system-{seed:05d}.json"
        path.write_text(json.dumps(data, separators=(",", ":")), encoding="utf-8")
        paths.append(str(path))
    return paths


def _digests(results: Sequence[BatchResult]) -> list[str]:
    """What is kept of each report (the reports of 1,000 tier-S systems take about 270 MB)."""
    return [hashlib.sha256((r.report or r.error or "").encode()).hexdigest() for r in results]


def _timed(run: Callable[[], Sequence[BatchResult]], repeats: int) -> tuple[float, list[str]]:
    """The median wall time of ``run`` and the digests of its last results."""
    times, digests = [], []
    for _ in range(repeats):
        start = time.perf_counter()
        results = run()
        times.append(time.perf_counter() - start)
        digests = _digests(results)
        del results
    return statistics.median(times), digests


def _in_pool(files: list[str], processes: int) -> Callable[[], Sequence[BatchResult]]:
    def run() -> Sequence[BatchResult]:
        with concurrent.futures.ProcessPoolExecutor(max_workers=processes) as pool:
            return assess_many(files, as_of=generate.AS_OF, executor=pool)

    return run


def _distributed() -> Any:
    import importlib

    return importlib.import_module("distributed")


def _threads(client: Any) -> int:
    workers = client.scheduler_info()["workers"].values()
    return sum(int(w["nthreads"]) for w in workers)


def _on_dask(client: Any, files: list[str]) -> Callable[[], Sequence[BatchResult]]:
    def run() -> Sequence[BatchResult]:
        return assess_many(files, as_of=generate.AS_OF, client=client)

    return run


def measure(
    files: list[str], modes: Sequence[str], repeats: int, scheduler: str | None = None
) -> list[Row]:
    """Time each mode over ``files`` (``serial`` always, first: the others are compared
    with it)."""
    # Warm up this process (the first assessment imports the rules), as the workers are not.
    sms_model.assess(sms_model.load(files[0]), as_of=generate.AS_OF).to_json()
    _say(f"serial: {len(files)} systems ...")

    def serial() -> Sequence[BatchResult]:
        return assess_many(files, as_of=generate.AS_OF, workers=0)

    wall, expected = _timed(serial, repeats)
    rows = [Row(mode="serial", slots=1, wall=wall, identical=True)]
    for mode in modes:
        if mode.startswith("pool-"):
            _say(f"{mode} ...")
            processes = int(mode.removeprefix("pool-"))
            wall, found = _timed(_in_pool(files, processes), repeats)
            rows.append(Row(mode=mode, slots=processes, wall=wall, identical=found == expected))
        elif mode.startswith("dask-"):
            _say(f"{mode}: starting a LocalCluster ...")
            with local_cluster(int(mode.removeprefix("dask-"))) as client:
                rows.append(_dask_row(mode, client, files, repeats, expected))
    if scheduler is not None:
        _say(f"dask-remote: {scheduler} ...")
        with _distributed().Client(scheduler) as client:
            rows.append(_dask_row("dask-remote", client, files, repeats, expected))
    return rows


def _dask_row(mode: str, client: Any, files: list[str], repeats: int, expected: list[str]) -> Row:
    slots = _threads(client)
    _say(f"{mode}: {slots} threads; warming the workers up ...")
    assess_many(files[:slots], as_of=generate.AS_OF, client=client)
    wall, found = _timed(_on_dask(client, files), repeats)
    return Row(mode=mode, slots=slots, wall=wall, identical=found == expected)


def table(rows: Sequence[Row], systems: int) -> str:
    """The measurements as a Markdown table (the first row is the serial one)."""
    serial = rows[0].wall
    lines = [
        "| mode | slots | wall s | systems / s | speed-up | overhead ms / system | identical |",
        "|---|--:|--:|--:|--:|--:|---|",
    ]
    for row in rows:
        overhead = (row.wall * row.slots - serial) / systems
        lines.append(
            f"| {row.mode} | {row.slots} | {row.wall:,.2f} | {systems / row.wall:,.1f} | "
            f"{serial / row.wall:.2f} | {overhead * 1000:,.1f} | "
            f"{'yes' if row.identical else '**no**'} |"
        )
    return "\n".join(lines)


def _header(systems: int, tier: str, files: list[str], repeats: int) -> list[str]:
    size = sum(os.path.getsize(f) for f in files) / len(files) / 1e6
    versions = []
    for name in ("sms-model", "dask", "distributed"):
        with contextlib.suppress(Exception):
            versions.append(f"{name} {_version(name)}")
    return [
        f"- Machine: {platform.platform()}; {os.cpu_count()} CPUs; "
        f"Python {platform.python_version()}",
        f"- Packages: {', '.join(versions)}",
        f"- Date: {time.strftime('%Y-%m-%d')}; {systems:,} tier-{tier} systems "
        f"({size:.2f} MB of JSON each), as of {generate.AS_OF}; median of {repeats} run(s)",
    ]


def _version(name: str) -> str:
    import importlib.metadata

    return importlib.metadata.version(name)


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: generate the portfolio, measure each mode, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--systems", type=int, default=1000, help="systems (default: 1000)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per mode (default: 1)")
    parser.add_argument("--tier", default="S", choices=sorted(generate.TIERS))
    parser.add_argument(
        "--modes",
        nargs="*",
        default=[m for m in MODES if m != "serial"],
        help="modes besides serial: pool-N, dask-N (default: pool-1 pool-2 dask-2)",
    )
    parser.add_argument("--folder", type=Path, help="write the systems here (default: temp)")
    parser.add_argument("--scheduler", metavar="ADDRESS", help="also time this Dask cluster")
    args = parser.parse_args(argv)
    if args.systems < 1 or args.repeat < 1:
        parser.error("--systems and --repeat must be at least 1")
    for mode in args.modes:
        kind, _, count = mode.partition("-")
        if kind not in ("pool", "dask") or not count.isdigit() or int(count) < 1:
            parser.error(f"unknown mode {mode!r}: use pool-N or dask-N")
    with contextlib.ExitStack() as stack:
        folder = args.folder or Path(stack.enter_context(tempfile.TemporaryDirectory()))
        _say(f"generating {args.systems} tier-{args.tier} systems in {folder} ...")
        files = write_portfolio(folder, args.systems, args.tier)
        rows = measure(files, args.modes, args.repeat, args.scheduler)
        header = _header(args.systems, args.tier, files, args.repeat)
    print("\n".join([*header, "", table(rows, args.systems)]))
    return 0 if all(row.identical for row in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())

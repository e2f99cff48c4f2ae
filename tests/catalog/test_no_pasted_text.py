"""No sentence of the ISO seed text is pasted into the project.

The project paraphrases the standard and cites clause numbers; it never copies its sentences.
These helpers normalise text (lowercase, every run of non-word characters collapsed to one
space) and look for any seed sentence of at least ``MIN_CHARS`` normalised characters.

The seed itself is not part of the repository, so ``seed_fingerprints.txt`` keeps a short hash
of the first ``PREFIX_CHARS`` characters of every long seed sentence: the check runs with or
without the seed. When the seed is present (``SMS_MODEL_SEED_DIR``, default
``/work/shared/seed``) its sentences are also searched for whole, and the stored fingerprints
must cover them.

Reuse from another test module: ``from test_no_pasted_text import pasted_sentences``.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

import sms_model.catalog as catalog

MIN_CHARS = 70
PREFIX_CHARS = 64
REPO = Path(__file__).resolve().parents[2]
SCANNED_DIRS = ("src", "docs", "examples")
TEXT_SUFFIXES = frozenset(
    {".py", ".md", ".rst", ".txt", ".yaml", ".yml", ".json", ".toml", ".cfg", ".ini", ".html"}
)
FINGERPRINTS_FILE = Path(__file__).with_name("seed_fingerprints.txt")
SEED_DIR = Path(os.environ.get("SMS_MODEL_SEED_DIR", "/work/shared/seed"))

_NON_WORD = re.compile(r"\W+")
_SENTENCE_END = re.compile(r"(?<=[.!?;:])\s+|\n\s*\n")


def normalise(text: str) -> str:
    """Lowercase and collapse every run of non-word characters into one space.

    >>> normalise("The  SMS -- (4.1.1)\\n  # shall   be")
    'the sms 4 1 1 shall be'
    """
    return _NON_WORD.sub(" ", text.lower()).strip()


def seed_sentences(text: str, min_chars: int = MIN_CHARS) -> tuple[str, ...]:
    """The normalised sentences of ``text`` that are at least ``min_chars`` long, sorted.

    >>> seed_sentences("Short one. " + "word " * 20 + "end.", min_chars=50)
    ('word word word word word word word word word word word word word word word word word ...
    """
    pieces = (normalise(p) for p in _SENTENCE_END.split(text))
    return tuple(sorted({p for p in pieces if len(p) >= min_chars}))


def fingerprint(sentence: str) -> str:
    """A short stable hash of the first ``PREFIX_CHARS`` characters of a normalised sentence."""
    head = sentence[:PREFIX_CHARS].encode()
    return hashlib.blake2b(head, digest_size=8).hexdigest()


def stored_fingerprints() -> frozenset[str]:
    """The fingerprints kept in the repository (one hex digest a line, ``#`` comments)."""
    lines = FINGERPRINTS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and line[0] != "#")


def seed_texts() -> tuple[str, ...]:
    """The seed files' text, when the seed directory is available (else nothing)."""
    if not SEED_DIR.is_dir():
        return ()
    return tuple(p.read_text(encoding="utf-8") for p in sorted(SEED_DIR.glob("*.txt")))


def pasted_sentences(
    text: str, sentences: Iterable[str] = (), prints: frozenset[str] = frozenset()
) -> list[str]:
    """What in ``text`` copies a seed sentence: whole ``sentences``, or a normalised window at a
    word start whose fingerprint is in ``prints``.

    >>> seed = seed_sentences("Short. The quick brown fox jumps over the lazy dog, twice a "
    ...                       "day, while the farmer counts every sheep in the field.")
    >>> prints = frozenset(map(fingerprint, seed))
    >>> pasted_sentences("# the QUICK brown fox -- jumps over the lazy dog twice a day while "
    ...                  "the farmer counts every sheep in the field!", seed)
    ['the quick brown fox jumps over the lazy dog twice a day while the farmer counts every ...']
    >>> pasted_sentences("x The quick brown fox jumps over the lazy dog twice a day while the "
    ...                  "farmer sleeps", (), prints)
    ['the quick brown fox jumps over the lazy dog twice a day while ...']
    >>> pasted_sentences("The quick brown fox naps", seed, prints)
    []
    """
    flat = normalise(text)
    found = sorted({s for s in sentences if s in flat})
    if prints:
        for start in _word_starts(flat):
            window = flat[start : start + PREFIX_CHARS]
            if len(window) == PREFIX_CHARS and fingerprint(window) in prints:
                found.append(window)
    return found


def _word_starts(flat: str) -> Iterator[int]:
    yield 0
    position = flat.find(" ")
    while position != -1:
        yield position + 1
        position = flat.find(" ", position + 1)


def scanned_files() -> list[Path]:
    """Every text file under src, docs and examples of the repository, sorted."""
    files = []
    for top in SCANNED_DIRS:
        root = REPO / top
        if root.is_dir():
            files.extend(
                p
                for p in root.rglob("*")
                if p.is_file() and p.suffix in TEXT_SUFFIXES and "__pycache__" not in p.parts
            )
    return sorted(files)


def _all_seed_sentences() -> tuple[str, ...]:
    return tuple(sorted({s for text in seed_texts() for s in seed_sentences(text)}))


def _all_prints() -> frozenset[str]:
    return stored_fingerprints() | frozenset(map(fingerprint, _all_seed_sentences()))


def catalog_strings() -> Iterator[str]:
    """Every text the catalogue holds: titles, summaries and descriptions."""
    for edition in catalog.EDITIONS:
        for c in catalog.clauses(edition):
            yield c.title
            if c.summary:
                yield c.summary
    for g in catalog.guidance():
        yield g.title
        yield g.summary
    for e in catalog.expectations():
        yield e.description


def test_stored_fingerprints_cover_every_long_seed_sentence_available() -> None:
    expected: frozenset[str] = frozenset()
    actual = frozenset(map(fingerprint, _all_seed_sentences())) - stored_fingerprints()
    assert expected == actual


def test_fingerprints_detect_a_pasted_seed_sentence() -> None:
    stand_in = "a stand in sentence used when the seed is absent, long enough to be fingerprinted"
    sentences = _all_seed_sentences() or (normalise(stand_in),)
    pasted = f'"""Docstring.\n\n    {sentences[0].upper()}\n    """'
    prints = frozenset(map(fingerprint, sentences))
    assert [sentences[0][:PREFIX_CHARS]] == pasted_sentences(pasted, (), prints)


def test_no_catalog_text_copies_a_seed_sentence() -> None:
    sentences, prints = _all_seed_sentences(), _all_prints()
    expected: list[str] = []
    actual = [p for text in catalog_strings() for p in pasted_sentences(text, sentences, prints)]
    assert expected == actual


def test_no_file_under_src_docs_or_examples_copies_a_seed_sentence() -> None:
    sentences, prints = _all_seed_sentences(), _all_prints()
    files = scanned_files()
    assert REPO / "src" / "sms_model" / "catalog" / "_guidance.py" in files
    expected: dict[str, list[str]] = {}
    actual = {
        str(path.relative_to(REPO)): hits
        for path in files
        if (hits := pasted_sentences(path.read_text(encoding="utf-8"), sentences, prints))
    }
    assert expected == actual

"""No sentence of the ISO seed text is pasted into the project.

The project paraphrases the standard and cites clause numbers; it never copies its sentences.
These helpers normalise text (lowercase, every run of non-word characters collapsed to one
space) and look for any seed sentence of at least ``MIN_CHARS`` normalised characters.

The seed itself is not part of the repository, so ``seed_fingerprints.txt`` keeps a short hash
of the first ``PREFIX_CHARS`` characters of every long seed sentence (hashes, never text). The
default run uses only those stored fingerprints: it needs nothing outside the repository and
runs the same on every clone, never skipping.

Maintainers who hold the seed can opt in by pointing ``SMS_MODEL_SEED_DIR`` at the directory of
its ``*.txt`` files. The tests then also search for the seed's sentences whole and check that the
stored fingerprints are exactly those of the seed; to regenerate the file after the seed
changes, run ``SMS_MODEL_SEED_DIR=... python tests/catalog/test_no_pasted_text.py``.

Reuse from another test module: ``from test_no_pasted_text import pasted_sentences``.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

import sms_model.catalog as catalog

MIN_CHARS = 70
PREFIX_CHARS = 64
REPO = Path(__file__).resolve().parents[2]
SCANNED_DIRS = ("src", "docs", "examples")
TEXT_SUFFIXES = frozenset(
    {".py", ".md", ".rst", ".txt", ".yaml", ".yml", ".json", ".toml", ".cfg", ".ini", ".html"}
)
FINGERPRINTS_FILE = Path(__file__).with_name("seed_fingerprints.txt")
FINGERPRINTS_HEADER = (
    f"# blake2b-64 of the first {PREFIX_CHARS} normalised characters of each seed sentence of "
    f">= {MIN_CHARS} characters\n"
    "# (see test_no_pasted_text.py). Regenerate when the seed changes; hashes, never text.\n"
)
SEED_DIR_VARIABLE = "SMS_MODEL_SEED_DIR"

_NON_WORD = re.compile(r"\W+")
_SENTENCE_END = re.compile(r"(?<=[.!?;:])\s+|\n\s*\n")
_FINGERPRINT = re.compile(r"[0-9a-f]{16}")


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


def stored_fingerprints(path: Path = FINGERPRINTS_FILE) -> frozenset[str]:
    """The fingerprints kept in the repository (one hex digest a line, ``#`` comments)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and line[0] != "#")


def render_fingerprints(prints: Iterable[str]) -> str:
    """The canonical text of a fingerprints file: the header, then the digests sorted.

    >>> print(render_fingerprints({"00000000000000ff", "0000000000000001"}), end="")
    # blake2b-64 of the first 64 normalised characters of each seed sentence of >= 70 characters
    # (see test_no_pasted_text.py). Regenerate when the seed changes; hashes, never text.
    0000000000000001
    00000000000000ff
    """
    return FINGERPRINTS_HEADER + "".join(f"{p}\n" for p in sorted(set(prints)))


def seed_dir() -> Path | None:
    """The seed directory a maintainer opted in with ``SMS_MODEL_SEED_DIR``, else ``None``."""
    value = os.environ.get(SEED_DIR_VARIABLE, "").strip()
    return Path(value) if value else None


def seed_texts(directory: Path | None = None) -> tuple[str, ...]:
    """The text of the seed's ``*.txt`` files; nothing unless a seed directory is given.

    A directory that was asked for but holds no seed file is an error, never a silent pass.
    """
    directory = directory if directory is not None else seed_dir()
    if directory is None:
        return ()
    files = sorted(directory.glob("*.txt"))
    if not files:
        raise FileNotFoundError(f"{SEED_DIR_VARIABLE}={directory}: no *.txt seed file there")
    return tuple(p.read_text(encoding="utf-8") for p in files)


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


def scanned_files(root: Path = REPO) -> list[Path]:
    """Every text file under src, docs and examples of the repository at ``root``, sorted."""
    files: list[Path] = []
    for top in SCANNED_DIRS:
        directory = root / top
        if directory.is_dir():
            files.extend(
                p
                for p in directory.rglob("*")
                if p.is_file() and p.suffix in TEXT_SUFFIXES and "__pycache__" not in p.parts
            )
    return sorted(files)


def pasted_files(
    root: Path, sentences: Iterable[str], prints: frozenset[str]
) -> dict[str, list[str]]:
    """Each scanned file under ``root`` that copies a seed sentence, with what it copies."""
    sentences = tuple(sentences)
    return {
        path.relative_to(root).as_posix(): hits
        for path in scanned_files(root)
        if (hits := pasted_sentences(path.read_text(encoding="utf-8"), sentences, prints))
    }


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


# A sentence of our own, standing in for a seed sentence: long enough to be fingerprinted.
_STAND_IN = (
    "A stand in sentence of our own, written for this test, long enough to be fingerprinted "
    "and checked."
)


def test_stored_fingerprints_are_well_formed() -> None:
    """Without the seed the stored digests are the whole check: they must be there and sane."""
    prints = stored_fingerprints()
    assert len(prints) >= 100, "seed_fingerprints.txt lost most of its fingerprints"
    malformed = sorted(p for p in prints if not _FINGERPRINT.fullmatch(p))
    expected: list[str] = []
    assert expected == malformed


def test_fingerprint_file_is_canonical_and_matches_the_seed_when_given() -> None:
    """By default: the file is in its canonical form (header, sorted, unique). With
    ``SMS_MODEL_SEED_DIR``: it holds exactly the fingerprints of the seed's long sentences, and
    every one of those sentences, pasted, is found through the stored fingerprints alone."""
    text = FINGERPRINTS_FILE.read_text(encoding="utf-8")
    sentences = _all_seed_sentences()
    prints = frozenset(map(fingerprint, sentences)) if sentences else stored_fingerprints()
    assert render_fingerprints(prints) == text
    missed = [s for s in sentences if not pasted_sentences(s.upper(), (), stored_fingerprints())]
    expected: list[str] = []
    assert expected == missed


def test_regenerated_fingerprints_detect_the_sentences_of_a_seed(tmp_path: Path) -> None:
    """What ``__main__`` writes from a seed directory is what the scan reads back and matches."""
    seed = tmp_path / "seed"
    seed.mkdir()
    (seed / "000_stand_in.txt").write_text(f"Title\n\nShort line. {_STAND_IN}\n", "utf-8")
    written = tmp_path / "seed_fingerprints.txt"
    written.write_text(render_fingerprints(_prints_of_seed(seed)), encoding="utf-8")
    prints = stored_fingerprints(written)
    assert {fingerprint(normalise(_STAND_IN))} == prints
    expected = [normalise(_STAND_IN)[:PREFIX_CHARS]]
    assert expected == pasted_sentences(f"# {_STAND_IN.upper()}", (), prints)


def test_an_empty_seed_directory_given_is_an_error_not_a_pass(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=SEED_DIR_VARIABLE):
        seed_texts(tmp_path)


def test_a_file_pasting_a_fingerprinted_sentence_is_reported(tmp_path: Path) -> None:
    """The scan can fail: with the stand-in's fingerprint added to the stored ones, a file that
    pastes it (reflowed, in capitals, inside a docstring) is reported, and a paraphrase is not."""
    prints_file = tmp_path / "seed_fingerprints.txt"
    stored = stored_fingerprints()
    prints_file.write_text(
        render_fingerprints(stored | {fingerprint(normalise(_STAND_IN))}), encoding="utf-8"
    )
    prints = stored_fingerprints(prints_file)
    assert stored < prints
    package = tmp_path / "src" / "pkg"
    package.mkdir(parents=True)
    words = _STAND_IN.upper().split()
    reflowed = " ".join(words[:8]) + "\n    " + " ".join(words[8:])
    (package / "pasted.py").write_text(f'"""Docstring.\n\n    {reflowed}\n    """\n', "utf-8")
    paraphrase = "Our own stand in sentence for this test, long enough to be fingerprinted."
    (package / "paraphrased.py").write_text(f'"""{paraphrase}"""\n', "utf-8")
    expected = {"src/pkg/pasted.py": [normalise(_STAND_IN)[:PREFIX_CHARS]]}
    assert expected == pasted_files(tmp_path, (), prints)


def test_no_catalog_text_copies_a_seed_sentence() -> None:
    sentences, prints = _all_seed_sentences(), _all_prints()
    expected: list[str] = []
    actual = [p for text in catalog_strings() for p in pasted_sentences(text, sentences, prints)]
    assert expected == actual


def test_no_file_under_src_docs_or_examples_copies_a_seed_sentence() -> None:
    files = scanned_files()
    assert REPO / "src" / "sms_model" / "catalog" / "_guidance.py" in files
    expected: dict[str, list[str]] = {}
    assert expected == pasted_files(REPO, _all_seed_sentences(), _all_prints())


def _prints_of_seed(directory: Path) -> frozenset[str]:
    texts = seed_texts(directory)
    return frozenset(fingerprint(s) for text in texts for s in seed_sentences(text))


if __name__ == "__main__":  # maintainers only: rewrite seed_fingerprints.txt from the seed
    chosen = seed_dir()
    if chosen is None:
        raise SystemExit(f"set {SEED_DIR_VARIABLE} to the directory of the seed's *.txt files")
    FINGERPRINTS_FILE.write_text(render_fingerprints(_prints_of_seed(chosen)), encoding="utf-8")
    print(f"{FINGERPRINTS_FILE}: {len(stored_fingerprints())} fingerprints")

"""The crosswalk between the 2011 and 2018 editions: complete, consistent both ways, and
printed by ``sms-model crosswalk`` as text, Markdown and JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from sms_model.catalog import clause, crosswalk, leaf_clauses
from sms_model.cli import main

LEAVES_2018 = [c.number for c in leaf_clauses("2018")]


def test_every_2011_leaf_clause_maps_to_2018_leaf_clauses() -> None:
    walk = crosswalk("2011", "2018")
    assert list(walk) == [c.number for c in leaf_clauses("2011")]
    for number, mapped in walk.items():
        assert mapped, f"{number} maps to nothing"
        assert set(mapped) <= set(LEAVES_2018), number


def test_the_way_back_is_the_same_mapping_reversed() -> None:
    forward, back = crosswalk("2011", "2018"), crosswalk("2018", "2011")
    assert list(back) == LEAVES_2018
    pairs = {(old, new) for old, news in forward.items() for new in news}
    assert pairs == {(old, new) for new, olds in back.items() for old in olds}


def test_the_clauses_new_in_2018_map_to_nothing() -> None:
    back = crosswalk("2018", "2011")
    new = {number for number, olds in back.items() if not olds}
    assert {"4.1", "4.2", "7.6", "8.2.4", "8.2.5", "8.4.2"} <= new
    assert "8.2.3" not in new  # 2011's governance of other parties (4.2) moved there


def test_the_2018_leaf_clauses_named_by_the_issue_exist() -> None:
    for number in ("8.5.1.1", "8.5.2.3", "8.3.4.2", "8.7.3.3", "7.5.4", "5.2.2", "6.2.2"):
        assert clause(number, "2018").number in LEAVES_2018


@pytest.mark.parametrize(
    ("edition", "message"), [("2005", "unknown edition"), ("2011", "from one edition to another")]
)
def test_a_crosswalk_needs_two_known_editions(edition: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        crosswalk("2011", edition)


def test_the_command_prints_the_table_in_three_formats(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["crosswalk"]) == 0
    text = capsys.readouterr().out
    assert "4.1.4" in text
    assert "5.3 Organizational roles" in text
    out = tmp_path / "walk.json"
    assert (
        main(["crosswalk", "--from", "2018", "--to", "2011", "--format", "json", "-o", str(out)])
        == 0
    )
    document = json.loads(out.read_text(encoding="utf-8"))
    assert (document["from"], document["to"]) == ("2018", "2011")
    assert [row["clause"] for row in document["rows"]] == LEAVES_2018
    assert main(["crosswalk", "--format", "markdown"]) == 0
    tokens = MarkdownIt("gfm-like").parse(capsys.readouterr().out)
    rows = [t for t in tokens if t.type == "tr_open"]
    assert len(rows) == len(crosswalk()) + 1  # the header and one row per 2011 leaf clause


def test_the_same_edition_twice_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["crosswalk", "--from", "2018", "--to", "2018"]) == 2
    assert "same edition" in capsys.readouterr().err

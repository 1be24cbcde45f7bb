"""The lake's alias index answers as known_aliases over every published entity row does,
reading only the buckets of the names asked."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import pytest

from tasks.extract import aliases
from tasks.extract.aliases import AliasIndex
from tasks.extract.entities import lake_names
from tasks.extract.link_stage import known_aliases, lake_aliases
from tasks.extract.linking import person_links
from tasks.lake import Lake
from tasks.schemas import conform


def entity(article: str, eid: str, name: str, label: str = "PERSON",
           more: tuple[str, ...] = ()) -> dict:
    return {"article_id": article, "entity_id": eid, "name": name, "label": label,
            "aliases": [name, *more], "roles": [], "mention_count": 1}


PUBLISHED = [
    entity("a1", "person/joe-biden", "Joe Biden", more=("Biden",)),
    entity("a1", "person/hunter-biden", "Hunter Biden"),
    entity("a2", "person/donald-trump", "Donald Trump", more=("Trump",)),
    entity("a2", "person/donald-trump-jr", "Donald Trump Jr."),
    entity("a3", "person/sami-abu-zuhri", "Sami Abu Zuhri"),
    entity("a3", "org/hamas", "Hamas", "ORG"),
    entity("a4", "gpe/united-states", "United States", "GPE", ("US", "U.S.")),
    entity("a4", "org/us-army", "US Army", "ORG", ("US",)),
]


def publish(lake: Lake, rows: list[dict], run_id: str) -> None:
    table = conform("entities", rows, run_id=run_id)
    lake.publish(run_id, "2026-01-05", {"entities": table}, aliases.state(table),
                 {"run_id": run_id})


def test_the_index_answers_as_known_aliases(tmp_path: Path) -> None:
    lake = Lake(str(tmp_path / "lake"))
    publish(lake, PUBLISHED[:4], "r1")
    publish(lake, PUBLISHED[4:], "r2")
    known = known_aliases(lake.read("entities"))
    index = AliasIndex(lake.url)
    asked = [*known, "Zuhri", "Nobody", "US", "Biden", "Trump", "Hunter"]
    assert {a: index.get(a) for a in asked} == {a: known.get(a) for a in asked}
    assert {e: index.names.get(e) for e in lake_names(known)} == lake_names(known)
    run = [entity("b1", "person/samir-abu-zohri", "Samir Abu Zohri"),
           entity("b2", "person/trump", "Trump"), entity("b3", "person/biden", "Biden")]
    assert person_links(run, index) == person_links(run, known)
    assert person_links(run, index)["person/samir-abu-zohri"][0] == "person/sami-abu-zuhri"


def test_a_lookup_reads_only_its_bucket(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                        ) -> None:
    lake = Lake(str(tmp_path / "lake"))
    publish(lake, PUBLISHED, "r1")
    assert AliasIndex(lake.url).loaded == set(range(aliases.BUCKETS))  # small: read whole
    monkeypatch.setattr(aliases, "PRELOAD_BYTES", 0)  # as a large index is
    index = AliasIndex(lake.url)
    assert index.get("Hamas") == "org/hamas"
    assert index.loaded == {aliases.bucket("Hamas")}


def test_a_lookup_in_a_compacted_bucket_reads_only_the_row_group_of_its_word(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lake = Lake(str(tmp_path / "lake"))
    many = [entity(f"f{i}", f"org/outlet-{i}", f"Outlet {i}", "ORG") for i in range(3000)]
    table = conform("entities", [*PUBLISHED, *many], run_id="r1")
    lake.publish("r1", "2026-01-05", {"entities": table}, {}, {"run_id": "r1"})
    aliases.rebuild(lake)  # one sorted file a bucket, in row groups of 256 rows
    [path] = aliases.INDEX.files(lake, aliases.bucket("Hamas"))
    assert pq.ParquetFile(path, filesystem=lake.fs).metadata.num_row_groups > 1
    monkeypatch.setattr(aliases, "PRELOAD_BYTES", 0)  # as a large index is
    whole = AliasIndex(lake.url)  # a small bucket is read whole at once
    assert whole.get("Hamas") == "org/hamas" and not whole.read
    [(hashes, (words, *_))] = whole.whole[aliases.bucket("Hamas")]  # kept sorted by hash
    assert set(words.to_pylist()) == set(pq.read_table(path)["key"].to_pylist())
    assert (hashes[:-1] <= hashes[1:]).all() and not whole.rows
    monkeypatch.setattr(aliases, "WHOLE_FILE_BYTES", 0)  # as a large bucket is
    index = AliasIndex(lake.url)
    assert index.get("Hamas") == "org/hamas" and index.get("Outlet 7") == "org/outlet-7"
    assert index.get("Nobody") is None
    asked = {aliases.bucket(w) for w in ("Hamas", "Outlet 7", "Nobody")}
    assert index.loaded == asked and len(index.read) <= 3


def test_a_missing_or_older_index_is_rebuilt_from_the_entities(tmp_path: Path) -> None:
    lake = Lake(str(tmp_path / "lake"))
    table = conform("entities", PUBLISHED, run_id="r1")
    lake.publish("r1", "2026-01-05", {"entities": table}, {}, {"run_id": "r1"})
    lake.write_json({"version": "v1"}, lake.path("_state", "aliases", "v1", "READY.json"))
    assert not aliases.ready(lake)  # the first layout, with its own mark
    index = lake_aliases(lake.url, tuple(lake.files("entities")))
    assert aliases.ready(lake) and not lake.fs.exists(lake.path("_state", "aliases", "v1"))
    assert index.get("Hamas") == "org/hamas" and index.get("US") is None
    files = [f for b in range(aliases.BUCKETS) for f in aliases.INDEX.files(lake, b)]
    rows = sum(pq.read_table(p, filesystem=lake.fs).num_rows for p in files)
    assert rows == aliases.index_rows(table).num_rows
    for path in files:  # sorted by the key's hash: a bucket's row groups prune
        hashes = pq.read_table(path, filesystem=lake.fs)["key_hash"].to_pylist()
        assert hashes == sorted(hashes)


def test_the_index_is_a_registered_state_that_check_verifies(tmp_path: Path) -> None:
    from tasks.check import parquet_problems
    from tasks.state.registry import STATES, schemas

    assert aliases.ALIASES in STATES and schemas()["aliases"] == aliases.SCHEMA
    lake = Lake(str(tmp_path / "lake"))
    publish(lake, PUBLISHED, "r1")
    assert parquet_problems(lake) == []
    path = aliases.INDEX.files(lake, aliases.bucket("Hamas"))[0]
    wrong = pq.read_table(path).drop_columns(["key_hash"])
    pq.write_table(wrong, path)
    assert [p.relative for p in parquet_problems(lake)] == [
        path.removeprefix(lake.root + "/")]


def test_the_index_counts_mentions_over_every_publish(tmp_path: Path) -> None:
    lake = Lake(str(tmp_path / "lake"))
    barack = {**entity("a1", "person/barack-obama", "Barack Obama"), "mention_count": 5}
    michelle = entity("a1", "person/michelle-obama", "Michelle Obama")
    romney = {**entity("a2", "person/mitt-romney", "Mitt Romney"), "mention_count": 4}
    publish(lake, [barack, michelle, romney], "r1")
    publish(lake, [{**barack, "article_id": "a3"}], "r2")  # the same count again: both kept
    index = AliasIndex(lake.url)
    assert index.counts("Obama") == {"person/barack-obama": 10, "person/michelle-obama": 1}
    run = [entity("b1", "person/obama", "Obama"), entity("b2", "org/romney", "Romney", "ORG")]
    assert person_links(run, index) == {
        "person/obama": ("person/barack-obama", "Barack Obama"),  # the lake's dominant Obama
        "org/romney": ("person/mitt-romney", "Mitt Romney")}  # a person by the lake's vote
    known = known_aliases(lake.read("entities"))  # no counts: neither is settled
    assert person_links(run, known) == {}


def test_an_index_of_the_version_before_nicknames_is_stale(tmp_path: Path) -> None:
    """Version 3 files a short given name's sound key under the formal name, so an index
    of version 2, whose "William Smith" rows a "Bill Smith" would not find, is rebuilt."""
    from tasks.state import rebuild, stale

    assert aliases._sound("Bill Smith") == aliases._sound("William Smith")
    lake = Lake(str(tmp_path / "lake"))
    publish(lake, [entity("a1", "person/william-smith", "William Smith")], "r1")
    lake.write_json({"version": 2}, aliases.ALIASES.marker(lake))
    assert stale(lake, [aliases.ALIASES]) == [aliases.ALIASES]
    rebuild(lake, [aliases.ALIASES], "t")
    assert not stale(lake, [aliases.ALIASES])
    assert AliasIndex(lake.url).people(["Bill Smith"]) == {"person/william-smith": "William Smith"}

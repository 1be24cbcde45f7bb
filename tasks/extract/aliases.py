"""The lake's entity alias index in `_state/aliases/`, read only for the names a run meets.

`known_aliases` over every published entity row is what linking needs; this index answers
the same questions from a state table (tasks/state/store.py `BucketedTable`), where each
published entity row leaves one row per question it can answer, keyed by the word asked:
- `alias`: a name or alias -> the entity it names;
- `surname`: a person's surname -> the person (full name): the bare surname's meaning and
  the people a lone surname in a run may be;
- `sound`: a person's sound key (person_names.name_key) -> the person: other spellings;
- `name`: an entity id -> the names its canonical name is chosen from (lake_names);
- `count`: a person's surname, or an entity's one-word name -> the entity, and (in `name`,
  as `<mentions>@<run_id>`) the mentions one run published of it: the bare surname's
  dominant person and the lake-wide label vote add these up (a row per run, not one summed
  row, so that the rows stay a set, as every state's readers and compaction treat them).
Rows are filed by a 64-bit hash of the word (`key_hash`) into BUCKETS buckets, each
compacted file sorted by it in small row groups. An index up to PRELOAD_BYTES is read whole
when opened (before extraction forks its workers, which inherit it). Otherwise the first
word of a bucket reads the bucket's files up to WHOLE_FILE_BYTES whole (the run's words
would reach most of them anyway), kept as Arrow and found by bisection on key_hash (no
Python object per row read, so opening costs what reading costs), and the larger ones'
footers; a word then reads the row
group whose hash range holds it, so in a large index a run reads about a row group per
word it meets.
Publish appends the run's rows with its tables (one journal) and compacts a bucket of many
files; the state's version mark says the index is whole (tasks/state), and a missing or
older one is rebuilt from the published entities.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from tasks.extract.entities import bare_surname_means, names_entity, surname
from tasks.extract.person_names import name_key
from tasks.lake import Lake
from tasks.state import State
from tasks.state import rebuild as rebuild_states
from tasks.state.store import BucketedTable, parquet_file

# 16 buckets: a run's names reach nearly every bucket of any number, and a bucket is one
# file (or a few) with one footer, where 256 small ones cost 256 opens and footers per
# process; at 10,000 articles a bucket is ~100 KB.
BUCKETS = 16
SCHEMA = pa.schema([("key_hash", pa.uint64()), ("key", pa.string()), ("kind", pa.string()),
                    ("entity_id", pa.string()), ("name", pa.string())])
# Row groups of 256 rows (~12 KB): a word asked reads the group holding its hash, so that
# in a large index a run reads about a group per word, not whole buckets.
INDEX = BucketedTable("aliases", "key_hash", SCHEMA, buckets=BUCKETS, row_group=256)
ENTITY_COLUMNS = ["run_id", "entity_id", "name", "aliases", "mention_count"]
# A file up to this size is read whole when its bucket is first asked: a run's ~2,500 words
# ask ~160 row groups of each bucket (~2 MB), and one read beats that many small ones.
WHOLE_FILE_BYTES = 2 * 2**20
COLUMNS = ["key", "kind", "entity_id", "name"]  # what a lookup reads
# An index this small is read whole when opened: a run's words reach every bucket anyway,
# and extraction's forked workers then inherit it instead of each reading it again.
PRELOAD_BYTES = 8 * 2**20


def key_hash(key: str) -> int:
    return int.from_bytes(hashlib.sha1(key.encode("utf-8", "surrogatepass")).digest()[:8],
                          "big")


def bucket(key: str) -> int:
    return key_hash(key) % BUCKETS


def _sound(name: str) -> str | None:
    key = name_key(name)
    return "|".join(key) if key is not None else None


def count_word(eid: str, name: str) -> str | None:
    """The word an entity's mentions are counted under: a person's surname, a one-word name."""
    if " " not in name:
        return name
    return surname(name) if eid.startswith("person/") else None


def index_rows(entities: pa.Table) -> pa.Table:
    """The index rows of published entity rows (ENTITY_COLUMNS), each once."""
    rows: set[tuple[str, str, str, str]] = set()
    counts: Counter[tuple[str, str, str]] = Counter()
    columns = entities.select(ENTITY_COLUMNS).to_pydict()
    for run_id, eid, name, aliases, mention_count in zip(*columns.values(), strict=True):
        if (word := count_word(eid, name)) is not None:
            counts[word, eid, run_id] += mention_count
        for alias in [name, *(aliases or [])]:
            rows.add((alias, "alias", eid, ""))
            if names_entity(alias, eid):
                rows.add((eid, "name", eid, alias))
        if eid.startswith("person/") and " " in name:
            rows.add((surname(name), "surname", eid, name))
            if (sound := _sound(name)) is not None:
                rows.add((sound, "sound", eid, name))
    rows |= {(word, "count", eid, f"{n}@{run_id}") for (word, eid, run_id), n in counts.items()}
    ordered = sorted(rows)
    keys = [row[0] for row in ordered]
    return pa.table([pa.array([key_hash(k) for k in keys], pa.uint64()),
                     *(list(column) for column in zip(*ordered, strict=True))]
                    if ordered else [[], [], [], [], []], schema=SCHEMA)


def state(entities: pa.Table) -> dict[str, pa.Table]:
    """What publishing these entity rows adds to the index (state path -> rows)."""
    return INDEX.split(index_rows(entities)) if entities.num_rows else {}


def _rebuild(lake: Lake, tag: str) -> None:
    """The index from the published entities (read whole, once); the first layout
    (`v1/key=<hex>/`, its own READY.json) goes with the rest of the folder."""
    published = lake.read("entities", ENTITY_COLUMNS)
    INDEX.replace(lake, index_rows(published) if published is not None
                  else SCHEMA.empty_table(), tag)


# Version 3: sound keys file a short given name under its formal one ("Bill" as "William",
# lexicons/nicknames.tsv), so an index of version 2 answers old keys and is rebuilt.
ALIASES = State("aliases", 3, _rebuild, {"aliases": SCHEMA})


def ready(lake: Lake) -> bool:
    return ALIASES.current(lake)


def rebuild(lake: Lake | str) -> None:
    """Rebuild the index now (a run does it before it extracts when it is not ready)."""
    rebuild_states(Lake(lake) if isinstance(lake, str) else lake, [ALIASES], "aliases")


class AliasIndex(Mapping[str, str]):
    """known_aliases of the lake, answered from the index bucket by bucket: alias ->
    entity_id for an alias naming exactly one entity. Also `names` (lake_names) and
    `people` (the lake's persons a run's person names may be)."""

    def __init__(self, lake_url: str):
        self.lake_url = lake_url
        # bucket -> its files read whole, each as (key_hash ascending, its rows in that
        # order): a word is found by bisection, with no Python object per row read
        self.whole: dict[int, list[tuple[np.ndarray, list[pa.Array]]]] = defaultdict(list)
        # (word, kind) -> its rows (entity_id, name) from row groups read one by one
        self.rows: dict[tuple[str, str], dict[tuple[str, str], None]] = defaultdict(dict)
        self.loaded: set[int] = set()  # buckets whose files' footers are read
        self.asked: dict[tuple[str, str], list[tuple[str, str]]] = {}  # _find's answers
        # bucket -> per file: its path, footer, and each row group's key_hash range
        self.groups: dict[int, list[tuple[str, pq.FileMetaData, np.ndarray, np.ndarray]]] = {}
        self.read: set[tuple[str, int]] = set()  # (file, row group) read
        lake = Lake(lake_url)
        files = [path for b in range(BUCKETS) for path in INDEX.files(lake, b)]
        if sum(lake.fs.size(path) for path in files) <= PRELOAD_BYTES:
            for b in range(BUCKETS):
                self.load(b)

    def load(self, name: int) -> None:
        """Read a bucket, once: a small file whole, a large one's footer (where each
        key_hash range lies, for _find to read the row groups asked)."""
        lake = Lake(self.lake_url)
        self.loaded.add(name)
        self.groups[name] = []
        for path in INDEX.files(lake, name):
            if lake.fs.size(path) <= WHOLE_FILE_BYTES:  # in one read, not footer then columns
                self._keep(parquet_file(lake, path, whole=True).read(["key_hash", *COLUMNS]),
                           name)
                continue
            meta = pq.read_metadata(path, filesystem=lake.fs)
            column = meta.schema.to_arrow_schema().get_field_index("key_hash")
            stats = [meta.row_group(g).column(column).statistics
                     for g in range(meta.num_row_groups)]
            if any(s is None or not s.has_min_max for s in stats):  # unknown: read them all
                bounds = np.zeros(len(stats), np.uint64), np.full(len(stats), 2**64 - 1,
                                                                  np.uint64)
            else:
                bounds = (np.array([s.min for s in stats], np.uint64),
                          np.array([s.max for s in stats], np.uint64))
            self.groups[name].append((path, meta, *bounds))

    def read_groups(self, path: str, meta: pq.FileMetaData, groups: list[int]) -> None:
        """Read row groups of a large index file (in one read), once."""
        self.read.update((path, g) for g in groups)
        self._add(pq.ParquetFile(path, metadata=meta, filesystem=Lake(self.lake_url).fs
                                 ).read_row_groups(groups, COLUMNS))

    def _keep(self, table: pa.Table, name: int) -> None:
        """A bucket's file read whole, sorted by key_hash (a run's file is not)."""
        hashes = table["key_hash"].to_numpy()
        if len(hashes) and not (hashes[:-1] <= hashes[1:]).all():
            order = np.argsort(hashes, kind="stable")
            table, hashes = table.take(order), hashes[order]
        self.whole[name].append((hashes, [table[c].combine_chunks() for c in COLUMNS]))

    def _add(self, part: pa.Table) -> None:
        for key, kind, eid, name_ in zip(*part.to_pydict().values(), strict=True):
            self.rows[key, kind][eid, name_] = None

    def _find(self, key: str, kind: str) -> list[tuple[str, str]]:
        """A word's rows: from the row groups whose key_hash range holds its hash (a bucket's
        compacted file is sorted, so one group of it; a run's small file, its only one)."""
        if (key, kind) in self.asked:  # a run asks a name again and again
            return list(self.asked[key, kind])
        hashed = np.uint64(key_hash(key))
        if (b := int(hashed % np.uint64(BUCKETS))) not in self.loaded:
            self.load(b)
        found: dict[tuple[str, str], None] = {}
        for hashes, (words, kinds, eids, names) in self.whole[b]:
            i = int(hashes.searchsorted(hashed))
            while i < len(hashes) and hashes[i] == hashed:  # its rows (and a collision's)
                if words[i].as_py() == key and kinds[i].as_py() == kind:
                    found[eids[i].as_py(), names[i].as_py()] = None
                i += 1
        for path, meta, low, high in self.groups[b]:
            wanted = [g for g in np.flatnonzero((low <= hashed) & (hashed <= high)).tolist()
                      if (path, g) not in self.read]
            if wanted:
                self.read_groups(path, meta, wanted)
        self.asked[key, kind] = list(found | self.rows.get((key, kind), {}))
        return list(self.asked[key, kind])

    def counts(self, word: str) -> dict[str, int]:
        """entity_id -> lake mentions, of the people with this surname and the entities
        with this one-word name."""
        tally: Counter[str] = Counter()
        for eid, mentions in self._find(word, "count"):
            tally[eid] += int(mentions.split("@", 1)[0])
        return dict(tally)

    def __getitem__(self, alias: str) -> str:
        ids = {eid for eid, _ in self._find(alias, "alias")}
        ids |= bare_surname_means(dict(self._find(alias, "surname")))
        if len(ids) != 1:
            raise KeyError(alias)
        return next(iter(ids))

    def __bool__(self) -> bool:
        return True

    def __iter__(self) -> Iterator[str]:
        raise TypeError("the alias index is looked up, not listed")

    def __len__(self) -> int:
        raise TypeError("the alias index is looked up, not counted")

    @property
    def names(self) -> _Names:
        return _Names(self)

    def name(self, eid: str) -> str | None:
        """The entity's canonical name, as lake_names gives it."""
        names = sorted(n for _, n in self._find(eid, "name") if self.get(n) == eid)
        return names[-1] if names else None

    def people(self, names: Iterable[str]) -> dict[str, str]:
        """person entity_id -> canonical name, of the lake's people sharing a surname or a
        sound key with the given person names, or whose surname a lone name is."""
        found: set[str] = set()
        for name in set(names):
            found |= {eid for eid, _ in self._find(surname(name) if " " in name else name,
                                                   "surname")}
            if " " in name and (sound := _sound(name)) is not None:
                found |= {eid for eid, _ in self._find(sound, "sound")}
        return {eid: name for eid in sorted(found) if (name := self.name(eid)) is not None}


class _Names:
    """lake_names(known) of an AliasIndex: looked up, not listed."""

    def __init__(self, index: AliasIndex):
        self.index = index

    def get(self, eid: str, default: str | None = None) -> str | None:
        found = self.index.name(eid)
        return found if found is not None else default

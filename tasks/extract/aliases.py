"""The lake's entity alias index in `_state/`, read only for the names a run meets.

`known_aliases` over every published entity row is what linking needs; this index answers
the same questions from `_state/aliases/v1/key=<bucket>/`, where each published entity row
leaves one row per question it can answer, filed under the bucket (first two hex digits of
sha1) of the word asked:
- `alias`: a name or alias -> the entity it names;
- `surname`: a person's surname -> the person (full name): the bare surname's meaning and
  the people a lone surname in a run may be;
- `sound`: a person's sound key (linking._name_key) -> the person: other spellings;
- `name`: an entity id -> the names its canonical name is chosen from (lake_names);
- `count`: a person's surname, or an entity's one-word name -> the entity, and (in `name`)
  its mentions in the rows published with it: the bare surname's dominant person and the
  lake-wide label vote add up these rows (every publish adds its own; none is deduplicated).
A lookup loads its bucket once (of 256), so a run reads the buckets of the words it meets,
not the lake's entities. Publish appends the run's rows with its tables (one journal);
`READY.json` (written last by `rebuild`) marks a complete index of this version.
"""

from __future__ import annotations

import hashlib
import posixpath
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping

import pyarrow as pa
import pyarrow.parquet as pq

from tasks.extract.entities import CANONICAL, bare_surname_means, slug, surname
from tasks.extract.linking import _name_key
from tasks.lake import Lake

VERSION = "v1"
ROOT = f"aliases/{VERSION}"  # below _state/
SCHEMA = pa.schema([("key", pa.string()), ("kind", pa.string()), ("entity_id", pa.string()),
                    ("name", pa.string())])
ENTITY_COLUMNS = ["entity_id", "name", "aliases", "mention_count"]


def bucket(key: str) -> str:
    return hashlib.sha1(key.encode()).hexdigest()[:2]


def _sound(name: str) -> str | None:
    key = _name_key(name)
    return "|".join(key) if key is not None else None


def count_word(eid: str, name: str) -> str | None:
    """The word an entity's mentions are counted under: a person's surname, a one-word name."""
    if " " not in name:
        return name
    return surname(name) if eid.startswith("person/") else None


def index_rows(entities: pa.Table) -> pa.Table:
    """The index rows of published entity rows (entity_id, name, aliases), each once."""
    rows: set[tuple[str, str, str, str]] = set()
    counts: Counter[tuple[str, str]] = Counter()
    columns = entities.select(ENTITY_COLUMNS).to_pydict()
    for eid, name, aliases, mention_count in zip(*columns.values(), strict=True):
        if (word := count_word(eid, name)) is not None:
            counts[word, eid] += mention_count
        for alias in [name, *(aliases or [])]:
            rows.add((alias, "alias", eid, ""))
            if eid.endswith("/" + slug(alias)) or CANONICAL.get(slug(alias)) == alias:
                rows.add((eid, "name", eid, alias))
        if eid.startswith("person/") and " " in name:
            rows.add((surname(name), "surname", eid, name))
            if (sound := _sound(name)) is not None:
                rows.add((sound, "sound", eid, name))
    rows |= {(word, "count", eid, str(n)) for (word, eid), n in counts.items()}
    ordered = sorted(rows)
    return pa.table(list(zip(*ordered, strict=True)) if ordered else [[], [], [], []],
                    schema=SCHEMA)


def by_bucket(rows: pa.Table) -> dict[str, pa.Table]:
    """State key (below _state/) -> the rows of that bucket."""
    buckets = [bucket(k) for k in rows["key"].to_pylist()]
    out: dict[str, list[int]] = defaultdict(list)
    for i, b in enumerate(buckets):
        out[b].append(i)
    return {f"{ROOT}/key={b}": rows.take(pa.array(i)) for b, i in sorted(out.items())}


def state(entities: pa.Table) -> dict[str, pa.Table]:
    """What publishing these entity rows adds to the index."""
    return by_bucket(index_rows(entities)) if entities.num_rows else {}


def ready(lake: Lake) -> bool:
    return lake.fs.exists(lake.path("_state", ROOT, "READY.json"))


def rebuild(lake: Lake | str) -> None:
    """Rebuild the index from the published entities (read whole, once)."""
    lake = Lake(lake) if isinstance(lake, str) else lake
    top = lake.path("_state", "aliases")
    if lake.fs.exists(top):  # an older version, or a rebuild cut short
        lake.fs.rm(top, recursive=True)
    published = lake.read("entities", ENTITY_COLUMNS)
    rows = 0
    if published is not None:
        for key, table in state(published).items():
            lake.write_parquet(table, lake.path("_state", key, "part-rebuild.parquet"))
            rows += table.num_rows
    lake.write_json({"version": VERSION, "rows": rows}, lake.path("_state", ROOT, "READY.json"))


class AliasIndex(Mapping[str, str]):
    """known_aliases of the lake, answered from the index bucket by bucket: alias ->
    entity_id for an alias naming exactly one entity. Also `names` (lake_names) and
    `people` (the lake's persons a run's person names may be)."""

    def __init__(self, lake_url: str):
        self.lake_url = lake_url
        self.rows: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
        self.loaded: set[str] = set()
        self.tally: dict[str, Counter[str]] = defaultdict(Counter)

    def load(self, name: str) -> None:
        """Read a bucket of the index, once."""
        lake = Lake(self.lake_url)
        folder = lake.path("_state", ROOT, f"key={name}")
        self.loaded.add(name)
        if not lake.fs.exists(folder):
            return
        for path in sorted(lake.fs.ls(folder, detail=False)):
            if path.endswith(".parquet") and not posixpath.basename(path).startswith("."):
                part = pq.read_table(path, filesystem=lake.fs, schema=SCHEMA).to_pydict()
                for key, kind, eid, name_ in zip(*part.values(), strict=True):
                    if kind == "count":
                        self.tally[key][eid] += int(name_)
                    elif (eid, name_) not in self.rows[key, kind]:
                        self.rows[key, kind].append((eid, name_))

    def _find(self, key: str, kind: str) -> list[tuple[str, str]]:
        if (b := bucket(key)) not in self.loaded:
            self.load(b)
        return self.rows.get((key, kind), [])

    def counts(self, word: str) -> dict[str, int]:
        """entity_id -> lake mentions, of the people with this surname and the entities
        with this one-word name."""
        if (b := bucket(word)) not in self.loaded:
            self.load(b)
        return dict(self.tally.get(word, {}))

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

"""Cross-document resolution: entities, stories, near-duplicates and statements.

`resolve(batch, known)` links a freshly analysed batch to what the warehouse already holds. It is
pure and deterministic: the same input gives the same ids, and an id the warehouse already holds is
kept (new documents join existing entities, stories and statements; two known entities are never
fused by a new document, two known stories or statements may be when a new document bridges them).

Entities merge only on evidence: compatible names (transliteration-aware, see
`entities.name_tokens`) AND, unless the full names are identical, something shared besides the name:
a role or title around the mentions, or distinctive co-mentioned entities. A first name alone never
links two people; two full names with different family names never merge, even through a third
shorter name. Every merge is recorded in `entities.merge_reasons` as "alias: evidence".
"""
from __future__ import annotations

import hashlib
import re
import sys
import zlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cached_property

import numpy as np
import polars as pl
from rapidfuzz import fuzz

from transforms import schema
from transforms.lexicon import words
from transforms.names import (
    name_fullness,
    entity_id_for,
    fold,
    initials,
    is_acronym,
    name_key,
    name_tokens,
    tokens_match,
    translit_token,
)

NUMERIC_LABELS = frozenset({"DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL"})
# Labels the model confuses with each other for one name; merging never crosses groups.
_LABEL_GROUP = {"ORG": "org", "FAC": "org", "GPE": "place", "LOC": "place", "WEAPON": "thing", "PRODUCT": "thing"}
# Places and nationalities are shared by most articles of a region: weak evidence of anything.
_WEAK_LABELS = frozenset({"GPE", "LOC", "NORP", "LANGUAGE"})
# Organisation head nouns that translations swap ("Popular Mobilization Forces/Units").
_HEAD_SYNONYMS = (frozenset(translit_token(w) for w in ("forces", "units", "troops")),)
# Words that describe a role or title; at least one must be shared for role evidence.
ROLE_WORDS = words("resolution_role_words")
STOPWORDS = words("resolution_stopwords")
_MERGE_ROLE_MIN = 2
_COMENTION_MIN = 2.0
_STORY_DAYS = 4


@dataclass
class Resolution:
    entity_id_map: dict[str, str]      # batch provisional entity_id -> resolved entity_id
    entities: pl.DataFrame             # schema.ENTITIES rows for every resolved entity the batch touches
    story_ids: dict[str, str]          # doc_id -> story_id (batch docs and known docs whose story changed)
    near_duplicate_of: dict[str, str]  # doc_id -> earlier doc_id it nearly copies
    statement_ids: dict[str, str]      # quote_id -> statement_id (batch quotes and changed known quotes)


class Features:
    """What resolution computes from one document or quote alone (shingles of its article text,
    role words around person mentions, content words of quotes). `add` computes them for a batch
    ahead of `resolve`, e.g. while later batches are still being parsed; anything not added is
    computed when `resolve` needs it. Either way the result is the same."""

    def __init__(self):
        self.shingles: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        #: Role words around every person mention of the added documents, per entity id.
        self.roles: dict[str, set[str]] = defaultdict(set)
        self.role_docs: set[str] = set()
        self.quote_terms: dict[str, tuple[set[str], str]] = {}

    def add(self, tables: dict[str, pl.DataFrame]) -> Features:
        texts = _article_texts(tables.get("blocks"))
        for d in tables["documents"]["doc_id"]:
            self.shingles_of(d, texts)
        persons = tables["entity_mentions"].filter(pl.col("label") == "PERSON", pl.col("entity_id").is_not_null())
        for doc_id, eid, start, end in persons.select("doc_id", "entity_id", "char_start", "char_end").iter_rows():
            if doc_id in texts:
                self.roles[eid] |= self.role_of(doc_id, start, end, texts)
        self.role_docs.update(tables["documents"]["doc_id"])
        for quote_id, text in tables["quotes"].select("quote_id", "text").iter_rows():
            self.terms_of(quote_id, text)
        return self

    def shingles_of(self, doc_id: str, texts) -> tuple[np.ndarray, np.ndarray]:
        if doc_id not in self.shingles:
            words = _word_hashes(" ".join(t for _, t in texts.get(doc_id, [])))
            self.shingles[doc_id] = (_shingles(words, 3), _shingles(words, 5))
        return self.shingles[doc_id]

    @staticmethod
    def role_of(doc_id: str, start: int, end: int, texts) -> set[str]:
        return _stems(_window(texts[doc_id], start, end))

    def terms_of(self, quote_id: str, text: str) -> tuple[set[str], str]:
        if quote_id not in self.quote_terms:
            self.quote_terms[quote_id] = (_stems(text), " ".join(_WORD.findall(fold(text))))
        return self.quote_terms[quote_id]


_WORD = re.compile(r"\w+")


def resolve(batch: dict[str, pl.DataFrame], known: dict[str, pl.DataFrame],
            features: Features | None = None) -> Resolution:
    """Resolve a batch against the warehouse. `known` needs (columns used):
    entities(entity_id, name, label, aliases, merge_reasons), entity_mentions(doc_id, entity_id, text,
    label, char_start, char_end), documents(doc_id, title, published_at, story_id, near_duplicate_of),
    blocks(doc_id, kind, char_start, char_end, text) of article kinds, quotes(quote_id, doc_id, text,
    speaker_entity_id, statement_id). Missing tables count as empty. `features` may hold what
    `Features.add` computed ahead for the batch."""
    known = {name: known.get(name, schema.TABLES[name].empty()) for name in
             ("entities", "entity_mentions", "documents", "blocks", "quotes")}
    features = features or Features()
    texts = _article_texts(known["blocks"], batch["blocks"])
    entity_id_map, entities, mention_entity = _resolve_entities(batch, known, texts, features)
    story_ids, near_dups = _resolve_stories(batch, known, texts, mention_entity, features)
    statement_ids = _resolve_statements(batch, known, entity_id_map, features)
    return Resolution(entity_id_map, entities, story_ids, near_dups, statement_ids)


def _hash_id(prefix: str, *parts: str) -> str:
    return f"{prefix}_{hashlib.sha1('|'.join(parts).encode()).hexdigest()[:16]}"


# ---------------------------------------------------------------------------------------------
# Article text (batch: raw_text; known: the article blocks, placed at their offsets)
# ---------------------------------------------------------------------------------------------

def _article_texts(*tables: pl.DataFrame | None) -> dict[str, list[tuple[int, str]]]:
    """doc_id -> article blocks as (char_start, text), in order, from blocks tables."""
    out: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for table in tables:
        if table is None or table.is_empty():
            continue
        rows = table.filter(pl.col("kind").is_in(schema.ARTICLE_KINDS)).sort("doc_id", "char_start")
        for doc_id, start, text in rows.select("doc_id", "char_start", "text").iter_rows():
            out[doc_id].append((start, text))
    return out


def _window(blocks: list[tuple[int, str]], start: int, end: int, width: int = 90) -> str:
    """Article text around a span, within its block (a role is stated next to the name)."""
    for b_start, text in blocks:
        if b_start <= start < b_start + len(text):
            s, e = start - b_start, end - b_start
            return text[max(0, s - width):s] + " " + text[e:e + width]
    return ""


def _stems(text: str) -> set[str]:
    """Content-word stems: casefolded, British/American spelling aligned, cut to 6 letters."""
    words = _STEM_WORD.findall(fold(text).replace("u.s.", "us").replace("’", "'"))
    out = set()
    for w in words:
        if w in STOPWORDS or len(w) < 2:
            continue
        w = w.replace("-", "")
        if w.endswith("ence"):
            w = w[:-4] + "ense"
        out.add(sys.intern(w[:6]))  # a few thousand stems recur across many sets
    return out


_STEM_WORD = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


_ROLE_STEMS = frozenset(w[:6] for w in ROLE_WORDS)


# ---------------------------------------------------------------------------------------------
# Entities
# ---------------------------------------------------------------------------------------------

@dataclass
class _Unit:
    """One entity before cross-document merging: a batch provisional id or a known entity."""

    uid: str
    label: str
    known: bool
    names: set[str] = field(default_factory=set)
    docs: set[str] = field(default_factory=set)
    role: set[str] = field(default_factory=set)
    n_mentions: int = 0
    reasons: list[str] = field(default_factory=list)

    @cached_property
    def group(self) -> str:
        return _LABEL_GROUP.get(self.label, self.label)

    # Names are final once `_units` has read every mention; the pair loops ask for these often.
    @cached_property
    def full_names(self) -> list[tuple[str, ...]]:
        """Persons: the longest names (short forms are judged against them); others: every
        multi-word name (an organisation has several: an Arabic name, its translation)."""
        toks = {name_tokens(n) for n in self.names} - {()}
        if self.label != "PERSON":
            return sorted(t for t in toks if len(t) > 1 or len(toks) == 1)
        longest = max((len(t) for t in toks), default=0)
        return sorted(t for t in toks if len(t) == longest)

    @cached_property
    def keys(self) -> set[str]:
        return {name_key(n) for n in self.names}


def _units(batch, known, texts, features: Features) -> tuple[dict[str, _Unit], dict[str, Counter]]:
    units: dict[str, _Unit] = {}
    for row in known["entities"].iter_rows(named=True):
        u = units[row["entity_id"]] = _Unit(row["entity_id"], row["label"], True)
        u.names |= {row["name"], *(row["aliases"] or [])}
        u.reasons = list(row["merge_reasons"] or [])
    for row in batch["entities"].iter_rows(named=True):
        if row["entity_id"] not in units:
            units[row["entity_id"]] = _Unit(row["entity_id"], row["label"], False, {row["name"]})
        else:  # the provisional id equals a known id: the same label and name key
            units[row["entity_id"]].names.add(row["name"])
    doc_entities: dict[str, Counter] = defaultdict(Counter)  # doc -> entity -> weight (for co-mentions)
    cols = ["doc_id", "entity_id", "text", "label", "char_start", "char_end"]
    for table in (known["entity_mentions"], batch["entity_mentions"]):
        for doc_id, eid, text, label, start, end in table.select(cols).iter_rows():
            if eid is None or label in NUMERIC_LABELS or eid not in units:
                continue
            u = units[eid]
            u.names.add(text)
            u.docs.add(doc_id)
            u.n_mentions += 1
            doc_entities[doc_id][eid] += 1
            if label == "PERSON" and doc_id in texts and doc_id not in features.role_docs:
                u.role |= features.role_of(doc_id, start, end, texts)
    for eid, role in features.roles.items():  # role words gathered ahead for whole documents
        if eid in units:
            units[eid].role |= role
    return units, doc_entities


def _name_relation(a: _Unit, b: _Unit) -> tuple[str, str] | None:
    """How the names of two units relate: (strength, description), or None when incompatible."""
    if a.group != b.group:
        return None
    if a.label == "PERSON":
        return _person_relation(a, b)
    fa, fb = a.full_names, b.full_names
    for x in fa:
        for y in fb:
            if len(x) == len(y) and all(tokens_match(p, q) for p, q in zip(x, y)):
                return ("same", "same name as")
    names_a = {n for n in a.names if is_acronym(n)}
    names_b = {n for n in b.names if is_acronym(n)}
    for acr, other in ((names_a, b), (names_b, a)):
        for ac in acr:
            for n in other.names:
                if len(n.split()) > 1 and initials(n) == ac.replace(".", ""):
                    return ("acronym", "acronym of")
                if len(n.split()) > 1 and n.split()[0] == ac:
                    return ("acronym", "short form of")
    for x in fa:
        for y in fb:
            if len(x) == len(y) >= 3 and all(tokens_match(p, q) for p, q in zip(x[:-1], y[:-1])):
                if any(x[-1] in s and y[-1] in s for s in _HEAD_SYNONYMS) and x[-1] != y[-1]:
                    return ("variant", "the same name with a synonymous head noun as")
    return None


def _person_relation(a: _Unit, b: _Unit) -> tuple[str, str] | None:
    fa, fb = a.full_names, b.full_names
    if not fa or not fb:
        return None
    best = None
    for x in fa:
        for y in fb:
            rel = _person_tokens_relation(x, y)
            if rel is None:
                return None  # one pair of full names conflicts: different people
            if best is None or _STRENGTH[rel[0]] > _STRENGTH[best[0]]:
                best = rel
    return best


_STRENGTH = {"same": 3, "variant": 2, "acronym": 2, "partial": 1, "surname": 0}


def _person_tokens_relation(x: tuple[str, ...], y: tuple[str, ...]) -> tuple[str, str] | None:
    short, full = (x, y) if len(x) <= len(y) else (y, x)
    if len(short) == len(full):
        if all(tokens_match(p, q) for p, q in zip(short, full)):
            return ("same", "same name as")
        return None
    if len(short) == 1:
        # A bare name: a surname may stand for the full name; a first name never does.
        return ("surname", "surname of") if tokens_match(short[0], full[-1]) else None
    if all(tokens_match(p, q) for p, q in zip(short, full)):
        return ("partial", "given names of")
    if tokens_match(short[-1], full[-1]) and tokens_match(short[0], full[0]):
        return ("partial", "name without the middle name of")
    if tokens_match(short[-1], full[-1]) and len(short[0]) == 1 and full[0].startswith(short[0]):
        return ("partial", "initial and surname of")
    return None


def _evidence(a: _Unit, b: _Unit, doc_entities, units, canonical_of) -> tuple[float, list[str]]:
    """What two units share besides their names: role words, distinctive co-mentioned entities."""
    notes, score = [], 0.0
    shared_role = sorted(a.role & b.role)
    if len(shared_role) >= _MERGE_ROLE_MIN and set(shared_role) & _ROLE_STEMS:
        score += 2
        notes.append("shared role (" + ", ".join(shared_role[:5]) + ")")

    def around(u):
        out = {}
        for d in u.docs:
            for e in doc_entities[d]:
                if e not in (a.uid, b.uid) and e in units:
                    c = canonical_of(e)
                    out[c] = 0.25 if units[e].label in _WEAK_LABELS else 1.0
        return out

    ca, cb = around(a), around(b)
    shared = sorted(set(ca) & set(cb), key=lambda c: (-ca[c], c))
    co = sum(ca[c] for c in shared)
    if co >= 1:
        score += min(co, 3)
        names = [units[c].label and _display(units[c]) for c in shared if ca[c] == 1.0][:4]
        notes.append("co-mentioned with " + ", ".join(names or [_display(units[c]) for c in shared[:4]]))
    return score, notes


def _display(u: _Unit) -> str:
    return max(u.names, key=lambda t: name_fullness(t, u.label)) if u.names else u.uid


def _resolve_entities(batch, known, texts, features):
    units, doc_entities = _units(batch, known, texts, features)
    # Blocking: only units sharing a coarse key are compared.
    blocks: dict[tuple[str, str], list[str]] = defaultdict(list)
    for uid, u in sorted(units.items()):
        keys = set()
        for n in u.names:
            toks = name_tokens(n)
            if u.label == "PERSON":
                keys |= {t for t in toks[-1:]} | ({" ".join(toks[:2])} if len(toks) >= 2 else set())
            else:
                keys |= {" ".join(toks)} | ({toks[0]} if toks else set())
                keys.add(initials(n) if len(n.split()) > 1 else n.upper())
                if len(toks) >= 3:
                    keys.add(" ".join(toks[:-1]))
        for k in keys:
            if k:
                blocks[(u.group, k[:4] if u.label == "PERSON" else k)].append(uid)
    pairs = set()
    for members in blocks.values():
        members = sorted(set(members))
        if len(members) > 200:
            continue  # a key this common is no evidence
        for i, x in enumerate(members):
            for y in members[i + 1:]:
                if not (units[x].known and units[y].known):
                    pairs.add((x, y))

    forest = _Forest(units)

    members_of = {uid: [uid] for uid in units}

    # Names do not change between passes: relate each pair once, keep the compatible ones.
    related = {}
    for x, y in sorted(pairs):
        rel = _name_relation(units[x], units[y])
        if rel is not None:
            related[(x, y)] = rel
    for _ in range(2):  # the second pass sees co-mentions through the first pass's merges
        _merge_pass(related, units, doc_entities, forest, members_of)
    return _entity_rows(batch, units, members_of)


def _merge_pass(related, units, doc_entities, forest, members_of):
    find = canonical_of = forest.find
    candidates = []
    for (x, y), rel in related.items():
        score, notes = _evidence(units[x], units[y], doc_entities, units, canonical_of)
        strength, why = rel
        exact = strength == "same" and bool(units[x].keys & units[y].keys)
        if strength == "same" and not exact:
            why = "another spelling of"
        needed = {"same": 0.0 if exact else 1.0, "variant": 1.0, "acronym": 1.0, "partial": 2.0, "surname": 2.0}[strength]
        if score < needed:
            continue
        candidates.append((-_STRENGTH[strength], -score, x, y, why, notes))
    candidates.sort()

    # Short names linking to more than one incompatible full name are ambiguous: keep them apart.
    for _, _, x, y, why, notes in candidates:
        rx, ry = find(x), find(y)
        if rx == ry:
            continue
        cx, cy = members_of[rx], members_of[ry]
        if any(units[m].known for m in cx) and any(units[m].known for m in cy):
            continue
        if not _clusters_compatible([units[m] for m in cx], [units[m] for m in cy]):
            continue
        keep, drop = sorted((rx, ry), key=lambda r: (not any(units[m].known for m in members_of[r]), r))
        forest.attach(drop, keep)
        members_of[keep] = cx + cy if keep == rx else cy + cx
        del members_of[drop]
        short, full = sorted((units[x], units[y]), key=lambda u: name_fullness(_display(u), u.label))
        reason = f"{_display(short)}: {why} {_display(full)}" + ("; " + "; ".join(notes) if notes else "")
        units[keep].reasons.append(reason)


def _entity_rows(batch, units, members_of):
    # Resolved ids: a known id when the cluster has one, else a hash of the fullest name.
    known_ids = {uid for uid, u in units.items() if u.known}
    used: set[str] = set(known_ids)
    resolved: dict[str, str] = {}
    rows = []
    batch_ids = set(batch["entities"]["entity_id"])
    for root in sorted(members_of):
        members = [units[m] for m in members_of[root]]
        touched = any(m.uid in batch_ids for m in members)
        names = set().union(*(m.names for m in members))
        label = next((m.label for m in members if m.known), None) or Counter(
            m.label for m in members for _ in range(max(m.n_mentions, 1))).most_common(1)[0][0]
        name = max(names, key=lambda t: name_fullness(t, label))
        known_member = next((m.uid for m in sorted(members, key=lambda m: m.uid) if m.known), None)
        if known_member:
            eid = known_member
        else:
            eid = entity_id_for(label, name)
            if eid in used:
                eid = _hash_id("ent", label, name_key(name), *sorted(m.uid for m in members))
        used.add(eid)
        for m in members:
            resolved[m.uid] = eid
        if not touched:
            continue
        reasons = []
        for m in sorted(members, key=lambda m: (not m.known, m.uid)):
            reasons += [r for r in m.reasons if r not in reasons]
        rows.append(dict(
            entity_id=eid, name=name, label=label, aliases=sorted(names - {name}), merge_reasons=reasons,
            n_documents=len(set().union(*(m.docs for m in members))), n_mentions=sum(m.n_mentions for m in members),
        ))
    entity_id_map = {p: resolved[p] for p in sorted(batch_ids)}
    mention_entity = {uid: resolved[uid] for uid in units}
    return entity_id_map, schema.ENTITIES.frame(sorted(rows, key=lambda r: r["entity_id"])), mention_entity


def _clusters_compatible(a: list[_Unit], b: list[_Unit]) -> bool:
    """No pair of full person names across the two clusters conflicts (different family or given
    names), so a short name cannot chain two different people together."""
    if a[0].label != "PERSON":
        return True
    for x in a:
        for y in b:
            for p in x.full_names:
                for q in y.full_names:
                    if len(p) > 1 and len(q) > 1 and _person_tokens_relation(p, q) is None:
                        return False
    return True


# ---------------------------------------------------------------------------------------------
# Stories and near-duplicates
# ---------------------------------------------------------------------------------------------

#: Features (entities, shingles, stems) in more documents or quotes than this (or than 1% of them)
#: are not used to find candidate pairs.
_CANDIDATE_DF = 100


_SHINGLE_BASE = np.uint64(1_000_003)


def _shingles(word_hashes: np.ndarray, n: int) -> np.ndarray:
    """Hashes of the word n-grams (a polynomial over the words' hashes, 64 bits, so collisions
    are negligible), sorted and unique: 8 bytes each, a corpus's worth fits in memory."""
    count = len(word_hashes) - n + 1
    if count <= 0:
        return np.empty(0, dtype=np.uint64)
    out = np.zeros(count, dtype=np.uint64)
    with np.errstate(over="ignore"):  # wrapping around 2**64 is the point
        for k in range(n):
            out = out * _SHINGLE_BASE + word_hashes[k:k + count]
    return np.unique(out)


def _word_hashes(text: str) -> np.ndarray:
    words = _WORD.findall(fold(text))
    return np.fromiter((zlib.crc32(w.encode()) for w in words), dtype=np.uint64, count=len(words))


def _pair_overlaps(pairs: list[tuple[str, str]], sets: dict[str, np.ndarray]) -> list[int]:
    """|sets[a] & sets[b]| for every pair (a, b) of sorted unique arrays. The pairs of one `a` are
    counted together (one search of all their members in `sets[a]`): one numpy call per document
    instead of one per pair."""
    by_first: dict[str, list[int]] = defaultdict(list)
    for i, (a, _) in enumerate(pairs):
        by_first[a].append(i)
    out = np.zeros(len(pairs), dtype=np.int64)
    for a, at in by_first.items():
        mine = sets[a]
        others = [sets[pairs[i][1]] for i in at]
        members = np.concatenate(others)
        if not len(mine) or not len(members):
            continue
        owner = np.repeat(np.arange(len(at)), [len(x) for x in others])
        pos = np.searchsorted(mine, members)
        pos[pos == len(mine)] = 0
        out[at] = np.bincount(owner[mine[pos] == members], minlength=len(at))
    return out.tolist()


def _jaccard_containment(shared: int, size_a: int, size_b: int) -> tuple[float, float]:
    """Jaccard similarity of two sets with `shared` members in common, and how much of the
    smaller one the other holds."""
    if not shared:
        return 0.0, 0.0
    return shared / (size_a + size_b - shared), shared / min(size_a, size_b)


def _entity_feature(entity_id: str) -> int:
    return int.from_bytes(hashlib.blake2b(entity_id.encode(), digest_size=8).digest(), "little")


def _story_candidates(doc_ids: list[str], features: list[np.ndarray], in_batch: np.ndarray, cap: int):
    """Pairs of documents sharing a feature held by at most `cap` documents, at least one of the
    pair in the batch: (batch doc, other doc) with the smaller id first when both are in the batch,
    sorted. Features are uint64 hashes; the inverted index is a sort, not a dict of sets, so its
    memory stays a few bytes per (document, feature)."""
    lengths = np.array([len(f) for f in features], dtype=np.int64)
    if not lengths.sum():
        return []
    feats = np.concatenate(features)
    owners = np.repeat(np.arange(len(features), dtype=np.int64), lengths)
    order = np.argsort(feats, kind="stable")
    feats, owners = feats[order], owners[order]
    _, starts, counts = np.unique(feats, return_index=True, return_counts=True)
    keep = (counts >= 2) & (counts <= cap)
    starts, counts = starts[keep], counts[keep]
    n = len(features)
    codes = []
    pairs2 = counts == 2  # most shared features are held by two documents: pair them at once
    a, b = owners[starts[pairs2]], owners[starts[pairs2] + 1]
    codes.append(np.minimum(a, b) * n + np.maximum(a, b))
    for s, c in zip(starts[~pairs2], counts[~pairs2]):
        members = np.unique(owners[s:s + c])
        i, j = np.triu_indices(len(members), k=1)
        codes.append(members[i] * n + members[j])
    codes = np.unique(np.concatenate(codes))
    lo, hi = codes // n, codes % n
    touched = in_batch[lo] | in_batch[hi]
    out = []
    for x, y in zip(lo[touched].tolist(), hi[touched].tolist()):
        dx, dy = doc_ids[x], doc_ids[y]
        if in_batch[x] and in_batch[y]:
            out.append((min(dx, dy), max(dx, dy)))
        else:
            out.append((dx, dy) if in_batch[x] else (dy, dx))
    return sorted(out)


def _resolve_stories(batch, known, texts, mention_entity, features):
    docs = {}
    for table, is_known in ((known["documents"], True), (batch["documents"], False)):
        for row in table.select("doc_id", "title", "published_at", "story_id").iter_rows(named=True):
            docs[row["doc_id"]] = dict(row, known=is_known)
    batch_docs = set(batch["documents"]["doc_id"])
    ents: dict[str, dict[str, float]] = defaultdict(dict)
    for table in (known["entity_mentions"], batch["entity_mentions"]):
        for doc_id, eid, label in table.select("doc_id", "entity_id", "label").iter_rows():
            if eid is None or label in NUMERIC_LABELS:
                continue
            ents[doc_id][mention_entity.get(eid, eid)] = 0.25 if label in _WEAK_LABELS else 1.0
    sh3, sh5 = {}, {}
    for d in docs:
        sh3[d], sh5[d] = features.shingles_of(d, texts)

    def order(d):  # earlier first: publication time, then known before new, then id
        p = docs[d]["published_at"]
        return (p is None, p.timestamp() if p is not None else 0, not docs[d]["known"], d)

    forest = _Forest(docs)
    find = forest.find

    near: dict[str, str] = {}
    # Candidates: documents sharing a distinctive entity or a rare 5-word shingle with a batch
    # document. Features in very many documents (boilerplate phrases, a country's leader) say
    # little about one event and would make the comparison quadratic, so they are not indexed.
    doc_ids = sorted(docs)
    features = []
    for d in doc_ids:
        strong = [_entity_feature(e) for e, w in ents.get(d, {}).items() if w == 1.0]
        features.append(np.union1d(sh5[d], np.array(strong, dtype=np.uint64)))
    in_batch = np.array([d in batch_docs for d in doc_ids], dtype=bool)
    cap = max(_CANDIDATE_DF, len(docs) // 100)
    candidates = _story_candidates(doc_ids, features, in_batch, cap)
    shared5, shared3 = _pair_overlaps(candidates, sh5), _pair_overlaps(candidates, sh3)
    for (d, o), s5, s3 in zip(candidates, shared5, shared3):
        p1, p2 = docs[d]["published_at"], docs[o]["published_at"]
        if p1 is not None and p2 is not None and abs(p1 - p2) > timedelta(days=_STORY_DAYS):
            continue
        j5, c5 = _jaccard_containment(s5, len(sh5[d]), len(sh5[o]))
        if j5 >= 0.6 or c5 >= 0.8:
            first, later = sorted((d, o), key=order)
            near.setdefault(later, first)
            forest.attach(later, first)
            continue
        j3, _ = _jaccard_containment(s3, len(sh3[d]), len(sh3[o]))
        if _same_story(ents[d], ents[o], j3, docs[d]["title"], docs[o]["title"]):
            a, b = sorted((find(d), find(o)), key=order)
            forest.attach(b, a)

    story_ids = _cluster_ids(
        docs, find, batch_docs, prefix="sto", order=order,
        current={d: docs[d]["story_id"] for d in docs if docs[d]["known"]},
    )
    return story_ids, near


class _Forest:
    """Union-find over ids: which entities, documents or quotes have been joined into one cluster."""

    def __init__(self, items):
        self.parent = {x: x for x in items}

    def find(self, x):
        parent = self.parent
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def attach(self, item, onto) -> None:
        """Join item's cluster under onto's cluster (onto's root stays the root)."""
        self.parent[self.find(item)] = self.find(onto)


def _cluster_ids(items, find, batch: set[str], *, prefix: str, order, current: dict[str, str | None]) -> dict[str, str]:
    """Ids of the clusters that touch the batch: the id most of the cluster's published members
    already carry (ids never change because a document arrived), else a hash of its earliest
    member. Returns the new id of every batch member and of every published member that moves."""
    clusters = defaultdict(list)
    for item in items:
        clusters[find(item)].append(item)
    out = {}
    for members in clusters.values():
        if not any(m in batch for m in members):
            continue
        existing = Counter(current[m] for m in members if current.get(m))
        cid = min(existing, key=lambda c: (-existing[c], c)) if existing else _hash_id(prefix, min(members, key=order))
        for m in members:
            if m in batch or current.get(m) != cid:
                out[m] = cid
    return out


def _same_story(ea: dict, eb: dict, text_sim: float, ta: str | None, tb: str | None) -> bool:
    """One event: similar text, or the same distinctive actors and objects with enough context
    (places add a little: most articles of a region share them)."""
    if text_sim >= 0.2:
        return True
    shared = ea.keys() & eb.keys()
    strong = sum(1 for e in shared if ea[e] == 1.0 and eb[e] == 1.0)
    weight = sum(min(ea[e], eb[e]) for e in shared)
    if strong == 0 or weight < 1.5:
        return False
    total = sum(ea.values()) + sum(eb.values()) - weight  # the union's weight, each entity at its max
    ent_sim = weight / total if total else 0.0
    title_sim = fuzz.token_set_ratio(fold(ta or ""), fold(tb or "")) / 100 if ta and tb else 0.0
    return ent_sim >= 0.3 or (ent_sim >= 0.15 and (title_sim >= 0.5 or text_sim >= 0.05))


# ---------------------------------------------------------------------------------------------
# Statements
# ---------------------------------------------------------------------------------------------

def _resolve_statements(batch, known, entity_id_map, features):
    quotes = []
    for table, is_known in ((known["quotes"], True), (batch["quotes"], False)):
        for row in table.select("quote_id", "doc_id", "text", "speaker_entity_id", "statement_id").iter_rows(named=True):
            spk = row["speaker_entity_id"]
            if not is_known and spk is not None:
                spk = entity_id_map.get(spk, spk)
            stems, norm = features.terms_of(row["quote_id"], row["text"])
            quotes.append(dict(row, speaker=spk, known=is_known, stems=stems, norm=norm))
    by_id = {q["quote_id"]: q for q in quotes}
    batch_ids = {q["quote_id"] for q in quotes if not q["known"]}
    forest = _Forest(by_id)
    find = forest.find

    # Every rule below needs at least two shared content words, so candidates come from an index
    # of stems; stems in very many quotes (said, government) are left out of it.
    by_stem: dict[str, list[str]] = defaultdict(list)
    for q in quotes:
        for stem in q["stems"]:
            by_stem[stem].append(q["quote_id"])
    cap = max(_CANDIDATE_DF, len(quotes) // 100)
    for q in sorted(quotes, key=lambda q: q["quote_id"]):
        if q["known"]:
            continue
        shared_stems = Counter(o for stem in q["stems"] if len(by_stem[stem]) <= cap for o in by_stem[stem])
        for o in (by_id[oid] for oid in sorted(shared_stems) if shared_stems[oid] >= 2):
            if o["quote_id"] == q["quote_id"] or o["doc_id"] == q["doc_id"]:
                continue
            if not o["known"] and o["quote_id"] < q["quote_id"]:
                continue
            if _same_statement(q, o):
                a, b = sorted((find(q["quote_id"]), find(o["quote_id"])))
                forest.attach(b, a)
    return _cluster_ids(
        by_id, find, batch_ids, prefix="stm", order=lambda qid: qid,
        current={qid: q["statement_id"] for qid, q in by_id.items() if q["known"]},
    )


def _same_statement(q: dict, o: dict) -> bool:
    """Same speaker and shared content words (translations reword), or a long verbatim fragment
    of one inside the other (outlets attribute one statement to different speakers)."""
    a, b = q["stems"], o["stems"]
    if not a or not b:
        return False
    shared = len(a & b)
    if q["speaker"] is not None and q["speaker"] == o["speaker"]:
        if shared >= 3 and shared / min(len(a), len(b)) >= 0.5:
            return True
        if shared >= 2 and fuzz.token_set_ratio(q["norm"], o["norm"], score_cutoff=75):
            return True
    elif q["speaker"] is None or o["speaker"] is None:
        # One side has no named speaker (often an attribution miss): ask for more shared words.
        if shared >= 4 and shared / min(len(a), len(b)) >= 0.6:
            return True
    if shared * 2 < min(len(a), len(b)):
        return False  # a near-verbatim fragment shares most of the shorter quote's content words
    short, long_ = sorted((q["norm"], o["norm"]), key=len)
    return len(short.split()) >= 6 and len(short) >= 35 and fuzz.partial_ratio(short, long_, score_cutoff=88) > 0


def apply_resolution(
    batch: dict[str, pl.DataFrame], res: Resolution
) -> tuple[dict[str, pl.DataFrame], pl.DataFrame, pl.DataFrame]:
    """The batch with resolved ids, plus the story and statement changes of already-known rows.

    Returns (tables, story_updates(doc_id, story_id), statement_updates(quote_id, statement_id)).
    """
    ids = res.entity_id_map
    out = dict(batch)
    out["entity_mentions"] = batch["entity_mentions"].with_columns(
        pl.col("entity_id").replace_strict(ids, default=pl.col("entity_id")))
    out["quotes"] = batch["quotes"].with_columns(
        pl.col("speaker_entity_id").replace_strict(ids, default=pl.col("speaker_entity_id")),
        pl.col("quote_id").replace_strict(res.statement_ids, default=None, return_dtype=pl.String)
        .alias("statement_id"))
    out["documents"] = batch["documents"].with_columns(
        pl.col("doc_id").replace_strict(res.story_ids, default=None, return_dtype=pl.String).alias("story_id"),
        pl.col("doc_id").replace_strict(res.near_duplicate_of, default=None, return_dtype=pl.String)
        .alias("near_duplicate_of"))
    counts = out["entity_mentions"].group_by("entity_id").agg(
        pl.col("doc_id").n_unique().alias("n_documents"), pl.len().cast(pl.Int64).alias("n_mentions"))
    out["entities"] = schema.conform(
        schema.ENTITIES,
        res.entities.drop("n_documents", "n_mentions").join(counts, on="entity_id", how="inner")
        .with_columns(pl.col("n_documents").cast(pl.Int64)).sort("entity_id"),
    )
    batch_docs = set(batch["documents"]["doc_id"].to_list())
    batch_quotes = set(batch["quotes"]["quote_id"].to_list())
    story_updates = pl.DataFrame(
        [(d, s) for d, s in sorted(res.story_ids.items()) if d not in batch_docs],
        schema={"doc_id": pl.String, "story_id": pl.String}, orient="row")
    statement_updates = pl.DataFrame(
        [(q, s) for q, s in sorted(res.statement_ids.items()) if q not in batch_quotes],
        schema={"quote_id": pl.String, "statement_id": pl.String}, orient="row")
    return out, story_updates, statement_updates

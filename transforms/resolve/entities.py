"""Entities across documents: one id per real-world entity.

Entities merge only on evidence: compatible names (transliteration-aware, see
`transforms.names.name_tokens`) AND, unless the full names are identical, something shared
besides the name: a role or title around the mentions, or distinctive co-mentioned entities. A
first name alone never links two people; two full names with different family names never merge,
even through a third shorter name. Every merge is recorded in `entities.merge_reasons` as
"alias: evidence", beside the links articles make themselves.

Units are the entities of single documents (a label and the name the document gives the entity,
`entity_mentions.document_name`), whether they arrive in this batch or were published before:
resolution clusters the units of the batch together with every published unit it touches, from
their mentions, so the same documents give the same entities whether they arrive in one run or
several, and a later document can join two published entities (their mentions move to one id).
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cached_property

import polars as pl

from transforms import schema
from transforms.names import (
    IN_DOCUMENT,
    canonical_name,
    could_be_personal_name,
    country_code,
    entity_id_for,
    link_reason,
    initials,
    is_acronym,
    name_fullness,
    name_key,
    name_tokens,
    person_name_relation,
    tokens_match,
    translit_token,
)
from transforms.resolve.features import (
    NUMERIC_LABELS,
    ROLE_STEMS,
    ArticleTexts,
    Features,
    entity_weight,
)
from transforms.resolve.ids import hash_id
from transforms.union_find import UnionFind

# Labels the model confuses with each other for one name; merging never crosses groups.
_LABEL_GROUP = {"ORG": "org", "FAC": "org", "GPE": "place", "LOC": "place", "WEAPON": "thing", "PRODUCT": "thing"}
# The model gives one place or organisation either label ("Leeds" the club, "Washington" the
# government): one name meets across them, never with a person or nationality.
_NAMED_PLACES = frozenset({"org", "place"})
_COUNTRY = "names the same country as"
_OTHER_TYPE = "the same name, another type, as"
_PERSON_OR_ORG = frozenset({"PERSON", "ORG"})
# Stands for an entity's final name inside a merge reason until every cluster has its name, so a
# reason reads the same whether the co-mentioned entity was re-resolved with the batch or not.
_NAME_OF = "⟦{}⟧"
_NAME_REF = re.compile("⟦([^⟦⟧]+)⟧")
# Organisation head nouns that translations swap ("Popular Mobilization Forces/Units").
_HEAD_SYNONYMS = (frozenset(translit_token(w) for w in ("forces", "units", "troops")),)
_MERGE_ROLE_MIN = 2
_INITIALLED = "an initialled form of"
_INITIAL_EVIDENCE = 0.5
# Name relations, strongest first, and the evidence score each needs to merge.
_STRENGTH = {"same": 3, "variant": 2, "acronym": 2, "partial": 1, "surname": 0}
_EVIDENCE_NEEDED = {"variant": 1.0, "acronym": 1.0, "partial": 2.0, "surname": 2.0}
#: Units sharing a blocking key this common are not compared (the key is no evidence).
_BLOCK_MAX = 200
_PASSES = 2  # the second pass sees co-mentions through the first pass's merges

#: doc_id -> entity id -> number of mentions (for co-mentions).
DocEntities = dict[str, Counter]


@dataclass
class _Unit:
    """One document-level entity (a label and a document's name for it) before cross-document
    merging; the same unit id in several documents is one unit."""

    uid: str
    label: str
    names: set[str] = field(default_factory=set)
    forms: Counter = field(default_factory=Counter)  # mention text -> mentions
    docs: set[str] = field(default_factory=set)
    role: set[str] = field(default_factory=set)
    n_mentions: int = 0
    reasons: set[str] = field(default_factory=set)  # links the documents make themselves

    @cached_property
    def group(self) -> str:
        return _LABEL_GROUP.get(self.label, self.label)

    # Names are final once `_units` has read every mention; the pair loops ask for these often.
    @cached_property
    def full_names(self) -> list[tuple[str, ...]]:
        """Persons: the unit's name (short forms are judged against it: a headline word glued
        once to the name is not the name); others: every multi-word name (an organisation has
        several: an Arabic name, its translation)."""
        toks = {name_tokens(n) for n in self.names} - {()}
        if self.label != "PERSON":
            return sorted(t for t in toks if len(t) > 1 or len(toks) == 1)
        return [name_tokens(self.display)] if name_tokens(self.display) else []

    @cached_property
    def countries(self) -> set[str]:
        """ISO codes of the countries the unit's names name (places and organisations)."""
        if self.group not in _NAMED_PLACES and self.label != "NORP":
            return set()
        return {c for c in (country_code(n, self.label) for n in self.names) if c}

    @cached_property
    def keys(self) -> set[str]:
        return {name_key(n) for n in self.names}

    @cached_property
    def display(self) -> str:
        """The unit's name: its most used full form (its uid when it has none)."""
        return canonical_name(self.forms, self.label) if self.forms else (
            max(self.names, key=lambda t: name_fullness(t, self.label)) if self.names else self.uid)


def resolve_entities(batch, known, texts: ArticleTexts, features: Features):
    """(batch provisional id -> resolved id, entity rows of every cluster the batch touches, every
    unit's and every published id's resolved id, published mentions that move to another id)."""
    context: dict[str, str] = {}
    known = dict(known, entities=known["entities"].filter(
        pl.col("entity_id").is_in(sorted(entities_touched(batch, known["entities"])))), all_entities=known["entities"])
    units, doc_entities, current = _units(batch, known, texts, features, context)
    related = {}  # names do not change between passes: relate each pair once, keep the compatible ones
    for x, y in sorted(_candidate_pairs(units)):
        rel = _name_relation(units[x], units[y])
        if rel is not None:
            related[(x, y)] = rel
    forest = UnionFind(units)
    members_of = {uid: [uid] for uid in units}
    for _ in range(_PASSES):
        _merge_pass(related, units, doc_entities, forest, members_of, context)
    names = dict(known["all_entities"].select("entity_id", "name").iter_rows())
    return _entity_rows(batch, units, members_of, current, names)


def entities_touched(batch, entities) -> set[str]:
    """Published entities (rows of `entities`) that share a blocking key with an entity of the
    batch: the ones resolution re-resolves with it. The others cannot merge with anything new."""
    wanted_keys = set()
    for row in batch["entities"].iter_rows(named=True):
        wanted_keys |= _unit_blocks(_Unit(row["entity_id"], row["label"], {row["name"], *(row["aliases"] or [])}))
    out = set()
    for eid, label, name, aliases in entities.select("entity_id", "label", "name", "aliases").iter_rows():
        if label not in NUMERIC_LABELS and _unit_blocks(_Unit(eid, label, {name, *(aliases or [])})) & wanted_keys:
            out.add(eid)
    return out


# ---------------------------------------------------------------------------------------------
# Units and candidate pairs
# ---------------------------------------------------------------------------------------------

def _units(batch, known, texts: ArticleTexts, features: Features, units_context: dict[str, str]):
    """Units from the batch's and the published mentions; `current` maps each published
    (entity id, label, document name) to its unit; `units_context` gets the label of every
    published entity that is only a co-mention."""
    units: dict[str, _Unit] = {}
    for row in batch["entities"].iter_rows(named=True):
        u = units.setdefault(row["entity_id"], _Unit(row["entity_id"], row["label"]))
        u.names.add(row["name"])
        u.reasons |= {r for r in row["merge_reasons"] or () if r.endswith(IN_DOCUMENT)}
    doc_entities: DocEntities = defaultdict(Counter)
    current: dict[tuple[str, str, str], str] = {}
    cols = ["doc_id", "entity_id", "text", "label", "char_start", "char_end", "document_name"]
    # Published entities are re-resolved when `known["entities"]` holds them (the ones the batch
    # touches); the other entities of their documents are co-mentions as they stand.
    published = known["entity_mentions"].filter(pl.col("entity_id").is_in(known["entities"]["entity_id"].implode()))
    context = known["entity_mentions"].filter(
        pl.col("doc_id").is_in(published["doc_id"].unique().implode()),
        ~pl.col("entity_id").is_in(known["entities"]["entity_id"].implode()), ~pl.col("label").is_in(NUMERIC_LABELS))
    for doc_id, eid, label in context.select("doc_id", "entity_id", "label").iter_rows():
        doc_entities[doc_id][eid] += 1
        units_context[eid] = label
    for table, published in ((published, True), (batch["entity_mentions"], False)):
        for doc_id, eid, text, label, start, end, doc_name in table.select(cols).iter_rows():
            if eid is None or (published and label in NUMERIC_LABELS):
                continue  # dates and numbers never merge: their published rows stay as they are
            uid = eid
            if published:
                uid = entity_id_for(label, doc_name or text)
                current[(eid, label, doc_name or text)] = uid
                reason = link_reason(text, doc_name or text, label)
                if reason:
                    units.setdefault(uid, _Unit(uid, label)).reasons.add(reason)
            u = units.setdefault(uid, _Unit(uid, label))
            u.names.add(text)
            u.forms[text] += 1
            u.docs.add(doc_id)
            u.n_mentions += 1
            if label in NUMERIC_LABELS:
                continue
            doc_entities[doc_id][uid] += 1
            if label == "PERSON" and doc_id in texts and doc_id not in features.role_docs:
                u.role |= features.role_of(doc_id, start, end, texts)
    for eid, role in features.roles.items():  # role words gathered ahead for whole documents
        if eid in units:
            units[eid].role |= role
    return units, doc_entities, current


def _blocking_keys(u: _Unit) -> set[str]:
    """Coarse keys of a unit's names: only units sharing one are compared."""
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
    return keys


def _unit_blocks(u: _Unit) -> set[tuple[str, str]]:
    """The blocks a unit is in: its blocking keys within its label group, and its countries."""
    if u.label in NUMERIC_LABELS:
        return set()
    group = "org/place" if u.group in _NAMED_PLACES else u.group
    out = {(group, k[:4] if u.label == "PERSON" else k) for k in _blocking_keys(u) if k}
    if u.label in _PERSON_OR_ORG:  # the model tags some personal names ORG
        out |= {("personal name", k) for k in u.keys if len(k.split()) in (2, 3)}
    return out | {("country", code) for code in u.countries}  # names, codes and demonyms, any label


def _candidate_pairs(units: dict[str, _Unit]) -> set[tuple[str, str]]:
    """Pairs of units (smaller id first) sharing a blocking key."""
    blocks: dict[tuple[str, str], list[str]] = defaultdict(list)
    for uid, u in sorted(units.items()):
        for block in _unit_blocks(u):
            blocks[block].append(uid)
    pairs = set()
    for members in blocks.values():
        members = sorted(set(members))
        if len(members) > _BLOCK_MAX:
            continue
        for i, x in enumerate(members):
            for y in members[i + 1:]:
                pairs.add((x, y))
    return pairs


# ---------------------------------------------------------------------------------------------
# How two names relate
# ---------------------------------------------------------------------------------------------

def _name_relation(a: _Unit, b: _Unit) -> tuple[str, str] | None:
    """How the names of two units relate: (strength, description), or None when incompatible."""
    if a.countries & b.countries and not (a.label == b.label == "NORP"):
        return ("same", _COUNTRY)
    if a.group != b.group:
        if a.group in _NAMED_PLACES and b.group in _NAMED_PLACES and a.keys & b.keys:
            return ("same", _OTHER_TYPE)
        if {a.label, b.label} == _PERSON_OR_ORG and a.keys & b.keys:
            org = a if a.label == "ORG" else b
            shared = [n for n in org.names if name_key(n) in a.keys & b.keys]
            if any(could_be_personal_name(n) for n in shared):
                return ("same", _OTHER_TYPE)
        return None
    if a.label == "PERSON":
        return _person_relation(a, b)
    fa, fb = a.full_names, b.full_names
    for x in fa:
        for y in fb:
            if len(x) == len(y) and all(tokens_match(p, q) for p, q in zip(x, y)):
                return ("same", "same name as")
    acronym = _acronym_relation(a, b)
    if acronym is not None:
        return acronym
    for x in fa:
        for y in fb:
            if len(x) == len(y) >= 3 and all(tokens_match(p, q) for p, q in zip(x[:-1], y[:-1])):
                if any(x[-1] in s and y[-1] in s for s in _HEAD_SYNONYMS) and x[-1] != y[-1]:
                    return ("variant", "the same name with a synonymous head noun as")
    return None


def _acronym_relation(a: _Unit, b: _Unit) -> tuple[str, str] | None:
    """An acronym name of one unit spelling out, or starting, a multi-word name of the other."""
    names_a = {n for n in a.names if is_acronym(n)}
    names_b = {n for n in b.names if is_acronym(n)}
    for acr, other in ((names_a, b), (names_b, a)):
        for ac in acr:
            for n in other.names:
                if len(n.split()) > 1 and initials(n) == ac.replace(".", ""):
                    return ("acronym", "acronym of")
                if len(n.split()) > 1 and n.split()[0] == ac:
                    return ("acronym", "short form of")
    return None


def _person_relation(a: _Unit, b: _Unit) -> tuple[str, str] | None:
    fa, fb = a.full_names, b.full_names
    if not fa or not fb:
        return None
    best = None
    for x in fa:
        for y in fb:
            rel = person_name_relation(x, y)
            if rel is None:
                return None  # one pair of full names conflicts: different people
            if best is None or _STRENGTH[rel[0]] > _STRENGTH[best[0]]:
                best = rel
    return best


def _clusters_compatible(a: list[_Unit], b: list[_Unit]) -> bool:
    """No pair of full person names across the two clusters conflicts (different family or given
    names), so a short name cannot chain two different people together."""
    for x in (u for u in a if u.label == "PERSON"):
        for y in (u for u in b if u.label == "PERSON"):
            for p in x.full_names:
                for q in y.full_names:
                    if len(p) > 1 and len(q) > 1 and person_name_relation(p, q) is None:
                        return False
    return True


# ---------------------------------------------------------------------------------------------
# Evidence besides the name
# ---------------------------------------------------------------------------------------------

def _evidence(a: _Unit, b: _Unit, doc_entities: DocEntities, units, canonical_of, context) -> tuple[float, list[str]]:
    """What two units share besides their names: role words, distinctive co-mentioned entities."""
    notes, score = [], 0.0
    shared_role = sorted(a.role & b.role)
    if len(shared_role) >= _MERGE_ROLE_MIN and set(shared_role) & ROLE_STEMS:
        score += 2
        notes.append("shared role (" + ", ".join(shared_role[:5]) + ")")
    pair = (a.uid, b.uid)
    ca = _co_mentioned(a, pair, doc_entities, units, canonical_of, context)
    cb = _co_mentioned(b, pair, doc_entities, units, canonical_of, context)
    shared = sorted(set(ca) & set(cb), key=lambda c: (-ca[c], c))
    co = sum(ca[c] for c in shared)
    if co >= 1:
        score += min(co, 3)
        named = [c for c in shared if ca[c] == 1.0][:4] or shared[:4]
        notes.append("co-mentioned with " + ", ".join(_NAME_OF.format(c) for c in named))
    return score, notes


def _co_mentioned(u: _Unit, pair: tuple[str, str], doc_entities: DocEntities, units, canonical_of,
                  context: dict[str, str]) -> dict[str, float]:
    """Clusters mentioned in u's documents (other than the pair being judged), with their weights;
    published entities not being re-resolved count as they stand."""
    out = {}
    for d in u.docs:
        for e in doc_entities[d]:
            if e in pair:
                continue
            if e in units:
                out[canonical_of(e)] = entity_weight(units[e].label)
            elif e in context:
                out[e] = entity_weight(context[e])
    return out


# ---------------------------------------------------------------------------------------------
# Merging
# ---------------------------------------------------------------------------------------------

def _merge_pass(related, units: dict[str, _Unit], doc_entities: DocEntities, forest: UnionFind, members_of,
                context: dict[str, str]) -> None:
    """Merge the related pairs with enough evidence, strongest first. Short names linking to more
    than one incompatible full name are ambiguous: they stay apart."""
    find = forest.find
    for x, y, why, notes in _merge_candidates(related, units, doc_entities, find, context):
        rx, ry = find(x), find(y)
        if rx == ry:
            continue
        cx, cy = members_of[rx], members_of[ry]
        if not _clusters_compatible([units[m] for m in cx], [units[m] for m in cy]):
            continue
        keep, drop = sorted((rx, ry))
        forest.attach(drop, keep)
        members_of[keep] = cx + cy if keep == rx else cy + cx
        del members_of[drop]
        short, full = sorted((units[x], units[y]), key=lambda u: (u.label != "NORP", name_fullness(u.display, u.label)))
        if why == _COUNTRY and short.label == "NORP":
            why = "demonym of"
        reason = f"{short.display}: {why} {full.display}" + ("; " + "; ".join(notes) if notes else "")
        units[keep].reasons.add(reason)


def _merge_candidates(related, units: dict[str, _Unit], doc_entities: DocEntities, canonical_of, context):
    """(x, y, why, evidence notes) of the related pairs with enough evidence, strongest relation
    and evidence first."""
    candidates = []
    for (x, y), (strength, why) in related.items():
        score, notes = _evidence(units[x], units[y], doc_entities, units, canonical_of, context)
        exact = strength == "same" and (bool(units[x].keys & units[y].keys) or why == _COUNTRY)
        if strength == "same":
            needed = 0.0 if exact else 1.0
            if not exact:
                why = "another spelling of"
        else:
            needed = _EVIDENCE_NEEDED[strength]
            if why == _INITIALLED:  # "J. Doe" in a scorecard, "John Doe" in a report: little else shared
                needed = _INITIAL_EVIDENCE
        if score < needed:
            continue
        candidates.append((-_STRENGTH[strength], -score, x, y, why, notes))
    candidates.sort()
    return [(x, y, why, notes) for _, _, x, y, why, notes in candidates]


# ---------------------------------------------------------------------------------------------
# Resolved ids and rows
# ---------------------------------------------------------------------------------------------

def _entity_rows(batch, units: dict[str, _Unit], members_of, current, published_names: dict[str, str]):
    """Resolved ids and the entity rows of every cluster. A cluster's id derives from its label
    and name (the most used full form over all its mentions), so it depends on the cluster alone,
    not on the order documents arrived in."""
    batch_ids = set(batch["entities"]["entity_id"].to_list())
    resolved: dict[str, str] = {}
    rows = []
    used: set[str] = set()
    for root in sorted(members_of):
        members = sorted((units[m] for m in members_of[root]), key=lambda m: m.uid)
        label = _cluster_label(members)
        # A country's name comes from its place mentions, not its demonyms.
        named = [m for m in members if m.label != "NORP"] or members
        forms = sum((m.forms for m in named), Counter())
        name = canonical_name(forms, label) if forms else max(
            set().union(*(m.names for m in members)), key=lambda t: name_fullness(t, label))
        eid = entity_id_for(label, name)
        if eid in used:
            eid = hash_id("ent", label, name_key(name), *(m.uid for m in members))
        used.add(eid)
        for m in members:
            resolved[m.uid] = eid
        names = set().union(*(m.names for m in members))
        rows.append(_entity_row(eid, name, label, names, members))
    final_name = {r["entity_id"]: r["name"] for r in rows}
    for row in rows:
        row["merge_reasons"] = sorted({_NAME_REF.sub(
            lambda ref: final_name.get(resolved.get(ref.group(1)), published_names.get(ref.group(1), ref.group(1))), r)
            for r in row["merge_reasons"]})
    entity_id_map = {p: resolved[p] for p in sorted(batch_ids)}
    mention_entity = dict(resolved)
    moves = {key: resolved[uid] for key, uid in sorted(current.items()) if resolved[uid] != key[0]}
    went: dict[str, Counter] = defaultdict(Counter)  # published id -> where its units went, by mentions
    for (old, _, _), uid in current.items():
        went[old][resolved[uid]] += units[uid].n_mentions
    for old, to in went.items():
        mention_entity.setdefault(old, max(to, key=lambda e: (to[e], e)))
    return entity_id_map, schema.ENTITIES.frame(sorted(rows, key=lambda r: r["entity_id"])), mention_entity, moves


def _cluster_label(members: list[_Unit]) -> str:
    """The label of most mentions (ties: the label's name, so the choice is stable); a country's
    demonyms keep their own mentions' label NORP but do not make the country a nationality."""
    votes = Counter()
    named = [m for m in members if m.label != "NORP"] or members
    for m in named:
        votes[m.label] += max(m.n_mentions, 1)
    return max(votes, key=lambda lb: (votes[lb], lb))


def _entity_row(eid: str, name: str, label: str, names: set[str], members: list[_Unit]) -> dict:
    reasons = sorted(set().union(*(m.reasons for m in members)))
    return dict(
        entity_id=eid, name=name, label=label, aliases=sorted(names - {name}), merge_reasons=reasons,
        n_documents=len(set().union(*(m.docs for m in members))), n_mentions=sum(m.n_mentions for m in members),
    )

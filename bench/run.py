#!/usr/bin/env python3
"""Benchmark callev as whole processes on generated corpora.

Generates corpora with the corpus generator gen_corpus.py (fixed seed; found at GEN below, or
given with --gen) into bench/corpora/, then times callev's commands (validate, summary, events,
timeline; median of several runs) with output to /dev/null, beside `wc -l` (the I/O floor) and,
where installed, jq computing a per-call summary and DuckDB's CLI grouping by call id
(bench/duckdb-summary.sql; for log lines bench/duckdb-summary-loglines.sql).
Prints MB/s and peak RSS per command, the ratio to jq, and summary's speed against DuckDB's,
as a Markdown table.

    python3 bench/run.py                  # 100 MB and 1 GB, bare / logline / 1% bad
    python3 bench/run.py --sizes 100M --runs 5
"""

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GEN = os.path.join(os.path.dirname(ROOT), "shared", "tools", "gen_corpus.py")
CORPORA = os.path.join(ROOT, "bench", "corpora")
CALLEV = os.path.join(ROOT, "target", "release", "callev")

VARIANTS = {
    "bare": [],
    "logline": ["--wrap", "logline"],
    "bad1%": ["--bad", "0.01"],
}

# A per-call summary in jq: events, first and last time, and the last event's name per call,
# across the four vendors' shapes (what `callev summary` does, without durations and outcomes).
JQ_SUMMARY = r'''
def payload: if type == "object" and has("payload") then .payload else . end;
def cid: (.callId // .id // .notification.callId // null) | tostring;
def name: .eventType // .name // .notificationType // null;
def t: .time // .receivedAt // null;
reduce (inputs | payload | select(type == "object")) as $e ({};
  ($e | cid) as $c
  | .[$c].events += 1
  | .[$c].last = ($e | name)
  | .[$c].first_time = (.[$c].first_time // ($e | t))
  | .[$c].last_time = (($e | t) // .[$c].last_time))
| to_entries[] | {call_id: .key} + .value
'''


def parse_size(text):
    units = {"K": 10**3, "M": 10**6, "G": 10**9}
    return int(float(text[:-1]) * units[text[-1].upper()]) if text[-1].upper() in units else int(text)


def set_generator(path):
    """Use the generator at `path` (None: the default, GEN)."""
    global GEN
    if path:
        GEN = path


def generate(size, variant):
    os.makedirs(CORPORA, exist_ok=True)
    path = os.path.join(CORPORA, "%s-%s.ndjson" % (size, variant.replace("%", "pct")))
    if not os.path.exists(path):
        print("generating %s ..." % os.path.relpath(path, ROOT), file=sys.stderr)
        tmp = path + ".tmp"
        subprocess.run([sys.executable, GEN, "--size", size, "--seed", "1", "-q", "-o", tmp] + VARIANTS[variant], check=True)
        os.rename(tmp, path)
    return path


def run_once(argv, stdout_path=os.devnull):
    """Wall time and peak RSS (KiB) of one process, through GNU time: a child forked from this
    Python would count Python's own memory in its peak before it execs."""
    with open(stdout_path, "wb") as out:
        start = time.perf_counter()
        proc = subprocess.run(["/usr/bin/time", "-f", "%M"] + argv, stdout=out, stderr=subprocess.PIPE)
        elapsed = time.perf_counter() - start
    rss = int(proc.stderr.decode().strip().splitlines()[-1])
    return elapsed, rss, proc.returncode


def measure(argv, runs):
    results = [run_once(argv) for _ in range(runs)]
    times = sorted(r[0] for r in results)
    return times[len(times) // 2], max(r[1] for r in results), results[0][2]


def first_call(path):
    """The id of a call early in the corpus, for `timeline --call`."""
    with open(path, "rb") as f:
        head = b"".join(f.readline() for _ in range(200))
    out = subprocess.run([CALLEV, "events", "-o", "ndjson"], input=head, capture_output=True).stdout
    for line in out.splitlines():
        call = json.loads(line).get("call_id")
        if call:
            return call
    sys.exit("no call id in the first lines of %s" % path)


def main():
    global CALLEV
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="100M,1G", help="corpus sizes (gen_corpus --size)")
    ap.add_argument("--variants", default="bare,logline,bad1%", help="corpus variants: " + ", ".join(VARIANTS).replace("%", "%%"))
    ap.add_argument("--runs", type=int, default=3, help="runs per command (the median is reported)")
    ap.add_argument("--no-jq", action="store_true", help="skip jq even where installed")
    ap.add_argument("--no-duckdb", action="store_true", help="skip DuckDB even where installed")
    ap.add_argument("--only", default=None,
                    help="only the commands whose label contains this (e.g. summary); DuckDB still runs")
    ap.add_argument("--jq-sample", default="10M",
                    help="jq runs on this much of each corpus: jq 1.6's per-key accumulation is "
                         "quadratic, so whole corpora would take hours (jq 1.7+ is linear)")
    ap.add_argument("--rates", action="store_true",
                    help="also timeline's and events' rates against summary's, their runs interleaved "
                         "(each round runs every command once) so that all see the same machine")
    ap.add_argument("--callev", default=None, help="the binary to measure (default: %s); give an older build to compare" % CALLEV)
    ap.add_argument("--gen", default=None, help="the corpus generator, gen_corpus.py (default: %s)" % GEN)
    args = ap.parse_args()
    set_generator(args.gen)
    if args.callev:
        CALLEV = os.path.abspath(args.callev)

    if not os.path.exists("/usr/bin/time"):
        sys.exit("GNU time is needed for peak RSS: apt-get install time")
    if not os.path.exists(GEN):
        sys.exit("gen_corpus.py not found at %s" % GEN)
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    jq = None if args.no_jq else shutil.which("jq")
    duckdb = None if args.no_duckdb else shutil.which("duckdb")

    print("machine: %s, %d cores, %s" % (platform.processor() or platform.machine(), os.cpu_count(), platform.platform()))
    if jq:
        print("jq: %s" % subprocess.run([jq, "--version"], capture_output=True, text=True).stdout.strip())
    if duckdb:
        print("duckdb: %s" % subprocess.run([duckdb, "--version"], capture_output=True, text=True).stdout.strip())
    print()
    print("| corpus | command | median s | MB/s | peak RSS MB | vs jq |")
    print("|---|---|---:|---:|---:|---:|")
    for size in args.sizes.split(","):
        for variant in args.variants.split(","):
            path = generate(size, variant)
            mb = os.path.getsize(path) / 1e6
            commands = [
                ("wc -l", ["wc", "-l", path]),
                ("callev validate", [CALLEV, "validate", path]),
                ("callev summary", [CALLEV, "summary", path]),
                ("callev summary -o ndjson", [CALLEV, "summary", "-o", "ndjson", path]),
                ("callev events -o ndjson", [CALLEV, "events", "-o", "ndjson", path]),
                ("callev events (table)", [CALLEV, "events", path]),
                ("callev timeline", [CALLEV, "timeline", path]),
                ("callev timeline -o ndjson", [CALLEV, "timeline", "-o", "ndjson", path]),
                ("callev timeline --call ID", [CALLEV, "timeline", "--call", first_call(path), path]),
            ]
            jq_mbps = None
            # jq reads JSON only: the log-line and damaged corpora stop it at their first line.
            if jq and variant == "bare":
                sample = path + ".jq-sample"
                with open(path, "rb") as src, open(sample, "wb") as dst:
                    dst.write(src.read(parse_size(args.jq_sample)))
                jq_time, jq_rss, _ = measure([jq, "-n", "-c", JQ_SUMMARY, sample], 1)
                jq_mbps = os.path.getsize(sample) / 1e6 / jq_time
                os.remove(sample)
            name = "%s %s (%.0f MB)" % (size, variant, mb)
            for label, argv in commands:
                if args.only and args.only not in label:
                    continue
                t, rss, _code = measure(argv, args.runs)
                ratio = "%.0f×" % ((mb / t) / jq_mbps) if jq_mbps and label.startswith("callev") else ""
                print("| %s | %s | %.2f | %.0f | %.1f | %s |" % (name, label, t, mb / t, rss / 1024, ratio))
                sys.stdout.flush()
            if jq_mbps:
                print("| %s | jq per-call summary, first %s | %.2f | %.1f | %.1f | 1× |" % (name, args.jq_sample, jq_time, jq_mbps, jq_rss / 1024))
            if duckdb:
                duckdb_against_summary(duckdb, path, variant, name, mb, args.runs)
            if args.rates:
                rates_against_summary(path, name, mb, args.runs)


def duckdb_against_summary(duckdb, path, variant, name, mb, runs):
    """DuckDB's GROUP BY call id and `callev summary` (table and ndjson), interleaved run by
    run so that both see the same machine; the medians and summary's speed against DuckDB's."""
    sql_file = "duckdb-summary-loglines.sql" if variant == "logline" else "duckdb-summary.sql"
    with open(os.path.join(ROOT, "bench", sql_file)) as f:
        sql = f.read().replace("$CORPUS", path.replace("'", "''")).strip().rstrip(";")
    # Its rows written by DuckDB's own parallel writer, as callev writes its own to /dev/null
    # (the CLI's printing of rows took half again as long).
    query = path + ".duckdb.sql"
    with open(query, "w") as f:
        f.write("COPY (\n%s\n) TO '/dev/null' (FORMAT csv);\n" % sql)
    commands = {
        "duckdb": [duckdb, "-c", ".read " + query],
        "summary": [CALLEV, "summary", path],
        "summary -o ndjson": [CALLEV, "summary", "-o", "ndjson", path],
    }
    times = {k: [] for k in commands}
    peaks = {k: 0 for k in commands}
    for _ in range(runs):
        for k, argv in commands.items():
            t, rss, _code = run_once(argv)
            times[k].append(t)
            peaks[k] = max(peaks[k], rss)
    os.remove(query)
    med = {k: sorted(v)[len(v) // 2] for k, v in times.items()}
    print("| %s | duckdb GROUP BY call id (bench/%s) | %.2f | %.0f | %.1f | |" % (name, sql_file, med["duckdb"], mb / med["duckdb"], peaks["duckdb"] / 1024))
    for k in ("summary", "summary -o ndjson"):
        print("| %s | callev %s, interleaved with duckdb: %.2f× DuckDB's speed | %.2f | %.0f | %.1f | |"
              % (name, k, med["duckdb"] / med[k], med[k], mb / med[k], peaks[k] / 1024))


def rates_against_summary(path, name, mb, runs):
    """`timeline` and `events -o ndjson` beside `summary`, interleaved run by run: each one's
    rate as a multiple of summary's. A machine's speed drifts by a fifth within minutes here;
    a ratio from runs taken together does not."""
    commands = {
        "summary": [CALLEV, "summary", path],
        "summary -o ndjson": [CALLEV, "summary", "-o", "ndjson", path],
        "timeline": [CALLEV, "timeline", path],
        "events -o ndjson": [CALLEV, "events", "-o", "ndjson", path],
    }
    times = {k: [] for k in commands}
    for _ in range(runs):
        for k, argv in commands.items():
            times[k].append(run_once(argv)[0])
    med = {k: sorted(v)[len(v) // 2] for k, v in times.items()}
    for k in ("timeline", "events -o ndjson"):
        print("| %s | callev %s, interleaved: %.2f× summary's rate, %.2f× summary -o ndjson's | %.2f | %.0f | | |"
              % (name, k, med["summary"] / med[k], med["summary -o ndjson"] / med[k], med[k], mb / med[k]))
    for k in ("summary", "summary -o ndjson"):
        print("| %s | callev %s, interleaved with them | %.2f | %.0f | | |" % (name, k, med[k], mb / med[k]))


if __name__ == "__main__":
    main()

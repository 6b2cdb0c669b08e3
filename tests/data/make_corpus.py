#!/usr/bin/env python3
"""Writes tests/data/corpus-3000.log.zst, the generated corpus the SQL and summary tests read,
and tests/data/corpus-3000.truth.zst, the generator's own account of each call it made.

The corpus generator bench/run.py uses (gen_corpus.py, given with --gen) makes 3,000 calls of
every vendor as log lines (`<time> INFO <message>: {json}`), seed 1. Its phone numbers are
random digits; each distinct one is replaced here by a fictional number of the 555-01xx range
(+1 NPA 555 01xx), the same number for the same original, so calls keep their parties apart.
The account keeps, per call, its vendor, callId, the outcome the generator meant, the events it
delivered (repeats included), its start and its end: no phone numbers.

    python3 tests/data/make_corpus.py --gen path/to/gen_corpus.py
"""
import argparse, json, os, re, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--gen", required=True, help="the corpus generator, gen_corpus.py")
    ap.add_argument("-o", "--output", default=os.path.join(HERE, "corpus-3000.log.zst"))
    ap.add_argument("--truth", default=os.path.join(HERE, "corpus-3000.truth.zst"))
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        raw = os.path.join(d, "corpus.log")
        truth = os.path.join(d, "corpus.truth")
        subprocess.run([sys.executable, args.gen, "--calls", "3000", "--wrap", "logline",
                        "--seed", "1", "-q", "-o", raw, "--truth", truth], check=True)
        numbers = {}
        def fictional(m):
            i = numbers.setdefault(m.group(0), len(numbers))
            return "+1%03d55501%02d" % (201 + i // 100, i % 100)
        text = re.sub(r"\+\d{7,15}", fictional, open(raw).read())
        out = os.path.join(d, "corpus-fictional.log")
        open(out, "w").write(text)
        subprocess.run(["zstd", "-19", "-q", "-f", out, "-o", args.output], check=True)
        kept = ("vendor", "callId", "outcome", "events", "start", "end")
        account = os.path.join(d, "corpus-account.ndjson")
        with open(truth) as src, open(account, "w") as dst:
            for line in src:
                call = json.loads(line)
                dst.write(json.dumps({k: call[k] for k in kept}) + "\n")
        subprocess.run(["zstd", "-19", "-q", "-f", account, "-o", args.truth], check=True)
    print(f"{args.output}: {len(numbers)} numbers made fictional", file=sys.stderr)

if __name__ == "__main__":
    main()

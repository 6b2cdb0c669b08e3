#!/usr/bin/env python3
"""`callev send` into a handler that answers at once (`callev listen` on 127.0.0.1 only):
requests per second, peak memory, and the handler's capture lines against the requests sent.
The calls come from `callev trigger` (Bandwidth v2, seven callbacks a call).

    python3 bench/send.py --callev target/release/callev [--calls 5000] [--concurrency 1]
"""
import argparse, os, re, signal, subprocess, tempfile, time

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--callev", default="target/release/callev")
    ap.add_argument("--calls", type=int, default=5000)
    ap.add_argument("--concurrency", type=int, default=1)
    a = ap.parse_args()
    d = tempfile.mkdtemp()
    calls = os.path.join(d, "calls.ndjson")
    with open(calls, "w") as f:
        subprocess.run([a.callev, "trigger", "bandwidth", "dtmf", "--count", str(a.calls),
                        "--seed", "1", "--at", "2026-11-21T10:00:00Z"], stdout=f, check=True)
    records = sum(1 for _ in open(calls))
    cap = os.path.join(d, "capture.ndjson")
    h = subprocess.Popen([a.callev, "listen", "--port", "0", "--capture", cap],
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    port = None
    deadline = time.time() + 20
    while port is None and time.time() < deadline:
        m = re.search(r"127\.0\.0\.1:(\d+)", h.stderr.readline())
        if m:
            port = int(m.group(1))
    start = time.time()
    r = subprocess.run(["/usr/bin/time", "-f", "%M", a.callev, "send", calls, "--to",
                        f"http://127.0.0.1:{port}/cb", "--concurrency", str(a.concurrency),
                        "-o", "ndjson"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    took = time.time() - start
    h.send_signal(signal.SIGTERM)
    h.wait(timeout=30)
    lines = sum(1 for _ in open(cap))
    peak_kb = int(r.stderr.strip().splitlines()[-1])
    summary = next((l for l in r.stderr.splitlines() if "sent" in l), "")
    print(f"{records} records, concurrency {a.concurrency}: {took:.2f} s, {records/took:,.0f} requests/s, "
          f"peak RSS {peak_kb/1024:.1f} MB, exit {r.returncode}, handler lines {lines}")
    print(summary)

if __name__ == "__main__":
    main()

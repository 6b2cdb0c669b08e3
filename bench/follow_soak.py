#!/usr/bin/env python3
"""Follow mode under load: `callev events -f -o ndjson LOG` while a writer appends bursts of
records to LOG, pauses, truncates it and rotates it (`mv LOG LOG.1`, a new LOG), sometimes the
moment a burst is written (the old file not yet read to its end). Every record carries an id
of its own; each must come out exactly once.

Prints the records written and printed, how long after each burst its last record came out
(the writer pausing), and callev's peak memory (VmHWM). Fails (exit 1) if a record is lost,
printed twice, or a burst is not out within --wait seconds.

    python3 bench/follow_soak.py [--rounds 20] [--burst 10000] [--callev target/release/callev]
"""

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def record(n):
    # A Bandwidth v2 disconnect callback; fictional ids, a call of its own per record (one
    # that ends, so that what callev holds is what is in flight, not every call ever seen).
    return json.dumps({
        "eventType": "disconnect", "eventTime": "2026-12-07T10:00:00.000Z", "cause": "hangup",
        "endTime": "2026-12-07T10:00:00.000Z",
        "accountId": "9900000", "applicationId": "soak-app", "direction": "inbound",
        "callId": "c-soak-%07d" % n, "from": "+15550000000", "to": "+15550000001",
        "startTime": "2026-12-07T09:59:58.000Z", "answerTime": "2026-12-07T10:00:00.000Z",
        "callUrl": "https://voice.example.invalid/calls/c-soak-%07d" % n,
    }, separators=(",", ":"))


def peak_kb(pid):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=20)
    ap.add_argument("--burst", type=int, default=10000, help="records a burst")
    ap.add_argument("--wait", type=float, default=10.0, help="how long a burst may take to come out")
    ap.add_argument("--callev", default=os.path.join(ROOT, "target", "release", "callev"))
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as d:
        log = os.path.join(d, "webhooks.log")
        open(log, "w").close()
        proc = subprocess.Popen([args.callev, "events", "-f", "-o", "ndjson", log],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        seen = Counter()
        lock = threading.Condition()
        last = [None]

        def read():
            for line in proc.stdout:
                cid = json.loads(line).get("call_id")
                with lock:
                    seen[cid] += 1
                    last[0] = cid
                    lock.notify_all()

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        n = 0
        latencies = []
        events = Counter()
        started = time.perf_counter()
        for r in range(1, args.rounds + 1):
            # Rotated or truncated between bursts, after the pause (the old file read to its end)...
            if r % 7 == 0:
                os.rename(log, log + ".1")
                open(log, "w").close()
                events["rotated after a pause"] += 1
            elif r % 5 == 0:
                open(log, "w").close()
                events["truncated after a pause"] += 1
            first = n
            with open(log, "a") as f:
                for _ in range(args.burst):
                    f.write(record(n) + "\n")
                    n += 1
            # ... or rotated the moment the burst is written, its end not yet read (not twice
            # in a moment: a file made and renamed away between two looks at the name is one
            # no reader by name ever sees, `tail -F` as much as callev).
            if r % 3 == 0 and r % 7 != 0:
                os.rename(log, log + ".1")
                open(log, "w").close()
                events["rotated at once"] += 1
            wrote = time.perf_counter()
            want = ["c-soak-%07d" % i for i in range(first, n)]
            with lock:
                ok = lock.wait_for(lambda: len(seen) >= n, timeout=args.wait)
            if not ok:
                missing = sum(1 for c in want if not seen[c])
                print("round %d: %d of the burst's %d records not out after %.0f s"
                      % (r, missing, args.burst, args.wait))
                proc.kill()
                sys.exit(1)
            latencies.append(time.perf_counter() - wrote)
        total = time.perf_counter() - started
        peak = peak_kb(proc.pid)
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=30)
        reader.join(timeout=30)
        twice = sum(1 for c, k in seen.items() if k > 1)
        lost = sum(1 for i in range(n) if not seen["c-soak-%07d" % i])
        latencies.sort()
        print("records written %d, printed %d (distinct %d), lost %d, printed twice %d"
              % (n, sum(seen.values()), len(seen), lost, twice))
        print("rounds %d (%s), %.1f s in all" % (args.rounds, ", ".join("%s %d" % kv for kv in sorted(events.items())), total))
        print("a burst's last record out after the writer paused: median %.0f ms, max %.0f ms"
              % (latencies[len(latencies) // 2] * 1000, latencies[-1] * 1000))
        print("callev peak RSS %.1f MB" % (peak / 1024))
        if lost or twice:
            sys.exit(1)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Load on `callev listen`, on 127.0.0.1 only: requests per second, latency percentiles and
peak memory with 64 keep-alive connections (hey), the count of 2xx answers against the lines
in the capture, and memory with 1,000 idle connections.

    python3 bench/listen.py --callev target/release/callev [--requests 200000] [--fsync]
"""
import argparse, os, re, signal, socket, subprocess, sys, tempfile, time

def rss_mb(pid, key="VmRSS"):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024
    return 0.0

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--callev", default="target/release/callev")
    ap.add_argument("--requests", type=int, default=200000)
    ap.add_argument("--connections", type=int, default=64)
    ap.add_argument("--fsync", action="store_true")
    a = ap.parse_args()
    d = tempfile.mkdtemp()
    cap = os.path.join(d, "capture.ndjson")
    args = [a.callev, "listen", "--port", "0", "--capture", cap] + (["--fsync"] if a.fsync else [])
    p = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    port = None
    deadline = time.time() + 20
    while port is None and time.time() < deadline:
        m = re.search(r"127\.0\.0\.1:(\d+)", p.stderr.readline())
        if m:
            port = int(m.group(1))
    body = os.path.join(d, "body.json")
    with open(body, "w") as f:
        f.write('{"eventType":"disconnect","callId":"c-bench-0001","accountId":"9900000","applicationId":"a-1",'
                '"from":"+15550100","to":"+15550101","direction":"inbound","callUrl":"https://voice.example.test/calls/c-bench-0001",'
                '"startTime":"2026-11-21T14:00:00.000Z","answerTime":"2026-11-21T14:00:02.000Z","endTime":"2026-11-21T14:01:00.000Z",'
                '"eventTime":"2026-11-21T14:01:00.000Z","cause":"hangup","tag":"bench"}')
    out = subprocess.run(["hey", "-n", str(a.requests), "-c", str(a.connections), "-m", "POST",
                          "-T", "application/json", "-D", body, f"http://127.0.0.1:{port}/cb"],
                         capture_output=True, text=True).stdout
    peak = rss_mb(p.pid, "VmHWM")
    socks = []
    for _ in range(1000):
        s = socket.create_connection(("127.0.0.1", port))
        socks.append(s)
    time.sleep(1)
    idle = rss_mb(p.pid)
    for s in socks:
        s.close()
    p.send_signal(signal.SIGTERM)
    p.wait(timeout=30)
    lines = sum(1 for _ in open(cap))
    ok = re.search(r"\[200\]\s+(\d+) responses", out)
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    pct = dict(re.findall(r"\s(\d+)%% in ([\d.]+) secs".replace("%%", "%"), out))
    print(f"requests/s {float(rps.group(1)):.0f}  2xx {ok.group(1) if ok else 0}  capture lines {lines}")
    print("latency ms: " + "  ".join(f"p{k} {float(v)*1000:.2f}" for k, v in pct.items() if k in ("50", "90", "99")))
    print(f"peak RSS under load {peak:.1f} MB; RSS with 1,000 idle connections {idle:.1f} MB")
    if not ok or int(ok.group(1)) != lines:
        sys.exit("2xx answers and capture lines differ")

main()

#!/usr/bin/env bash
# W7 (shared/BENCHMARKS.md): time from process start to the first 200 on /readyz, against an
# already migrated database, plus the idle resident memory after start. Uses the release
# binary; runs N times (default 11) and prints the median and the spread.
#   scripts/bench-cold-start.sh [N]          SQLite in a scratch folder
#   PASSERELLE_DATABASE_URL=postgres://… PASSERELLE_SECRET_KEY=… scripts/bench-cold-start.sh
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="${PASSERELLE_BIN:-$ROOT/target/release/passerelle}"
RUNS="${1:-11}"
PORT="${BENCH_PORT:-18788}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
export PASSERELLE_DATA_DIR="$WORK/data" PASSERELLE_LOG=warn

"$BIN" migrate >/dev/null

python3 - "$BIN" "$RUNS" "$PORT" <<'PY'
import http.client, statistics, subprocess, sys, time
bin_, runs, port = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
times, rss = [], []
for _ in range(runs):
    start = time.perf_counter()
    proc = subprocess.Popen([bin_, "serve", "--bind", f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL)
    while True:
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            c.request("GET", "/readyz")
            if c.getresponse().status == 200:
                break
        except OSError:
            pass
        if time.perf_counter() - start > 10:
            proc.kill(); sys.exit("no 200 on /readyz within 10 s")
        time.sleep(0.002)
    times.append((time.perf_counter() - start) * 1000)
    time.sleep(0.5)
    with open(f"/proc/{proc.pid}/status") as f:
        fields = dict(l.split(":", 1) for l in f)
    rss.append(int(fields["VmRSS"].split()[0]) / 1024)
    proc.terminate(); proc.wait()
q = statistics.quantiles(times, n=4)
print(f"cold start to /readyz 200: median {statistics.median(times):.1f} ms, min {min(times):.1f}, max {max(times):.1f}, IQR {q[0]:.1f}-{q[2]:.1f} ms over {runs} runs")
print(f"idle RSS after start: median {statistics.median(rss):.1f} MiB (min {min(rss):.1f}, max {max(rss):.1f})")
PY

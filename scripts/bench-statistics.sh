#!/usr/bin/env bash
# The statistics dashboard over HTTP against the release binary (see BENCHMARKS.md, "W5"):
#  1. data: `passerelle bench-data --size SIZE --seed SEED` into a fresh database (timed), or an
#     already generated one (BENCH_REUSE=1 with PASSERELLE_DATABASE_URL);
#  2. set-up, as an administrator would: `passerelle user create --org banc-essai --role
#     manager` (a manager reads the organisation's figures, and any team's or worker's), the
#     password set through the printed one-time link (GET the page, POST the form with its CSRF
#     token); `passerelle bench-data --sample-scope` gives the first team (about 1 000 cases)
#     and its first worker (about 80 cases as referent); then `passerelle serve` and a sign-in;
#  3. for each scope — the organisation, the team, the worker — over one full year (YEAR,
#     default 2025: `from=YEAR-01-01&to=YEAR-12-31`, local dates of the organisation):
#     WARM requests first (default 3), then RUNS times (default 3) N requests (default 30):
#     `GET /statistics?from=…&to=…[&team=ID|&worker=ID]` (the whole page: the session, the
#     policy, the period and the choices of team and worker, every aggregate of the activity and
#     the outcomes, the charts, rendered), each preceded by **the same aggregates run straight on
#     the database** in `passerelle bench-data --time-raw-statistics` (a process kept open beside
#     the server with its own pool: `store::statistics::activity` and `outcomes`, the very SQL
#     the page runs, nothing rendered, no session); p50 / p95 / p99 of each, and route ÷ raw at
#     p50 and p95 in the same run. A run stops early after RUN_SECONDS (default 600) and says so.
#     The raw process also prints the cases followed and the contacts counted, which are checked
#     against the figures on the page (the same numbers, or the run stops).
#  Medians over the runs with min - max; the 1-minute load average before and after each run.
#  The server runs without background jobs (PASSERELLE_JOBS=off). The first request of each
#  scope is printed apart (at the first read the organisation's day summaries, spans and steps
#  are built, ADR 0043). After each scope's runs, ROWS calls (default 3) of the same figures
#  counted from the rows alone (`rows …` lines of --time-raw-statistics): the raw SQL.
# The client is Python's standard library (http.client, one connection, sequential) on the
# same 2 cores as the server.
#   scripts/bench-statistics.sh [SIZE] [SEED]       S (default), M or L; SQLite in a scratch folder
#   PASSERELLE_DATABASE_URL=postgres://…/fresh_db scripts/bench-statistics.sh M
#     (a fresh, empty database: createdb before, dropdb after; PASSERELLE_SECRET_KEY is generated
#     when not set)
#   BENCH_REUSE=1 PASSERELLE_DATABASE_URL=sqlite:///…/l.db scripts/bench-statistics.sh L
#     (a database bench-data already filled; a manager account is added to it)
#   SCOPES="organisation team" limits the scopes.
# BUILD=1 runs `cargo build --release -p passerelle` first. Loopback only; every loop is bounded
# in requests and in time.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="${PASSERELLE_BIN:-$ROOT/target/release/passerelle}"
SIZE="${1:-S}"
SEED="${2:-1}"
PORT="${BENCH_PORT:-18792}"
if [ "${BUILD:-0}" = 1 ] || [ ! -x "$BIN" ]; then
  (cd "$ROOT" && cargo build --release -p passerelle)
fi
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
export PASSERELLE_DATA_DIR="$WORK/data" PASSERELLE_LOG=warn BENCH_WORK="$WORK"
export PASSERELLE_BIND="127.0.0.1:$PORT" PASSERELLE_BASE_URL="http://127.0.0.1:$PORT"
case "${PASSERELLE_DATABASE_URL:-}" in
  postgres*)
    if [ -z "${PASSERELLE_SECRET_KEY:-}" ]; then
      PASSERELLE_SECRET_KEY="$(python3 -c 'import secrets; print(secrets.token_hex(32))')"
      export PASSERELLE_SECRET_KEY
    fi ;;
esac

if [ "${BENCH_REUSE:-0}" != 1 ]; then
  start=$(date +%s.%N)
  "$BIN" bench-data --size "$SIZE" --seed "$SEED" | tail -1
  echo "bench-data --size $SIZE: $(python3 -c "print(f'{$(date +%s.%N) - $start:.1f}')") s wall, including the process start and the migrations"
fi

python3 - "$BIN" "$PORT" <<'PY'
import html, http.client, http.cookiejar, os, re, statistics, subprocess, sys, time
import urllib.error, urllib.parse, urllib.request

bin_, port = sys.argv[1], int(sys.argv[2])
base = f"http://127.0.0.1:{port}"
engine = "PostgreSQL" if os.environ.get("PASSERELLE_DATABASE_URL", "").startswith("postgres") else "SQLite"
RUNS = int(os.environ.get("RUNS", "3"))
N = int(os.environ.get("N", "30"))
WARM = int(os.environ.get("WARM", "3"))
ROWS = int(os.environ.get("ROWS", "3"))
YEAR = int(os.environ.get("YEAR", "2025"))
RUN_SECONDS = float(os.environ.get("RUN_SECONDS", "600"))
SCOPES = os.environ.get("SCOPES", "organisation team worker").split()
EMAIL, PASSWORD = f"stats-{os.getpid()}@bench.example", "Passerelle bench: the figures of the year"
SERVER_LOG = os.path.join(os.environ["BENCH_WORK"], "server.log")

class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None

def call(opener, path, form=None):
    data = urllib.parse.urlencode(form).encode() if form is not None else None
    try:
        with opener.open(base + path, data=data, timeout=60) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()

def csrf(opener, path):
    status, body = call(opener, path)
    m = re.search(r'name="csrf_token" value="([0-9a-f]+)"', body)
    if status != 200 or not m:
        sys.exit(f"GET {path}: {status}, no CSRF token")
    return m.group(1)

def cli(*args):
    return subprocess.run([bin_, *args], check=True, capture_output=True, text=True).stdout

def pct(values, p):
    s = sorted(values)
    return s[max(1, min(len(s), int(-(-p * len(s) // 1)))) - 1] if s else float("nan")

def load():
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])

link = re.search(r"(/account/password/[0-9a-f]+)", cli(
    "user", "create", "--email", EMAIL, "--name", "Bench statistics", "--org", "banc-essai",
    "--role", "manager")).group(1)
team, worker = cli("bench-data", "--sample-scope").split()
scopes = {"organisation": ("", "organisation"), "team": (f"&team={team}", f"team {team}"),
          "worker": (f"&worker={worker}", f"worker {worker}")}
period = f"from={YEAR}-01-01&to={YEAR}-12-31"
print(f"engine: {engine}; year {YEAR}; team {team}; worker {worker}; {N} requests x {RUNS} runs a scope")

log = open(SERVER_LOG, "a")
# No background job beside the pages timed (the daily retention run over a million persons
# slowed every request 1.4 - 2.2 times at L): PASSERELLE_JOBS=off.
server = subprocess.Popen([bin_, "serve"], stdout=subprocess.DEVNULL, stderr=log,
                          env={**os.environ, "PASSERELLE_JOBS": "off"})
raw_proc = None
try:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect())
    deadline = time.monotonic() + 60
    while True:
        try:
            if call(opener, "/readyz")[0] == 200:
                break
        except OSError:
            pass
        if time.monotonic() > deadline:
            sys.exit("the server did not answer 200 on /readyz within 60 s")
        time.sleep(0.05)
    token = csrf(opener, link)
    if call(opener, link, {"csrf_token": token, "password": PASSWORD, "confirm": PASSWORD})[0] != 303:
        sys.exit("setting the password failed")
    token = csrf(opener, "/login")
    if call(opener, "/login", {"csrf_token": token, "email": EMAIL, "password": PASSWORD})[0] != 303:
        sys.exit("signing in failed")
    headers = {"Cookie": "; ".join(f"{c.name}={c.value}" for c in jar)}

    raw_proc = subprocess.Popen([bin_, "bench-data", "--time-raw-statistics"], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, text=True, bufsize=1)

    def raw(scope_line):
        raw_proc.stdin.write(f"{scope_line} {YEAR}-01-01 {YEAR}-12-31\n")
        raw_proc.stdin.flush()
        line = raw_proc.stdout.readline()
        if not line:
            sys.exit("the raw statistics process stopped")
        ms, followed, contacts = line.split()
        return float(ms), int(followed), int(contacts)

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)

    def get(query):
        path = f"/statistics?{period}{query}"
        t = time.perf_counter()
        conn.request("GET", path, headers=headers)
        r = conn.getresponse()
        page = r.read().decode()
        ms = (time.perf_counter() - t) * 1000
        if r.status != 200:
            sys.exit(f"GET {path}: {r.status}")
        return ms, page

    def digits(page):
        # Figures are written with the locale's grouping (spaces, narrow no-break spaces).
        return re.sub(r"(?<=\d)[\s\u202f\u00a0](?=\d{3}\b)", "", html.unescape(page))

    results = {}
    for name in SCOPES:
        query, line = scopes[name]
        for i in range(WARM):
            ms, _ = get(query)
            if i == 0:
                # The first read after an upgrade, or after data were loaded without the
                # summaries, builds them (ADR 0043): reported apart, never in the runs.
                print(f"  {name}: first request {ms:.1f} ms", flush=True)
            raw(line)
        # The page shows the raw process's figures: the same queries, the same numbers.
        _, page = get(query)
        _, followed, contacts = raw(line)
        text = digits(page)
        for figure in (followed, contacts):
            if not re.search(rf"(?<![\d]){figure}(?![\d])", text):
                sys.exit(f"{name}: the page does not show {figure} (raw figures: {followed} followed, {contacts} contacts)")
        per = []
        for run in range(RUNS):
            before = load()
            route, rawt = [], []
            stop_at = time.perf_counter() + RUN_SECONDS
            for _ in range(N):
                rawt.append(raw(line)[0])
                route.append(get(query)[0])
                if time.perf_counter() > stop_at:
                    print(f"  {name} run {run + 1}: stopped after {len(route)} requests ({RUN_SECONDS:.0f} s)")
                    break
            res = {"n": len(route), "load before": before, "load after": load()}
            for p, key in ((0.5, "p50"), (0.95, "p95"), (0.99, "p99")):
                res[f"route {key}"] = pct(route, p)
                res[f"raw {key}"] = pct(rawt, p)
            res["ratio p50"] = res["route p50"] / res["raw p50"]
            res["ratio p95"] = res["route p95"] / res["raw p95"]
            per.append(res)
            print(f"{name} run {run + 1} (load {before:.2f} -> {res['load after']:.2f}, {len(route)} requests): "
                  f"route p50 {res['route p50']:.1f} p95 {res['route p95']:.1f} p99 {res['route p99']:.1f} ms; "
                  f"raw p50 {res['raw p50']:.1f} p95 {res['raw p95']:.1f} p99 {res['raw p99']:.1f} ms; "
                  f"route / raw p50 {res['ratio p50']:.2f}x p95 {res['ratio p95']:.2f}x", flush=True)
        # The same figures counted from the rows alone (no summary, span or step): the raw
        # SQL the page is compared with. Slow at L, so ROWS times only (default 3).
        rows_ms = [raw(f"rows {line}")[0] for _ in range(ROWS)]
        if rows_ms:
            route_p50 = statistics.median(x["route p50"] for x in per)
            route_p95 = statistics.median(x["route p95"] for x in per)
            print(f"  {name}: rows' SQL alone, {ROWS} calls: median {statistics.median(rows_ms):.1f} ms "
                  f"(min {min(rows_ms):.1f}, max {max(rows_ms):.1f}); route p50 / rows "
                  f"{route_p50 / statistics.median(rows_ms):.3f}x, route p95 / rows max "
                  f"{route_p95 / max(rows_ms):.3f}x", flush=True)
        results[name] = (per, followed, contacts)
    print(f"\nmedian over {RUNS} runs (min - max), {engine}, year {YEAR}:")
    for name, (per, followed, contacts) in results.items():
        print(f"  {name} ({followed} cases followed, {contacts} contacts):")
        for key in per[0]:
            v = [x[key] for x in per]
            print(f"    {key:12} {statistics.median(v):9.2f} ({min(v):.2f} - {max(v):.2f})")
finally:
    if raw_proc is not None:
        raw_proc.stdin.close()
        raw_proc.wait(timeout=600)
    server.terminate()
    server.wait(timeout=30)
PY

#!/usr/bin/env bash
# Person search over HTTP against the release binary (see BENCHMARKS.md, "W1 — person search"):
#  1. data: `passerelle bench-data --size SIZE --seed SEED` into a fresh database (timed), or an
#     already generated one (BENCH_REUSE=1 with PASSERELLE_DATABASE_URL);
#  2. set-up, as an administrator would: `passerelle user create --org banc-essai --role
#     worker`, the password set through the printed one-time link (GET the page, POST the form
#     with its CSRF token), then `passerelle serve`, a sign-in and GET /persons for the search
#     form's CSRF token;
#  3. the 100 queries of `passerelle bench-data --queries 100 --seed SEED` (names as written
#     and without accents, typos, first letters, family names alone, birth dates, phones written
#     another way), each POSTed once to warm up; then RUNS times (default 3), for 1 and for 16
#     concurrent clients: each client POSTs /persons/search (form: csrf_token, q; HX-Request:
#     true, as the live search sends it) for the queries in turn from its own starting point,
#     PASSES times (default 5) through the 100, on a kept-alive connection. In the 1-client
#     runs each request is preceded by the raw index query of the same search, timed inside
#     `passerelle bench-data --time-raw` (a process kept open beside the server, with its own
#     connection pool): the ratio of the route to the raw query is measured in the same run,
#     query by query. Reports p50, p95, p99, requests/s and statuses per run, the server's VmRSS
#     sampled every 50 ms during the 16-client runs and its VmHWM (peak resident memory) at the
#     end, then medians and spread.
#  4. creating a person with the duplicate check (POST /persons/new, 1 client), RUNS times: 50
#     persons nobody resembles (a new name and birth date: the check finds nothing, the person
#     is written with its audit event and search terms; 303 expected), and 50 namesakes of
#     people in the data set (the first names and family name of a "first family" query: the
#     page comes back with the similar records to look at; 200 expected, nothing written).
# The client is Python's standard library (http.client, one thread per client) on the same
# 2 cores as the server: at 16 clients it takes CPU from the server, which lowers requests/s.
#   scripts/bench-search.sh [SIZE] [SEED]           S (default), M or L; SQLite in a scratch folder
#   PASSERELLE_DATABASE_URL=postgres://…/fresh_db scripts/bench-search.sh M
#     (a fresh, empty database: createdb before, dropdb after; PASSERELLE_SECRET_KEY is generated
#     when not set)
#   BENCH_REUSE=1 PASSERELLE_DATABASE_URL=sqlite:///tmp/l.db scripts/bench-search.sh L
#     (a database bench-data already filled; an account is added to it)
# BUILD=1 runs `cargo build --release -p passerelle` first. Loopback only; every loop is bounded
# in requests and in time.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="${PASSERELLE_BIN:-$ROOT/target/release/passerelle}"
SIZE="${1:-S}"
SEED="${2:-1}"
PORT="${BENCH_PORT:-18790}"
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
  "$BIN" bench-data --size "$SIZE" --seed "$SEED" | tail -2
  echo "bench-data --size $SIZE: $(python3 -c "print(f'{$(date +%s.%N) - $start:.1f}')") s wall, including the process start and the migrations"
fi

python3 - "$BIN" "$SEED" "$PORT" <<'PY'
import http.client, http.cookiejar, os, re, statistics, subprocess, sys, threading, time
import urllib.error, urllib.parse, urllib.request

bin_, seed, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
base = f"http://127.0.0.1:{port}"
engine = "PostgreSQL" if os.environ.get("PASSERELLE_DATABASE_URL", "").startswith("postgres") else "SQLite"
RUNS = int(os.environ.get("RUNS", "3"))
PASSES = int(os.environ.get("PASSES", "5"))
RUN_SECONDS = 120
EMAIL, PASSWORD = f"search-{os.getpid()}@bench.example", "Passerelle bench: the search at the desk"
SERVER_LOG = os.path.join(os.environ["BENCH_WORK"], "server.log")

class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None

def call(opener, path, form=None):
    data = urllib.parse.urlencode(form).encode() if form is not None else None
    try:
        with opener.open(base + path, data=data, timeout=30) as r:
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
    return s[max(1, min(len(s), int(-(-p * len(s) // 1)))) - 1]

def status_field(pid, field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024  # MiB
    return float("nan")

queries = [q for q in cli("bench-data", "--queries", "100", "--seed", seed).splitlines() if q]
link = re.search(r"(/account/password/[0-9a-f]+)", cli(
    "user", "create", "--email", EMAIL, "--name", "Bench search", "--org", "banc-essai", "--role", "worker")).group(1)
log = open(SERVER_LOG, "a")
server = subprocess.Popen([bin_, "serve"], stdout=subprocess.DEVNULL, stderr=log)
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
    token = csrf(opener, "/persons")
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie, "HX-Request": "true"}
    bodies = [urllib.parse.urlencode({"csrf_token": token, "q": q}) for q in queries]

    raw_proc = subprocess.Popen([bin_, "bench-data", "--time-raw"], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, text=True, bufsize=1)

    def raw_time(q):
        raw_proc.stdin.write(q + "\n")
        raw_proc.stdin.flush()
        return float(raw_proc.stdout.readline().split()[0])

    def client(offset, passes, out, stop_at, raw=None):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        n = len(bodies)
        for i in range(passes * n):
            if time.perf_counter() > stop_at:
                break
            if raw is not None:
                raw.append(raw_time(queries[(offset + i) % n]))
            body = bodies[(offset + i) % n]
            t = time.perf_counter()
            conn.request("POST", "/persons/search", body=body, headers=headers)
            r = conn.getresponse()
            page = r.read()
            out.append(((time.perf_counter() - t) * 1000, r.status, len(page)))
        conn.close()

    def run(clients, passes):
        results = [[] for _ in range(clients)]
        raw = [] if clients == 1 else None
        stop_at = time.perf_counter() + RUN_SECONDS
        threads = [threading.Thread(target=client, args=(i * len(bodies) // clients, passes, results[i], stop_at, raw))
                   for i in range(clients)]
        rss, sampling = [], [True]
        def sample():
            while sampling[0]:
                rss.append(status_field(server.pid, "VmRSS"))
                time.sleep(0.05)
        sampler = threading.Thread(target=sample)
        sampler.start()
        started = time.perf_counter()
        for t in threads: t.start()
        for t in threads: t.join()
        wall = time.perf_counter() - started
        sampling[0] = False
        sampler.join()
        flat = [x for r in results for x in r]
        lat = [x[0] for x in flat]
        statuses = {}
        for x in flat:
            statuses[x[1]] = statuses.get(x[1], 0) + 1
        res = {"n": len(flat), "p50": pct(lat, .5), "p95": pct(lat, .95), "p99": pct(lat, .99),
               "rps": len(flat) / wall, "statuses": statuses, "rss": max(rss) if rss else float("nan")}
        if raw:
            for p, key in ((.5, "p50"), (.95, "p95"), (.99, "p99")):
                res["raw " + key] = pct(raw, p)
                res["ratio " + key] = res[key] / res["raw " + key]
        return res

    # Warm-up: every query once, sequentially.
    warm = run(1, 1)
    print(f"engine: {engine}; {len(queries)} queries; warm-up {warm['n']} requests, statuses {warm['statuses']}")
    per = {1: [], 16: []}
    for r in range(RUNS):
        for clients in (1, 16):
            res = run(clients, PASSES)
            per[clients].append(res)
            print(f"run {r + 1}, {clients:2} client(s): {res['n']} requests, p50 {res['p50']:.2f} ms, "
                  f"p95 {res['p95']:.2f} ms, p99 {res['p99']:.2f} ms, {res['rps']:.0f} requests/s, "
                  f"statuses {res['statuses']}, VmRSS max {res['rss']:.1f} MiB")
            if "raw p50" in res:
                print(f"       raw index query: p50 {res['raw p50']:.2f} ms, p95 {res['raw p95']:.2f} ms, "
                      f"p99 {res['raw p99']:.2f} ms; route / raw: p50 {res['ratio p50']:.2f}x, "
                      f"p95 {res['ratio p95']:.2f}x, p99 {res['ratio p99']:.2f}x")
    new_token = csrf(opener, "/persons/new")
    namesakes = [q.split(" ", 1) for q in queries[0::10] if " " in q]

    def create(fields):
        form = urllib.parse.urlencode({"csrf_token": new_token, **fields})
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        t = time.perf_counter()
        conn.request("POST", "/persons/new", body=form, headers={k: v for k, v in headers.items() if k != "HX-Request"})
        r = conn.getresponse()
        page = r.read().decode()
        ms = (time.perf_counter() - t) * 1000
        conn.close()
        return ms, r.status, page

    creates = {"new": [], "namesake": []}
    for r in range(RUNS):
        fresh, warned = [], []
        for i in range(50):
            ms, status, _ = create({"birth_name": f"Zzbench{os.getpid()}x{r}x{i}", "first_names": "Quentinette",
                                    "birth_date": f"{1 + i % 28:02}/0{1 + r % 9}/19{40 + i % 50}"})
            if status != 303:
                sys.exit(f"creating a person nobody resembles: {status}")
            fresh.append(ms)
            first, family = namesakes[i % len(namesakes)]
            ms, status, page = create({"birth_name": family, "first_names": first})
            if status != 200 or "distinct_from" not in page:
                sys.exit(f"a namesake of {first} {family}: {status}, no duplicate warning")
            warned.append(ms)
        creates["new"].append(fresh)
        creates["namesake"].append(warned)
        print(f"run {r + 1}, create: new person p50 {pct(fresh, .5):.2f} ms, p95 {pct(fresh, .95):.2f} ms; "
              f"namesake warned p50 {pct(warned, .5):.2f} ms, p95 {pct(warned, .95):.2f} ms")
    hwm = status_field(server.pid, "VmHWM")
    print(f"\nmedian over {RUNS} runs (min - max):")
    for clients in (1, 16):
        keys = [("p50", "ms"), ("p95", "ms"), ("p99", "ms"), ("rps", "requests/s"), ("rss", "MiB VmRSS max")]
        if clients == 1:
            keys += [("raw p50", "ms"), ("raw p95", "ms"), ("raw p99", "ms"),
                     ("ratio p50", "x"), ("ratio p95", "x"), ("ratio p99", "x")]
        for key, unit in keys:
            v = [x[key] for x in per[clients]]
            print(f"  {clients:2} client(s) {key:9} {statistics.median(v):8.2f} {unit} ({min(v):.2f} - {max(v):.2f})")
    for kind, runs in creates.items():
        for p, key in ((.5, "p50"), (.95, "p95")):
            v = [pct(x, p) for x in runs]
            print(f"  create, {kind:8} {key} {statistics.median(v):8.2f} ms ({min(v):.2f} - {max(v):.2f})")
    print(f"  server VmHWM after all runs: {hwm:.1f} MiB")
finally:
    try:
        raw_proc.stdin.close()
        raw_proc.wait(timeout=30)
    except NameError:
        pass
    server.terminate()
    server.wait(timeout=30)
PY

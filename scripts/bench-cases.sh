#!/usr/bin/env bash
# The case file over HTTP against the release binary (see BENCHMARKS.md, "W2, W3, W4"):
#  1. data: `passerelle bench-data --size SIZE --seed SEED` into a fresh database (timed), or an
#     already generated one (BENCH_REUSE=1 with PASSERELLE_DATABASE_URL);
#  2. set-up, as an administrator would: `passerelle user create --org banc-essai --role
#     worker`, the password set through the printed one-time link (GET the page, POST the form
#     with its CSRF token), `passerelle bench-data --join-team EMAIL` (the account joins the
#     first team: a colleague of its cases, who reads and writes them, not their referent);
#     then `passerelle serve`, a sign-in, and the cases of `passerelle bench-data --cases 240`:
#     the team's 20 longest histories and 20 around the median length (read), and 16 open
#     cases of about the median length among the next ones (written to);
#  3. every case page GET once to warm up; then RUNS times (default 3):
#     W2, 1 client: GET /cases/{id} for 20 long and 20 short cases in turn, PASSES times
#       (default 5), each request preceded by the same page's queries run straight on the
#       database inside `passerelle bench-data --time-raw-cases EMAIL` (a process kept open
#       beside the server, with its own pool: the case and its co-referents, then the overview's
#       fixed list — person, households, flags, lists, last contacts, the first timeline page,
#       the draft): route ÷ raw in the same run, per history length;
#     W3, 1 client: for the 20 long cases, the first page (GET /cases/{id}) then the next one
#       (GET /cases/{id}?before=CURSOR, the cursor read from the page's "older" link), PASSES
#       times, each preceded by the timeline query alone for the same page (raw timeline) and by
#       the page's whole list of queries (raw page); then the walk of 5 long cases to their
#       oldest page, every page timed (keyset: the last page costs what the first does);
#     W2 at 16 clients: 16 threads GET the 40 case pages for PASSES passes, VmRSS sampled;
#     W4, 16 clients: each POSTs /cases/{id}/notes/new (the note form with its CSRF token: a
#       phone call of yesterday, about 300 characters) NOTES times (default 50) on its own case, kept-alive connections; 303 expected: the note, its audit
#       event and the draft's removal in one transaction (open cases: a closed one takes no
#       note). p50/p95/p99, notes/s, VmRSS.
#  Medians over the runs with min - max, and the server's VmHWM at the end; the 1-minute load
#  average before and after each run.
# The client is Python's standard library (http.client, one thread per client) on the same
# 2 cores as the server.
#   scripts/bench-cases.sh [SIZE] [SEED]           S (default), M or L; SQLite in a scratch folder
#   PASSERELLE_DATABASE_URL=postgres://…/fresh_db scripts/bench-cases.sh M
#     (a fresh, empty database: createdb before, dropdb after; PASSERELLE_SECRET_KEY is generated
#     when not set)
#   BENCH_REUSE=1 PASSERELLE_DATABASE_URL=sqlite:///tmp/l.db scripts/bench-cases.sh L
#     (a database bench-data already filled; an account is added to it, and notes to 16 cases)
# BUILD=1 runs `cargo build --release -p passerelle` first. Loopback only; every loop is bounded
# in requests and in time.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="${PASSERELLE_BIN:-$ROOT/target/release/passerelle}"
SIZE="${1:-S}"
SEED="${2:-1}"
PORT="${BENCH_PORT:-18791}"
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

python3 - "$BIN" "$PORT" <<'PY'
import datetime, http.client, http.cookiejar, os, re, statistics, subprocess, sys, threading, time
import urllib.error, urllib.parse, urllib.request

bin_, port = sys.argv[1], int(sys.argv[2])
base = f"http://127.0.0.1:{port}"
engine = "PostgreSQL" if os.environ.get("PASSERELLE_DATABASE_URL", "").startswith("postgres") else "SQLite"
RUNS = int(os.environ.get("RUNS", "3"))
PASSES = int(os.environ.get("PASSES", "5"))
NOTES = int(os.environ.get("NOTES", "50"))
RUN_SECONDS = 120
EMAIL, PASSWORD = f"cases-{os.getpid()}@bench.example", "Passerelle bench: the case file at the desk"
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
    return s[max(1, min(len(s), int(-(-p * len(s) // 1)))) - 1] if s else float("nan")

def status_field(pid, field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024  # MiB
    return float("nan")

def load():
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])

OLDER = re.compile(r'href="/cases/[0-9a-f-]+\?before=([0-9]+_[0-9a-f-]+)[^"]*" rel="next"')

link = re.search(r"(/account/password/[0-9a-f]+)", cli(
    "user", "create", "--email", EMAIL, "--name", "Bench cases", "--org", "banc-essai", "--role", "worker")).group(1)
cli("bench-data", "--join-team", EMAIL)
sample = [l.split() for l in cli("bench-data", "--cases", "240").splitlines() if l.strip()]
longs = [(c, int(n)) for h, c, n, s in sample if h == "long"]
shorts = [(c, int(n)) for h, c, n, s in sample if h == "short"]
# Notes are written to open cases (a closed one takes none), others than those read.
open_shorts = [(c, int(n)) for h, c, n, s in sample if h == "short" and s != "closed"][-16:]
w2_long, w2_short, w4_cases = longs[:20], shorts[:20], open_shorts
if len(w2_long) < 20 or len(w2_short) < 20 or len(w4_cases) < 16 or set(w2_short) & set(w4_cases):
    sys.exit(f"not enough cases in the first team: {len(longs)} long, {len(shorts)} short, {len(open_shorts)} open")
print(f"engine: {engine}; W2 long histories {min(n for _, n in w2_long)} - {max(n for _, n in w2_long)} entries, "
      f"short {min(n for _, n in w2_short)} - {max(n for _, n in w2_short)}; W4 on 16 short cases")

log = open(SERVER_LOG, "a")
server = subprocess.Popen([bin_, "serve"], stdout=subprocess.DEVNULL, stderr=log)
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
    note_token = csrf(opener, f"/cases/{w4_cases[0][0]}/notes/new")
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    get_headers = {"Cookie": cookie}
    post_headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}

    raw_proc = subprocess.Popen([bin_, "bench-data", "--time-raw-cases", EMAIL], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, text=True, bufsize=1)

    def raw(what, case, cursor=None):
        raw_proc.stdin.write(f"{what} {case}{' ' + cursor if cursor else ''}\n")
        raw_proc.stdin.flush()
        ms, entries, nxt = raw_proc.stdout.readline().split()
        return float(ms), int(entries), (None if nxt == "-" else nxt)

    def get(conn, path):
        t = time.perf_counter()
        conn.request("GET", path, headers=get_headers)
        r = conn.getresponse()
        page = r.read().decode()
        ms = (time.perf_counter() - t) * 1000
        if r.status != 200:
            sys.exit(f"GET {path}: {r.status}")
        return ms, page

    def older_of(page):
        m = OLDER.search(page)
        return m.group(1) if m else None

    def sampler(rss, flag):
        while flag[0]:
            rss.append(status_field(server.pid, "VmRSS"))
            time.sleep(0.05)

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    # Warm-up: every case page once, and the raw queries once.
    for c, _ in w2_long + w2_short + w4_cases:
        get(conn, f"/cases/{c}")
        raw("overview", c)

    def w2_one():
        out = {"long": ([], []), "short": ([], [])}
        stop_at = time.perf_counter() + RUN_SECONDS
        for _ in range(PASSES):
            for kind, cases in (("long", w2_long), ("short", w2_short)):
                for c, _ in cases:
                    if time.perf_counter() > stop_at:
                        break
                    r, n, _ = raw("overview", c)
                    ms, _ = get(conn, f"/cases/{c}")
                    out[kind][0].append(ms)
                    out[kind][1].append(r)
        return out

    def w3_one():
        first, nxt, raw_first_tl, raw_next_tl, raw_next_page = [], [], [], [], []
        stop_at = time.perf_counter() + RUN_SECONDS
        for _ in range(PASSES):
            for c, _ in w2_long:
                if time.perf_counter() > stop_at:
                    break
                r, _, _ = raw("timeline", c)
                raw_first_tl.append(r)
                ms, page = get(conn, f"/cases/{c}")
                first.append(ms)
                cursor = older_of(page)
                if cursor is None:
                    sys.exit(f"case {c}: no older page on the first")
                r, _, _ = raw("timeline", c, cursor)
                raw_next_tl.append(r)
                r, _, _ = raw("overview", c, cursor)
                raw_next_page.append(r)
                ms, _ = get(conn, f"/cases/{c}?before={cursor}")
                nxt.append(ms)
        walk, pages = [], 0
        for c, _ in w2_long[:5]:
            cursor, guard = None, 0
            while guard < 200:
                guard += 1
                ms, page = get(conn, f"/cases/{c}" + (f"?before={cursor}" if cursor else ""))
                if cursor:
                    walk.append(ms)
                pages += 1
                cursor = older_of(page)
                if cursor is None:
                    break
        return {"first": first, "next": nxt, "raw first tl": raw_first_tl, "raw next tl": raw_next_tl,
                "raw next page": raw_next_page, "walk": walk, "walk pages": pages}

    def parallel(clients, work):
        results = [[] for _ in range(clients)]
        statuses = {}
        lock = threading.Lock()
        rss, flag = [], [True]
        s = threading.Thread(target=sampler, args=(rss, flag))
        s.start()
        threads = [threading.Thread(target=work, args=(i, results[i], statuses, lock)) for i in range(clients)]
        started = time.perf_counter()
        for t in threads: t.start()
        for t in threads: t.join()
        wall = time.perf_counter() - started
        flag[0] = False
        s.join()
        lat = [x for r in results for x in r]
        return {"n": len(lat), "p50": pct(lat, .5), "p95": pct(lat, .95), "p99": pct(lat, .99),
                "rps": len(lat) / wall, "statuses": statuses, "rss": max(rss) if rss else float("nan")}

    def w2_16():
        pages = [c for c, _ in w2_long + w2_short]
        stop_at = time.perf_counter() + RUN_SECONDS
        def work(i, out, statuses, lock):
            cn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            for k in range(PASSES * len(pages)):
                if time.perf_counter() > stop_at:
                    break
                c = pages[(i * 5 + k) % len(pages)]
                t = time.perf_counter()
                cn.request("GET", f"/cases/{c}", headers=get_headers)
                r = cn.getresponse()
                r.read()
                out.append((time.perf_counter() - t) * 1000)
                with lock:
                    statuses[r.status] = statuses.get(r.status, 0) + 1
            cn.close()
        return parallel(16, work)

    yesterday = (datetime.date.today() - datetime.timedelta(days=1)).isoformat()
    BODY = ("Appel de la personne : le dossier de la CAF est complet, le versement est attendu "
            "le mois prochain. Elle demande si le bailleur a bien reçu le plan d'apurement ; "
            "je l'appelle demain. Elle dit qu'elle dort mieux depuis que les relances ont cessé.\n\n"
            "À faire :\n- rappeler le bailleur\n- vérifier le versement de la CAF")

    def w4(run):
        stop_at = time.perf_counter() + RUN_SECONDS
        def work(i, out, statuses, lock):
            c = w4_cases[i][0]
            cn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            for k in range(NOTES):
                if time.perf_counter() > stop_at:
                    break
                form = urllib.parse.urlencode({
                    "csrf_token": note_token, "date": yesterday, "time": f"{8 + k % 10:02}:{(5 * k) % 60:02}",
                    "duration": "15", "place": "", "participants": "", "note_type": "phone",
                    "confidentiality": "normal", "body": f"{BODY}\n\n(run {run}, note {k})"})
                t = time.perf_counter()
                cn.request("POST", f"/cases/{c}/notes/new", body=form, headers=post_headers)
                r = cn.getresponse()
                r.read()
                out.append((time.perf_counter() - t) * 1000)
                with lock:
                    statuses[r.status] = statuses.get(r.status, 0) + 1
            cn.close()
        return parallel(16, work)

    per = []
    for run in range(RUNS):
        before_load = load()
        res = {"load before": before_load}
        w2 = w2_one()
        for kind in ("long", "short"):
            route, rawv = w2[kind]
            for p, key in ((.5, "p50"), (.95, "p95"), (.99, "p99")):
                res[f"W2 {kind} {key}"] = pct(route, p)
                res[f"W2 {kind} raw {key}"] = pct(rawv, p)
                res[f"W2 {kind} ratio {key}"] = pct(route, p) / pct(rawv, p)
        w3 = w3_one()
        for p, key in ((.5, "p50"), (.95, "p95"), (.99, "p99")):
            res[f"W3 first {key}"] = pct(w3["first"], p)
            res[f"W3 next {key}"] = pct(w3["next"], p)
            res[f"W3 raw first timeline {key}"] = pct(w3["raw first tl"], p)
            res[f"W3 raw next timeline {key}"] = pct(w3["raw next tl"], p)
            res[f"W3 raw next page {key}"] = pct(w3["raw next page"], p)
            res[f"W3 next ratio to timeline {key}"] = pct(w3["next"], p) / pct(w3["raw next tl"], p)
            res[f"W3 next ratio to page queries {key}"] = pct(w3["next"], p) / pct(w3["raw next page"], p)
            res[f"W3 walk {key}"] = pct(w3["walk"], p)
        res["W3 walk pages"] = w3["walk pages"]
        w216 = w2_16()
        w4r = w4(run)
        for key in ("p50", "p95", "p99", "rps", "rss"):
            res[f"W2x16 {key}"] = w216[key]
            res[f"W4 {key}"] = w4r[key]
        res["load after"] = load()
        per.append(res)
        print(f"run {run + 1} (load {before_load:.2f} -> {res['load after']:.2f}):")
        print(f"  W2 long  p50 {res['W2 long p50']:.2f} p95 {res['W2 long p95']:.2f} ms; raw p50 {res['W2 long raw p50']:.2f} "
              f"p95 {res['W2 long raw p95']:.2f} ms; ratio p50 {res['W2 long ratio p50']:.2f}x p95 {res['W2 long ratio p95']:.2f}x")
        print(f"  W2 short p50 {res['W2 short p50']:.2f} p95 {res['W2 short p95']:.2f} ms; raw p50 {res['W2 short raw p50']:.2f} "
              f"p95 {res['W2 short raw p95']:.2f} ms; ratio p50 {res['W2 short ratio p50']:.2f}x p95 {res['W2 short ratio p95']:.2f}x")
        print(f"  W3 first p95 {res['W3 first p95']:.2f} ms (raw timeline {res['W3 raw first timeline p95']:.2f}); next p50 {res['W3 next p50']:.2f} "
              f"p95 {res['W3 next p95']:.2f} ms (raw timeline {res['W3 raw next timeline p95']:.2f}, raw page {res['W3 raw next page p95']:.2f}); "
              f"walk of {w3['walk pages']} pages p95 {res['W3 walk p95']:.2f} ms")
        print(f"  W2 x16   {w216['n']} requests p50 {w216['p50']:.2f} p95 {w216['p95']:.2f} p99 {w216['p99']:.2f} ms, "
              f"{w216['rps']:.0f}/s, statuses {w216['statuses']}, VmRSS max {w216['rss']:.1f} MiB")
        print(f"  W4 x16   {w4r['n']} notes p50 {w4r['p50']:.2f} p95 {w4r['p95']:.2f} p99 {w4r['p99']:.2f} ms, "
              f"{w4r['rps']:.0f} notes/s, statuses {w4r['statuses']}, VmRSS max {w4r['rss']:.1f} MiB")
        if set(w4r["statuses"]) != {303} or set(w216["statuses"]) != {200}:
            sys.exit("unexpected statuses")
    hwm = status_field(server.pid, "VmHWM")
    print(f"\nmedian over {RUNS} runs (min - max):")
    for key in per[0]:
        v = [x[key] for x in per]
        print(f"  {key:40} {statistics.median(v):9.2f} ({min(v):.2f} - {max(v):.2f})")
    print(f"  server VmHWM after all runs: {hwm:.1f} MiB")
finally:
    if raw_proc is not None:
        raw_proc.stdin.close()
        raw_proc.wait(timeout=30)
    server.terminate()
    server.wait(timeout=30)
PY

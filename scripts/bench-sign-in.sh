#!/usr/bin/env bash
# Sign-in over HTTP against the release binary (see BENCHMARKS.md, "Sign-in"):
#  1. set-up: an organisation and three accounts made the way an administrator does it
#     (`passerelle org create`, `passerelle user create`, then the password set through the
#     printed one-time link: GET the page, POST the form with its CSRF token);
#  2. flood, with the production throttle (5 attempts per account, 50 per address): BENCH_FLOOD
#     (default 1000) POST /login with wrong passwords for one account from 16 concurrent clients;
#     reports the status counts, the wall time, users.failed_logins (how many passwords were
#     evaluated), that another account then signs in from the same address (303), and what the
#     flooded account's right password gets from a new browser and from its owner's (a browser
#     it signed in from before the flood);
#  3. latency, RUNS times (default 3), each against a freshly started server: N rounds (default
#     60) of one POST /login each with the right password (303), a wrong password for the same
#     account (422) and an unknown address (422), in rotating order, sequentially; each POST
#     follows a GET /login in a fresh cookie jar (CSRF cookie and token), only the POST is
#     timed. The throttle is raised to 10000 for these servers (PASSERELLE_SIGN_IN_ATTEMPTS_*):
#     with the production limits the 6th wrong password would be refused unevaluated; the path
#     of an evaluated attempt is the same.
# Production Argon2 parameters (the defaults: 19 MiB, t=2, p=1). Loopback only; every loop is
# bounded in requests and in time.
#   scripts/bench-sign-in.sh [N] [RUNS]          SQLite in a scratch folder
#   PASSERELLE_DATABASE_URL=postgres://…/fresh_db PASSERELLE_SECRET_KEY=… scripts/bench-sign-in.sh
#     (a fresh database: createdb, then dropdb after; the script migrates it)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="${PASSERELLE_BIN:-$ROOT/target/release/passerelle}"
N="${1:-60}"
RUNS="${2:-3}"
PORT="${BENCH_PORT:-18789}"
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

"$BIN" migrate >/dev/null

python3 - "$BIN" "$N" "$RUNS" "$PORT" "${BENCH_FLOOD:-1000}" <<'PY'
import collections, http.cookiejar, os, re, sqlite3, statistics, subprocess, sys, threading, time
import urllib.error, urllib.parse, urllib.request

bin_, n, runs, port, flood = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
base = f"http://127.0.0.1:{port}"
db_url = os.environ.get("PASSERELLE_DATABASE_URL", "")
engine = "PostgreSQL" if db_url.startswith("postgres") else "SQLite"
PASSWORD = "Passerelle bench: rain on the 9 bridges"
ORG = "bench-sign-in"
ACCOUNTS = {"victim": "victim@bench.example", "other": "other@bench.example", "signer": "signer@bench.example"}
FLOOD_CLIENTS, FLOOD_SECONDS, REQUEST_TIMEOUT = 16, 300, 30
SERVER_LOG = os.path.join(os.environ["BENCH_WORK"], "server.log")

def server_warnings():
    """How many lines the servers logged (PASSERELLE_LOG=warn) and the distinct messages."""
    with open(SERVER_LOG) as f:
        lines = [l for l in f if l.strip()]
    kinds = collections.Counter(re.sub(r"^\S+\s+", "", l.strip()) for l in lines)
    return len(lines), kinds

class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None

def client(jar=None):
    jar = jar if jar is not None else http.cookiejar.CookieJar()
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect())

def call(opener, path, form=None):
    """(status, body, Location) of one request; the body is read in full."""
    data = urllib.parse.urlencode(form).encode() if form is not None else None
    try:
        with opener.open(base + path, data=data, timeout=REQUEST_TIMEOUT) as r:
            return r.status, r.read().decode(), r.headers.get("Location")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(), e.headers.get("Location")

def csrf(opener, path):
    status, body, _ = call(opener, path)
    m = re.search(r'name="csrf_token" value="([0-9a-f]+)"', body)
    if status != 200 or not m:
        sys.exit(f"GET {path}: {status}, no CSRF token")
    return m.group(1)

def timed_login(email, password, jar=None):
    """GET /login in a fresh cookie jar (or `jar`), then POST /login, both timed:
    (POST status, POST ms, Location, GET ms)."""
    opener = client(jar)
    start = time.perf_counter()
    token = csrf(opener, "/login")
    got = time.perf_counter()
    status, _, location = call(opener, "/login", {"csrf_token": token, "email": email, "password": password})
    return status, (time.perf_counter() - got) * 1000, location, (got - start) * 1000

def start_server(extra_env=None):
    env = dict(os.environ, **(extra_env or {}))
    log = open(SERVER_LOG, "a")
    proc = subprocess.Popen([bin_, "serve"], env=env, stdout=subprocess.DEVNULL, stderr=log)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            if call(client(), "/readyz")[0] == 200:
                return proc
        except OSError:
            pass
        time.sleep(0.02)
    proc.kill()
    sys.exit("the server did not answer 200 on /readyz within 20 s")

def stop_server(proc):
    proc.terminate()
    proc.wait(timeout=20)

def cli(*args):
    return subprocess.run([bin_, *args], check=True, capture_output=True, text=True).stdout

def failed_logins(email):
    if engine == "SQLite":
        path = os.path.join(os.environ["PASSERELLE_DATA_DIR"], "passerelle.db")
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
            return conn.execute("SELECT failed_logins FROM users WHERE email = ?", (email,)).fetchone()[0]
    out = subprocess.run(["psql", db_url, "-Atc", f"SELECT failed_logins FROM users WHERE email = '{email}'"],
                         check=True, capture_output=True, text=True).stdout
    return int(out.strip())

def pct(values, p):
    """Nearest-rank quantile."""
    s = sorted(values)
    rank = max(1, min(len(s), int(-(-p * len(s) // 1))))
    return s[rank - 1]

# 1. Set-up, as an administrator would.
cli("org", "create", "--slug", ORG, "--name", "Bench sign-in")
links = {}
for key, email in ACCOUNTS.items():
    out = cli("user", "create", "--email", email, "--name", f"Bench {key}", "--org", ORG, "--role", "worker")
    links[key] = re.search(r"(/account/password/[0-9a-f]+)", out).group(1)
server = start_server()
try:
    for key, path in links.items():
        opener = client()
        token = csrf(opener, path)
        status, _, location = call(opener, path, {"csrf_token": token, "password": PASSWORD, "confirm": PASSWORD})
        if status != 303:
            sys.exit(f"setting the password of {key}: {status} (expected 303)")
    print(f"engine: {engine}; accounts set up through `passerelle user create` and the one-time link")

    # The flooded account's owner signs in once beforehand: their browser keeps its cookies
    # but the session's (a browser the account signed in from, as after signing out).
    owner_jar = http.cookiejar.CookieJar()
    if timed_login(ACCOUNTS["victim"], PASSWORD, owner_jar)[0] != 303:
        sys.exit("the owner's first sign-in failed")
    for c in [c for c in owner_jar if c.name == "passerelle_session"]:
        owner_jar.clear(c.domain, c.path, c.name)

    # 2. The flood, production throttle.
    counts, lock, sent = collections.Counter(), threading.Lock(), [0]
    started = time.perf_counter()
    def attacker():
        opener = client()
        token = csrf(opener, "/login")
        while time.perf_counter() - started < FLOOD_SECONDS:
            with lock:
                if sent[0] >= flood:
                    return
                sent[0] += 1
                i = sent[0]
            status, _, _ = call(opener, "/login", {"csrf_token": token, "email": ACCOUNTS["victim"], "password": f"wrong password {i}"})
            with lock:
                counts[status] += 1
    threads = [threading.Thread(target=attacker) for _ in range(FLOOD_CLIENTS)]
    for t in threads: t.start()
    for t in threads: t.join()
    wall = time.perf_counter() - started
    evaluated = failed_logins(ACCOUNTS["victim"])
    other_status, _, other_location, _ = timed_login(ACCOUNTS["other"], PASSWORD)
    victim_status = timed_login(ACCOUNTS["victim"], PASSWORD)[0]
    owner_status = timed_login(ACCOUNTS["victim"], PASSWORD, owner_jar)[0]
    print(f"flood: {sum(counts.values())} wrong passwords for one account from {FLOOD_CLIENTS} clients in {wall:.2f} s "
          f"({sum(counts.values()) / wall:.0f} requests/s); statuses {dict(sorted(counts.items()))}")
    print(f"flood: users.failed_logins after = {evaluated} (passwords evaluated); "
          f"another account then signs in: {other_status} -> {other_location}; "
          f"the flooded account, right password: {victim_status} from a new browser, "
          f"{owner_status} from its owner's")
finally:
    stop_server(server)

# 3. Latency, RUNS fresh servers.
kinds = {
    "POST, right password (303)": (ACCOUNTS["signer"], lambda i: PASSWORD, 303),
    "POST, wrong password (422)": (ACCOUNTS["signer"], lambda i: f"not the password {i}", 422),
    "POST, unknown account (422)": (None, lambda i: f"not the password {i}", 422),
}
BASELINE = "GET /login, same requests"
raised = {"PASSERELLE_SIGN_IN_ATTEMPTS_PER_ACCOUNT": "10000", "PASSERELLE_SIGN_IN_ATTEMPTS_PER_ADDRESS": "10000"}
per_run = {k: [] for k in [*kinds, BASELINE]}
for run in range(1, runs + 1):
    server = start_server(raised)
    try:
        samples = {k: [] for k in [*kinds, BASELINE]}
        names = list(kinds)
        for i in range(-5, n):  # 5 warm-up rounds
            for j in range(len(names)):
                kind = names[(i + j) % len(names)]
                email, password, expected = kinds[kind]
                status, ms, _, get_ms = timed_login(email or f"nobody-{run}-{i}@bench.example", password(i))
                if status != expected:
                    sys.exit(f"{kind}: got {status}")
                if i >= 0:
                    samples[kind].append(ms)
                    samples[BASELINE].append(get_ms)
        for kind, s in samples.items():
            per_run[kind].append((statistics.median(s), pct(s, 0.95), min(s), max(s)))
            print(f"run {run}: {kind:<28} median {statistics.median(s):6.1f} ms  p95 {pct(s, 0.95):6.1f} ms  "
                  f"min {min(s):6.1f}  max {max(s):6.1f}  (n={len(s)})")
    finally:
        stop_server(server)
lines, kinds_logged = server_warnings()
print(f"server log (PASSERELLE_LOG=warn): {lines} line(s)")
for message, count in kinds_logged.most_common(5):
    print(f"  {count:5} x {message[:160]}")
print(f"over {runs} runs, median of the run medians (min - max), median of the run p95s (min - max):")
for kind, rows in per_run.items():
    med = [r[0] for r in rows]; p95 = [r[1] for r in rows]
    print(f"  {kind:<28} median {statistics.median(med):6.1f} ms ({min(med):.1f} - {max(med):.1f})  "
          f"p95 {statistics.median(p95):6.1f} ms ({min(p95):.1f} - {max(p95):.1f})")
PY

#!/usr/bin/env bash
# Registry garbage collection benchmark: time and memory of Slipway's online GC over a generated
# registry (target 10,000 manifests and 50,000 blobs in 100 repositories), quiet and while a
# pusher keeps pushing, and a check that every image pushed during GC still pulls.
# See README.md next to this file ("Garbage collection"). It prints figures and asserts nothing.
#
# Knobs (environment):
#   REPOS (100), BLOBS (50000), MANIFESTS (10000)   target content, pushed through the registry API
#   UNREFERENCED (0.3)      share of each repository's blobs that no manifest references
#   DELETED (0.2)           share of the manifests deleted (DELETE by digest) before the first collection
#   DELETED2 (0.2)          a further share deleted after it, while the pusher runs, for the second (in-server) one
#   BLOB_SECONDS (180)      time budget of the blob uploads; when it runs out, the counts shrink
#                           (manifests stay 1 per 5 blobs) and the report says so; 0 = no budget
#   WORKERS (6)             generator processes, one keep-alive connection each
#   GC_GRACE (1s)           registry.gc-grace for server and CLI (the default 24h would protect everything)
#   PUSHERS (2)             threads of the pusher that runs during GC
#   PUSH_WINDOW_SECONDS (5) pusher alone before GC starts, and after it ends (baseline figures)
#   VERIFY_SAMPLE (300)     surviving generated images pulled and checked after GC (0 = none, all = every one)
#   DISTRIBUTION (1)        also time CNCF distribution's offline `garbage-collect` on the same content
#   PROFILE (0)             1 = record the GC CLI with JFR and print where its main thread spends time
#                           (JFR adds to the CLI's RSS)
#   BENCH_DIR (/tmp)        parent of the scratch directory
#   KEEP=1                  keep the scratch directory's logs (the stores are always removed)
#   SLIPWAY_JAVA_OPTS       JVM options of the server and of the GC CLI, as for ./slipway
#   SLIPWAY_JAR             benchmark this jar instead of building slipway-server/target/slipway.jar
#   JAVA_HOME               JDK for Slipway (default: temurin-25 if installed, else what ./slipway finds)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)

REPOS=${REPOS:-100}
BLOBS=${BLOBS:-50000}
MANIFESTS=${MANIFESTS:-10000}
UNREFERENCED=${UNREFERENCED:-0.3}
DELETED=${DELETED:-0.2}
DELETED2=${DELETED2:-0.2}
BLOB_SECONDS=${BLOB_SECONDS:-180}
WORKERS=${WORKERS:-6}
GC_GRACE=${GC_GRACE:-1s}
PUSHERS=${PUSHERS:-2}
PUSH_WINDOW_SECONDS=${PUSH_WINDOW_SECONDS:-5}
VERIFY_SAMPLE=${VERIFY_SAMPLE:-300}
DISTRIBUTION=${DISTRIBUTION:-1}
PROFILE=${PROFILE:-0}
BENCH_DIR=${BENCH_DIR:-/tmp}
KEEP=${KEEP:-0}
OWNER='admin'
ADMIN_PASSWORD=bench-admin-password
JAVA_OPTS=${SLIPWAY_JAVA_OPTS:--XX:+UseSerialGC -Xmx256m}

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() {
    log "error: $*"
    exit 1
}

# ---- prerequisites -------------------------------------------------------------------------

case $REPOS.$BLOBS.$MANIFESTS.$BLOB_SECONDS.$WORKERS.$PUSHERS.$PUSH_WINDOW_SECONDS in
    *[!0-9.]* | *..* | .* | *.) die "REPOS, BLOBS, MANIFESTS, BLOB_SECONDS, WORKERS, PUSHERS, PUSH_WINDOW_SECONDS must be plain integers" ;;
esac
case $VERIFY_SAMPLE in all | [0-9]*) ;; *) die "VERIFY_SAMPLE must be a number or 'all'" ;; esac
if [ "$REPOS" -lt 1 ] || [ "$WORKERS" -lt 1 ] || [ "$PUSHERS" -lt 1 ] || [ "$BLOBS" -lt $((REPOS * 10)) ] ||
    [ "$MANIFESTS" -lt 1 ] || [ "$((MANIFESTS * 5))" -gt "$BLOBS" ]; then
    die "need REPOS, WORKERS, PUSHERS >= 1, BLOBS >= 10 * REPOS and 1 <= MANIFESTS <= BLOBS / 5"
fi
awk -v u="$UNREFERENCED" -v d="$DELETED" -v e="$DELETED2" \
    'BEGIN { exit !(u >= 0 && u < 0.8 && d >= 0 && d <= 0.5 && e >= 0 && e <= 0.5) }' ||
    die "need 0 <= UNREFERENCED < 0.8 and 0 <= DELETED, DELETED2 <= 0.5"

need_pkgs=()
[ -x /usr/bin/time ] || need_pkgs+=(time)
command -v curl >/dev/null || need_pkgs+=(curl)
command -v python3 >/dev/null || need_pkgs+=(python3)
if [ "$DISTRIBUTION" = 1 ]; then command -v docker-registry >/dev/null || need_pkgs+=(docker-registry); fi

mkdir -p "$BENCH_DIR"
# shellcheck source=../lib.sh
source "$root/bench/lib.sh"
bench_install "${need_pkgs[@]}"
bench_jar slipway-gc-bench

# ---- scratch dir and cleanup ---------------------------------------------------------------

work=$(mktemp -d "$BENCH_DIR/slipway-gc-bench.XXXXXX")
pids=()   # background processes, each the leader of its own process group (see spawn)
cleanup() {
    local rc=$? p
    touch "$work/stop-pusher" 2>/dev/null || true
    for p in "${pids[@]}"; do
        kill -- "-$p" 2>/dev/null || kill "$p" 2>/dev/null || true
    done
    for p in "${pids[@]}"; do
        wait "$p" 2>/dev/null || true
    done
    if [ "$KEEP" = 1 ] || [ $rc -ne 0 ]; then
        # Keep logs for a post-mortem, not the stores.
        rm -rf "$work/slipway/registry" "$work/slipway/slipway.db"* "$work/distribution/data" "$work/slipway.jar" \
            "$work/plan.json" 2>/dev/null || true
        log "logs kept in $work"
    else
        rm -rf "$work"
    fi
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Runs a command in the background as the leader of a new process group, so that cleanup can stop
# it together with its children (the generator's worker processes); sets $spawned.
spawn() {
    setsid "$@" &
    spawned=$!
    pids+=("$spawned")
}

# A private copy of the jar: a rebuild of target/ during the run must not change it under us.
cp "$jar" "$work/slipway.jar"
jar=$work/slipway.jar

# Seconds since the epoch with microseconds, without a fork.
now() { echo "${EPOCHREALTIME/,/.}"; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

# VmRSS in KiB from /proc (what ps -o rss shows), with builtins.
rss_kib() {
    local k v _
    while read -r k v _; do
        if [ "$k" = VmRSS: ]; then
            echo "$v"
            return 0
        fi
    done <"/proc/$1/status"
    return 1
}
# "TIME RSS-KiB" every 100 ms while the process lives.
start_rss_sampler() { # PID OUTFILE
    (
        while r=$(rss_kib "$1" 2>/dev/null); do
            echo "${EPOCHREALTIME/,/.} $r"
            sleep 0.1
        done
    ) >"$2" &
    pids+=($!)
}
rss_max_mib() { # FILE FROM TO: largest sample in the window, MiB
    awk -v a="$2" -v b="$3" '$1 >= a && $1 <= b && $2 > m { m = $2 } END { printf "%.0f", m / 1024 }' "$1"
}
mib() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1048576 }'; }
size_fmt() { # BYTES, as the CLI prints sizes (Sizes.format)
    awk -v b="$1" 'BEGIN { split("B KiB MiB GiB TiB", u, " "); v = b; i = 1
        while (v >= 1024 && i < 5) { v /= 1024; i++ }
        if (i == 1) printf "%d B", b; else printf "%.1f %s", v, u[i] }'
}
jget() { python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"; }

# ---- the load generator --------------------------------------------------------------------

gen=$work/gen.py
cat >"$gen" <<'PY'
"""Load generator of bench/registry/gc.sh: pushes, deletes, pulls and verifies OCI content through
the registry API. Standard library only: http.client with keep-alive, one connection per worker.
Usage: gen.py MODE JSON-ARGS (modes: generate, push, verify, stats, distribution)."""
import base64
import hashlib
import http.client
import json
import os
import random
import sys
import threading
import time
from multiprocessing import Pool
from urllib.parse import urlsplit

MT_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
MT_CONFIG = "application/vnd.oci.image.config.v1+json"
MT_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip"
CHUNK = 50  # blobs per generator task: repositories fill evenly when the time budget ends the phase


def log(msg):
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


class Client:
    def __init__(self, base, auth):
        u = urlsplit(base)
        self.host, self.port = u.hostname, u.port
        self.hdr = {"Authorization": "Basic " + base64.b64encode(auth.encode()).decode()} if auth else {}
        self.conn = None

    def req(self, method, path, body=None, headers=None):
        h = dict(self.hdr)
        h.update(headers or {})
        for attempt in range(3):
            try:
                if self.conn is None:
                    self.conn = http.client.HTTPConnection(self.host, self.port, timeout=120)
                self.conn.request(method, path, body=body, headers=h)
                r = self.conn.getresponse()
                data = r.read()
                if r.getheader("Connection", "").lower() == "close":
                    self.conn.close()
                    self.conn = None
                return r.status, data
            except (http.client.HTTPException, OSError):
                if self.conn is not None:
                    self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise
        raise AssertionError

    def push_blob(self, repo, data):
        """Monolithic one-request upload (POST ?digest=); the digest."""
        d = "sha256:" + hashlib.sha256(data).hexdigest()
        st, body = self.req("POST", f"/v2/{repo}/blobs/uploads/?digest={d}", data,
                            {"Content-Type": "application/octet-stream"})
        if st != 201:
            raise RuntimeError(f"blob POST {repo} {d}: HTTP {st} {body[:300]!r}")
        return d

    def put_manifest(self, repo, ref, raw):
        return self.req("PUT", f"/v2/{repo}/manifests/{ref}", raw, {"Content-Type": MT_MANIFEST})


def manifest_json(config, layers):
    m = {"schemaVersion": 2, "mediaType": MT_MANIFEST,
         "config": {"mediaType": MT_CONFIG, "digest": config[0], "size": config[1]},
         "layers": [{"mediaType": MT_LAYER, "digest": d, "size": s} for d, s in layers]}
    return json.dumps(m, separators=(",", ":")).encode()


def sha(raw):
    return "sha256:" + hashlib.sha256(raw).hexdigest()


def small_blob():
    return os.urandom(random.randint(64, 512))


# ---- generate ---------------------------------------------------------------------------------

_client = None
_deadline = None


def _init(base, auth, deadline):
    global _client, _deadline
    _client = Client(base, auth)
    _deadline = deadline


def task_blobs(t):
    repo, n = t
    out = []
    for _ in range(n):
        if _deadline and time.time() > _deadline:
            break
        data = small_blob()
        out.append((_client.push_blob(repo, data), len(data)))
    return repo, out


def task_manifests(t):
    repo, images = t
    out = []
    for tag, config, layers in images:
        raw = manifest_json(config, layers)
        st, body = _client.put_manifest(repo, tag, raw)
        if st != 201:
            raise RuntimeError(f"manifest PUT {repo}:{tag}: HTTP {st} {body[:300]!r}")
        out.append((tag, sha(raw), len(raw)))
    return repo, out


def task_delete(t):
    repo, digests = t
    for d in digests:
        st, body = _client.req("DELETE", f"/v2/{repo}/manifests/{d}")
        if st != 202:
            raise RuntimeError(f"manifest DELETE {repo}@{d}: HTTP {st} {body[:300]!r}")
    return len(digests)


def generate(a):
    """Blobs, then manifests (config + 4 layers, all blobs of their own repository), then deletes.
    Per repository, the first m blobs are configs, the last `unref` share is never referenced, and
    the rest is a pool of layers that manifests share (manifest j uses layers 4j..4j+3, wrapping)."""
    repos = [f"{a['owner']}/r{i:03d}" for i in range(a["repos"])]
    per_repo = [a["blobs"] // len(repos) + (1 if i < a["blobs"] % len(repos) else 0) for i in range(len(repos))]
    tasks = []
    for c in range(0, max(per_repo), CHUNK):
        tasks += [(r, min(CHUNK, n - c)) for r, n in zip(repos, per_repo) if n > c]
    t0 = time.time()
    deadline = t0 + a["blob_seconds"] if a["blob_seconds"] > 0 else None
    st = {"repos": len(repos), "target_blobs": a["blobs"], "target_manifests": a["manifests"]}
    blobs = {r: [] for r in repos}
    with Pool(a["workers"], _init, (a["base"], a["auth"], deadline)) as pool:
        done = 0
        for r, out in pool.imap_unordered(task_blobs, tasks, chunksize=1):
            blobs[r] += out
            done += len(out)
            if done // 5000 != (done - len(out)) // 5000:
                log(f"  {done} blobs, {done / (time.time() - t0):.0f}/s")
        t1 = time.time()
        st["blob_seconds"] = t1 - t0
        nb = sum(len(v) for v in blobs.values())
        log(f"pushed {nb} blobs in {t1 - t0:.1f}s: {nb / (t1 - t0):.0f}/s"
            + ("" if nb == a["blobs"] else f" (time budget of {a['blob_seconds']}s reached; target {a['blobs']})"))
        # Manifests in proportion to the blobs that were pushed (the target ratio, 1 per 5 blobs).
        ratio = a["manifests"] / a["blobs"]
        plan = {}
        for r in repos:
            bl = blobs[r]
            m = int(len(bl) * ratio + 0.5)
            used = len(bl) - int(len(bl) * a["unref"] + 0.5)
            while m and used - m < 4:
                m -= 1
            configs, layers = bl[:m], bl[m:used]
            plan[r] = [(f"t{j:04d}", configs[j], [layers[(j * 4 + k) % len(layers)] for k in range(4)])
                       for j in range(m)]
        t1 = time.time()
        digests = {}
        for r, out in pool.imap_unordered(task_manifests, list(plan.items()), chunksize=1):
            digests[r] = {tag: (d, s) for tag, d, s in out}
        t2 = time.time()
        nm = sum(len(v) for v in digests.values())
        log(f"pushed {nm} manifests in {t2 - t1:.1f}s: {nm / max(t2 - t1, 1e-9):.0f}/s")
        # Two disjoint sets of manifests go (DELETE by digest: the manifest and its tag): set A now,
        # before the first collection; set B later (mode `delete`), before the second one.
        k = round(1 / a["delete"]) if a["delete"] > 0 else 0
        k2 = round(1 / a["delete2"]) if a["delete2"] > 0 else 0
        gone = {r: {j for j in range(len(plan[r])) if k and j % k == k - 1} for r in repos}
        later = {r: {j for j in range(len(plan[r])) if k2 and j % k2 == k2 // 2 and j not in gone[r]} for r in repos}
        dels = [(r, [digests[r][plan[r][j][0]][0] for j in sorted(gone[r])]) for r in repos]
        nd = sum(pool.imap_unordered(task_delete, dels, chunksize=1))
        t3 = time.time()
        log(f"deleted {nd} manifests in {t3 - t2:.1f}s: {nd / max(t3 - t2, 1e-9):.0f}/s")
    # What each collection must reclaim: the blobs no remaining manifest uses any more, and the
    # JSON of the manifests deleted since the previous collection.
    exp = {"a": [0, 0], "b": [0, 0]}  # files, bytes
    exp_blobs = {"a": 0, "b": 0}
    images, orphans, delete2 = [], [], []

    def refs(r, skip):
        keep = set()
        for j, (_, c, ls) in enumerate(plan[r]):
            if j not in skip:
                keep.add(c[0])
                keep.update(x for x, _ in ls)
        return keep

    for r in repos:
        keep_a, keep_b = refs(r, gone[r]), refs(r, gone[r] | later[r])
        for j, (tag, c, ls) in enumerate(plan[r]):
            d, s = digests[r][tag]
            if j in gone[r] or j in later[r]:
                e = exp["a" if j in gone[r] else "b"]
                e[0] += 1
                e[1] += s
                if j in later[r]:
                    delete2.append((r, d))
            else:
                images.append({"repo": r, "tag": tag, "digest": d, "blobs": [c] + ls})
        for d, s in blobs[r]:
            run = "a" if d not in keep_a else "b" if d not in keep_b else None
            if run:
                exp[run][0] += 1
                exp[run][1] += s
                exp_blobs[run] += 1
                orphans.append((r, d))
    st.update(blobs=nb, blob_bytes=sum(s for v in blobs.values() for _, s in v), manifests=nm,
              manifest_bytes=sum(s for v in digests.values() for _, s in v.values()),
              manifest_seconds=t2 - t1, deleted=nd, delete_seconds=t3 - t2, deleted2=len(delete2),
              expect_blobs=exp_blobs["a"], expect_files=exp["a"][0], expect_bytes=exp["a"][1],
              expect2_blobs=exp_blobs["b"], expect2_files=exp["b"][0], expect2_bytes=exp["b"][1])
    json.dump(st, open(a["out"], "w"))
    with open(a["out"] + ".images", "w") as f:  # the images that survive both deletions
        for im in images:
            f.write(json.dumps(im) + "\n")
    with open(a["out"] + ".orphans", "w") as f:  # the blobs both collections together reclaim
        for r, d in orphans:
            f.write(f"{r} {d}\n")
    with open(a["out"] + ".delete2", "w") as f:
        for r, d in delete2:
            f.write(f"{r} {d}\n")
    if a.get("plan"):  # for the distribution reference: every manifest, and whether it is deleted in the end
        with open(a["plan"], "w") as f:
            json.dump({"blobs": blobs, "manifests": {r: [[tag, c, ls, j in gone[r] or j in later[r]]
                                                         for j, (tag, c, ls) in enumerate(plan[r])] for r in repos}}, f)


def delete(a):
    """Deletes the manifests listed in a file ("repository digest" lines) by digest."""
    by_repo = {}
    for line in open(a["file"]):
        if line.strip():
            r, d = line.split()
            by_repo.setdefault(r, []).append(d)
    t0 = time.time()
    with Pool(a["workers"], _init, (a["base"], a["auth"], None)) as pool:
        n = sum(pool.imap_unordered(task_delete, list(by_repo.items()), chunksize=1))
    log(f"deleted {n} manifests in {time.time() - t0:.1f}s")


# ---- push (the pusher that runs during garbage collection) ------------------------------------

def push(a):
    """Threads that push fresh images (config + 4 layers + manifest) until the stop file appears.
    A MANIFEST_BLOB_UNKNOWN (a collection took a link that was older than the grace period) is
    retried the way clients do, by uploading the blobs again. One JSON line per image pushed."""
    stop = a["stop"]
    out = open(a["out"], "a", buffering=1)
    lock = threading.Lock()
    errors = []

    def worker(w):
        c = Client(a["base"], a["auth"])
        n = 0
        while not os.path.exists(stop):
            repo = f"{a['owner']}/r{(w * 37 + n) % a['repos']:03d}"
            tag = f"live-{w}-{n:05d}"
            blobs = [small_blob() for _ in range(5)]
            refs = [(sha(b), len(b)) for b in blobs]
            raw = manifest_json(refs[0], refs[1:])
            t0 = time.time()
            refused = 0
            try:
                while True:
                    for b in blobs:
                        c.push_blob(repo, b)
                    st, body = c.put_manifest(repo, tag, raw)
                    if st == 201:
                        break
                    if st == 400 and b"MANIFEST_BLOB_UNKNOWN" in body and refused < 5:
                        refused += 1
                        continue
                    raise RuntimeError(f"manifest PUT {repo}:{tag}: HTTP {st} {body[:300]!r}")
            except Exception as e:  # noqa: BLE001 - reported, and the pusher goes on
                with lock:
                    errors.append(str(e))
                    out.write(json.dumps({"error": str(e)[:500], "t0": t0, "t1": time.time()}) + "\n")
                n += 1
                time.sleep(0.05)
                continue
            t1 = time.time()
            with lock:
                out.write(json.dumps({"repo": repo, "tag": tag, "digest": sha(raw), "blobs": refs,
                                      "t0": t0, "t1": t1, "refused": refused}) + "\n")
            n += 1

    ts = [threading.Thread(target=worker, args=(w,)) for w in range(a["threads"])]
    for t in ts:
        t.start()
    for t in ts:
        t.join()


# ---- verify -----------------------------------------------------------------------------------

def verify(a):
    """Pulls images (manifest by tag, then every blob) and checks every digest; with `absent`,
    checks that blobs answer 404. Prints "checked failures" and the first failures on stderr."""
    items = [json.loads(l) for l in open(a["images"]) if l.strip() and '"error"' not in l]
    if a.get("sample") and len(items) > a["sample"]:
        items = random.Random(1).sample(items, a["sample"])
    absent = []
    if a.get("absent"):
        absent = [l.split() for l in open(a["absent"]) if l.strip()]
        if a.get("absent_sample") and len(absent) > a["absent_sample"]:
            absent = random.Random(2).sample(absent, a["absent_sample"])
    fails = []
    lock = threading.Lock()
    work = [("image", it) for it in items] + [("absent", x) for x in absent]

    def worker(part):
        c = Client(a["base"], a["auth"])
        for kind, it in part:
            try:
                if kind == "absent":
                    st, _ = c.req("GET", f"/v2/{it[0]}/blobs/{it[1]}")
                    if st != 404:
                        raise RuntimeError(f"{it[0]}@{it[1]}: HTTP {st}, expected 404 after collection")
                    continue
                st, raw = c.req("GET", f"/v2/{it['repo']}/manifests/{it['tag']}", headers={"Accept": MT_MANIFEST})
                if st != 200 or sha(raw) != it["digest"]:
                    raise RuntimeError(f"{it['repo']}:{it['tag']}: manifest HTTP {st}, digest {sha(raw) if st == 200 else '-'}")
                for d, s in it["blobs"]:
                    st, data = c.req("GET", f"/v2/{it['repo']}/blobs/{d}")
                    if st != 200 or len(data) != s or sha(data) != d:
                        raise RuntimeError(f"{it['repo']}@{d}: blob HTTP {st}, {len(data)} bytes")
            except Exception as e:  # noqa: BLE001
                with lock:
                    fails.append(str(e))

    n = a.get("threads", 4)
    ts = [threading.Thread(target=worker, args=(work[i::n],)) for i in range(n)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    for f in fails[:10]:
        log("  FAIL " + f)
    print(len(items), len(absent), len(fails))


# ---- stats ------------------------------------------------------------------------------------

def stats(a):
    """Per time window: images pushed (completed in it), per second, push latency p50/max (ms),
    refusals, errors. Prints one line per window: name count rate p50 max refused errors."""
    recs = [json.loads(l) for l in open(a["file"]) if l.strip()]
    for name, (w0, w1) in a["windows"]:
        ok = [r for r in recs if "error" not in r and w0 <= r["t1"] < w1]
        err = [r for r in recs if "error" in r and w0 <= r["t1"] < w1]
        lat = sorted((r["t1"] - r["t0"]) * 1000 for r in ok)
        p50 = lat[len(lat) // 2] if lat else 0
        mx = lat[-1] if lat else 0
        print(name, len(ok), f"{len(ok) / max(w1 - w0, 1e-9):.1f}", f"{p50:.0f}", f"{mx:.0f}",
              sum(r["refused"] for r in ok), len(err))


# ---- distribution reference -------------------------------------------------------------------

def distribution(a):
    """Writes the same content (same digests, sizes and manifests, deleted manifests as
    distribution leaves them: blob kept, revision link and tag gone) straight into CNCF
    distribution's filesystem layout, for an offline `garbage-collect` reference. Layer and config
    bytes are random bytes of the right size: distribution's collector never reads them."""
    root = os.path.join(a["root"], "docker/registry/v2")
    plan = json.load(open(a["plan"]))

    def write(path, data):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)

    def blob(d, data):
        h = d.split(":")[1]
        write(f"{root}/blobs/sha256/{h[:2]}/{h}/data", data)

    def link(path, d):
        write(path, d.encode())

    for r, bl in plan["blobs"].items():
        rp = f"{root}/repositories/{r}"
        for d, s in bl:
            blob(d, os.urandom(s))
            link(f"{rp}/_layers/sha256/{d.split(':')[1]}/link", d)
        for tag, c, ls, gone in plan["manifests"][r]:
            raw = manifest_json(c, ls)
            d = sha(raw)
            blob(d, raw)
            if not gone:
                h = d.split(":")[1]
                link(f"{rp}/_manifests/revisions/sha256/{h}/link", d)
                link(f"{rp}/_manifests/tags/{tag}/current/link", d)
                link(f"{rp}/_manifests/tags/{tag}/index/sha256/{h}/link", d)


if __name__ == "__main__":
    {"generate": generate, "delete": delete, "push": push, "verify": verify, "stats": stats,
     "distribution": distribution}[sys.argv[1]](json.loads(sys.argv[2]))
PY
gen_run() { # MODE JSON: runs gen.py in its own process group and waits for it
    spawn python3 "$gen" "$@"
    wait "$spawned" || die "gen.py $1 failed"
}

# ---- Slipway -------------------------------------------------------------------------------

# Only the explicit collections below run: no background GC or retention. The grace period goes
# to the server and to the CLI alike.
export SLIPWAY_REGISTRY_GC_INTERVAL=0 SLIPWAY_REGISTRY_RETENTION_INTERVAL=0 SLIPWAY_REGISTRY_GC_GRACE=$GC_GRACE
data=$work/slipway
mkdir -p "$data"
port=$(bench_free_port)
base=http://127.0.0.1:$port
auth=$OWNER:$ADMIN_PASSWORD
# shellcheck disable=SC2086  # JAVA_OPTS is meant to be word-split
spawn env SLIPWAY_ADMIN_PASSWORD=$ADMIN_PASSWORD "$java" $JAVA_OPTS -jar "$jar" server --data "$data" \
    --listen "127.0.0.1:$port" >"$data/log" 2>&1
server=$spawned
for _ in $(seq 1 600); do
    kill -0 "$server" 2>/dev/null || die "slipway exited during startup (see $data/log)"
    curl -s -o /dev/null --max-time 1 "$base/healthz" && break
    sleep 0.1
done
curl -s -o /dev/null --max-time 1 "$base/healthz" || die "slipway did not answer within 60 s"
start_rss_sampler "$server" "$work/server.rss"

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
start_all=$(now)
log "scratch dir $work, load average $load_before"

# ---- 1. content ----------------------------------------------------------------------------

log "generating: $BLOBS blobs and $MANIFESTS manifests in $REPOS repositories through the API ($WORKERS workers, blob budget ${BLOB_SECONDS}s)"
gen_run generate "{\"base\":\"$base\",\"auth\":\"$auth\",\"owner\":\"$OWNER\",\"repos\":$REPOS,\"blobs\":$BLOBS,
    \"manifests\":$MANIFESTS,\"unref\":$UNREFERENCED,\"delete\":$DELETED,\"delete2\":$DELETED2,\"workers\":$WORKERS,
    \"blob_seconds\":$BLOB_SECONDS,\"out\":\"$work/content.json\",\"plan\":\"$work/plan.json\"}"
content=$work/content.json
declare -A C
for k in blobs blob_bytes blob_seconds manifests manifest_bytes manifest_seconds deleted delete_seconds deleted2 \
    expect_blobs expect_files expect_bytes expect2_blobs expect2_files expect2_bytes; do
    C[$k]=$(jget "$content" "$k")
done
store_files=$(find "$data/registry/blobs" -type f | wc -l)
db_mib=$(du -cm "$data"/slipway.db* | tail -n 1 | cut -f1)
# Everything generated must be older than the grace period before a collection may take it.
sleep 2

# ---- 2. collections ------------------------------------------------------------------------

declare -A G  # G[run.field]: secs rss cpu files links blobs bytes
# The CLI, as an operator runs it, timed with /usr/bin/time (wall, max RSS, CPU).
cli_gc() { # RUN [--dry-run]
    local run=$1 line t
    shift
    local jfr=()
    if [ "$PROFILE" = 1 ] && [ "$run" = cli_gc ] && [ -x "$JAVA_HOME/bin/jfr" ]; then
        local events='+jdk.ExecutionSample#enabled=true,+jdk.ExecutionSample#period=20ms'
        events+=',+jdk.NativeMethodSample#enabled=true,+jdk.NativeMethodSample#period=20ms'
        jfr=("-XX:StartFlightRecording:filename=$work/gc.jfr,settings=none,$events" -XX:FlightRecorderOptions:stackdepth=256)
    fi
    # shellcheck disable=SC2086
    /usr/bin/time -o "$work/$run.time" -f '%e %M %U %S' "$java" $JAVA_OPTS "${jfr[@]}" -jar "$jar" registry gc --here "$@" \
        --data "$data" >"$work/$run.out" 2>"$work/$run.err" || { cat "$work/$run.err" >&2; die "registry gc $* failed"; }
    local secs rss user sys files links blobs bytes
    read -r secs rss user sys <"$work/$run.time"
    G[$run.secs]=$secs
    G[$run.rss]=$((rss / 1024))
    G[$run.cpu]=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.1f", u + s }')
    # "Removed 619 files (209.2 KiB), 563 blob links, 563 blob records, 0 abandoned uploads (0 B); 209.2 KiB reclaimed"
    line=$(grep -E '^(Removed|Dry run)' "$work/$run.out") || die "unexpected output of registry gc: $(cat "$work/$run.out")"
    log "  $line"
    read -r files links blobs bytes <<<"$(sed -E \
        's/^.* ([0-9]+) files \([^)]*\), ([0-9]+) blob links, ([0-9]+) blob records, .*; (.*) (reclaimable|reclaimed)$/\1 \2 \3 \4/' <<<"$line")"
    G[$run.files]=$files G[$run.links]=$links G[$run.blobs]=$blobs G[$run.bytes]=$bytes
}
# The same collection inside the server (POST /api/v1/admin/registry/gc), timed around the request.
server_gc() { # RUN [dry_run]
    local run=$1 q='' t0 t1 code files links blobs bytes
    [ "${2:-}" = dry_run ] && q='?dry_run=true'
    t0=$(now)
    code=$(curl -sS -u "$auth" -o "$work/$run.json" -w '%{http_code}' -X POST "$base/api/v1/admin/registry/gc$q")
    t1=$(now)
    [ "$code" = 200 ] || die "POST /api/v1/admin/registry/gc$q: HTTP $code $(head -c 500 "$work/$run.json")"
    G[$run.t0]=$t0 G[$run.t1]=$t1 G[$run.secs]=$(secs "$t0" "$t1")
    sleep 0.2 # one more RSS sample
    G[$run.rss]=$(rss_max_mib "$work/server.rss" "$t0" "$(now)")
    read -r files links blobs bytes <<<"$(python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
def size(b):  # as the CLI prints sizes (Sizes.format)
    units, v, i = ["B", "KiB", "MiB", "GiB", "TiB"], float(b), 0
    while v >= 1024 and i < 4:
        v, i = v / 1024, i + 1
    return f"{b} B" if i == 0 else f"{v:.1f} {units[i]}"
print(r["files"], r["links"], r["blobs"], size(r["bytes"]))' "$work/$run.json")"
    G[$run.files]=$files G[$run.links]=$links G[$run.blobs]=$blobs G[$run.bytes]=$bytes
    log "  $(cat "$work/$run.json")"
}

# The CLI's own cost: a command that opens the same state (JVM start, database, migrations check)
# and does nothing; the faster of two runs.
cli_start='' cli_start_rss=''
for _ in 1 2; do
    # shellcheck disable=SC2086
    /usr/bin/time -o "$work/cli-start.time" -f '%e %M' "$java" $JAVA_OPTS -jar "$jar" registry retention list "$OWNER" \
        --data "$data" >/dev/null 2>"$work/cli-start.err" || die "slipway registry retention list failed: $(cat "$work/cli-start.err")"
    read -r t rss <"$work/cli-start.time"
    cli_start=$(awk -v a="$cli_start" -v b="$t" 'BEGIN { print (a == "" || b + 0 < a + 0) ? b : a }')
    cli_start_rss=$((rss / 1024))
done

log "gc --dry-run (CLI), quiet"
cli_gc cli_dry --dry-run
log "in-server dry run (POST /api/v1/admin/registry/gc?dry_run=true), quiet"
server_gc server_dry dry_run

log "pusher: $PUSHERS threads; ${PUSH_WINDOW_SECONDS}s alone, then gc (CLI) and in-server gc while it pushes, then ${PUSH_WINDOW_SECONDS}s alone"
pushed=$work/pushed.jsonl
push_t0=$(now)
spawn python3 "$gen" push "{\"base\":\"$base\",\"auth\":\"$auth\",\"owner\":\"$OWNER\",\"repos\":$REPOS,\"threads\":$PUSHERS,
    \"stop\":\"$work/stop-pusher\",\"out\":\"$pushed\"}"
pusher=$spawned
sleep "$PUSH_WINDOW_SECONDS"
kill -0 "$pusher" 2>/dev/null || die "the pusher exited early"
log "gc (CLI) while pushing"
cli_t0=$(now)
cli_gc cli_gc
cli_t1=$(now)
G[cli_gc.server_rss]=$(rss_max_mib "$work/server.rss" "$cli_t0" "$cli_t1")
log "deleting ${C[deleted2]} more manifests, pusher still running"
gen_run delete "{\"base\":\"$base\",\"auth\":\"$auth\",\"workers\":$WORKERS,\"file\":\"$content.delete2\"}"
sleep 1
log "in-server gc while pushing"
server_gc server_gc
sleep "$PUSH_WINDOW_SECONDS"
touch "$work/stop-pusher"
wait "$pusher" || die "the pusher failed"
push_t1=$(now)

python3 "$gen" stats "{\"file\":\"$pushed\",\"windows\":[[\"before\",[$push_t0,$cli_t0]],[\"cli_gc\",[$cli_t0,$cli_t1]],
    [\"server_gc\",[${G[server_gc.t0]},${G[server_gc.t1]}]],[\"after\",[${G[server_gc.t1]},$push_t1]]]}" >"$work/push.stats"
declare -A P
while read -r w n rate p50 max refused errors; do
    P[$w]="$n $rate $p50 $max $refused $errors"
done <"$work/push.stats"
# Images whose push overlapped a collection.
during=$(python3 -c '
import json, sys
a, b, c, d = map(float, sys.argv[2:])
n = 0
for l in open(sys.argv[1]):
    r = json.loads(l)
    if "error" not in r and (r["t0"] <= b and r["t1"] >= a or r["t0"] <= d and r["t1"] >= c):
        n += 1
print(n)' "$pushed" "$cli_t0" "$cli_t1" "${G[server_gc.t0]}" "${G[server_gc.t1]}")
push_errors=$(grep -c '"error"' "$pushed" || true)

# ---- 3. verification -----------------------------------------------------------------------

log "verifying: every image the pusher pushed, $VERIFY_SAMPLE surviving generated images, and that reclaimed blobs are gone"
read -r v_pushed _ v_pushed_fail <<<"$(python3 "$gen" verify "{\"base\":\"$base\",\"auth\":\"$auth\",\"images\":\"$pushed\"}")"
sample=$VERIFY_SAMPLE
[ "$sample" = all ] && sample=0
if [ "$VERIFY_SAMPLE" != 0 ]; then
    read -r v_gen v_absent v_gen_fail <<<"$(python3 "$gen" verify "{\"base\":\"$base\",\"auth\":\"$auth\",
        \"images\":\"$content.images\",\"sample\":$sample,\"absent\":\"$content.orphans\",\"absent_sample\":$sample}")"
else
    v_gen=0 v_absent=0 v_gen_fail=0
fi

# ---- 4. CNCF distribution, offline, on the same content ------------------------------------

declare -A D
if [ "$DISTRIBUTION" = 1 ]; then
    log "distribution: writing the same content into its filesystem layout"
    ddir=$work/distribution
    mkdir -p "$ddir/data"
    gen_run distribution "{\"root\":\"$ddir/data\",\"plan\":\"$work/plan.json\"}"
    cat >"$ddir/config.yml" <<YML
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $ddir/data
  delete:
    enabled: true
YML
    sync
    for run in dry gc; do
        args=()
        [ $run = dry ] && args=(--dry-run)
        log "distribution: garbage-collect ${args[*]}"
        /usr/bin/time -o "$ddir/$run.time" -f '%e %M %U %S' docker-registry garbage-collect "${args[@]}" "$ddir/config.yml" \
            >"$ddir/$run.out" 2>&1 || { tail -n 20 "$ddir/$run.out" >&2; die "docker-registry garbage-collect failed"; }
        read -r D[$run.secs] t u s <"$ddir/$run.time"
        D[$run.rss]=$((t / 1024))
        D[$run.cpu]=$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.1f", u + s }')
        # "1141 blobs marked, 619 blobs and 0 manifests eligible for deletion"
        D[$run.summary]=$(grep -E 'blobs marked' "$ddir/$run.out" | tail -n 1)
        log "  ${D[$run.summary]}"
    done
fi

elapsed=$(secs "$start_all" "$(now)")
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- report --------------------------------------------------------------------------------

rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f", (s > 0 ? n / s : 0) }'; }
scaled=''
if [ "${C[blobs]}" != "$BLOBS" ]; then
    scaled=" (target $BLOBS blobs and $MANIFESTS manifests: the ${BLOB_SECONDS}s blob budget ran out; BLOB_SECONDS=0 for the full size)"
fi
cat <<TXT

Registry GC benchmark: ${C[manifests]} manifests and ${C[blobs]} blobs in $REPOS repositories$scaled
slipway:  $("$java" -version 2>&1 | head -n 1), JVM options '$JAVA_OPTS' (server and CLI), SQLite, registry.gc-grace $GC_GRACE
machine:  $(nproc) cores; load average $load_before before, $load_after after; scratch on $(df --output=source "$work" | tail -n 1)

content (pushed through the API, $WORKERS connections)
  blobs              ${C[blobs]} ($(mib "${C[blob_bytes]}") MiB), $(rate "${C[blobs]}" "${C[blob_seconds]}")/s
  manifests          ${C[manifests]} (config + 4 layers each; $(mib "${C[manifest_bytes]}") MiB), $(rate "${C[manifests]}" "${C[manifest_seconds]}")/s
  deleted manifests  ${C[deleted]} before the first collection, $(rate "${C[deleted]}" "${C[delete_seconds]}")/s; ${C[deleted2]} more before the second
  store              $store_files files, database $db_mib MiB (before any collection)
  garbage            first collection: ${C[expect_files]} files ($(size_fmt "${C[expect_bytes]}")): ${C[expect_blobs]} blobs no manifest uses, ${C[deleted]} manifests' JSON
                     second collection: ${C[expect2_files]} files ($(size_fmt "${C[expect2_bytes]}")): ${C[expect2_blobs]} blobs, ${C[deleted2]} manifests' JSON

TXT
printf '%-46s %7s %9s %6s   %s\n' "collection" "time s" "RSS MiB" "CPU s" "files / links / blob records / bytes"
row() { # LABEL RUN RSS-NOTE
    printf '%-46s %7s %9s %6s   %s / %s / %s / %s\n' "$1" "${G[$2.secs]}" "${G[$2.rss]}$3" "${G[$2.cpu]:--}" \
        "${G[$2.files]}" "${G[$2.links]}" "${G[$2.blobs]}" "${G[$2.bytes]}"
}
expected() { # SUFFIX ("" or 2)
    printf '%-46s %7s %9s %6s   %s / %s / %s / %s\n' "  expected" "" "" "" "${C[expect$1_files]}" \
        "${C[expect$1_blobs]}" "${C[expect$1_blobs]}" "$(size_fmt "${C[expect$1_bytes]}")"
}
row "slipway registry gc --dry-run (CLI), quiet" cli_dry ""
row "slipway in-server dry run (API), quiet" server_dry " srv"
expected ""
row "slipway registry gc (CLI), pusher running" cli_gc ""
expected ""
row "slipway in-server gc (API), pusher running" server_gc " srv"
expected 2
if [ "$DISTRIBUTION" = 1 ]; then
    for run in dry gc; do
        label="distribution garbage-collect, offline"
        [ $run = dry ] && label="distribution garbage-collect --dry-run, offline"
        printf '%-46s %7s %9s %6s   %s\n' "$label" "${D[$run.secs]}" "${D[$run.rss]}" "${D[$run.cpu]}" "${D[$run.summary]}"
    done
fi
cat <<TXT

RSS: the CLI's maximum (/usr/bin/time), "srv" = the server's maximum VmRSS during the request (100 ms samples);
the server's maximum during the CLI gc was ${G[cli_gc.server_rss]} MiB, over the whole run $(rss_max_mib "$work/server.rss" 0 9e12) MiB.
The CLI figures include its start (JVM, database open): a command that does nothing takes $cli_start s (best of 2)
and $cli_start_rss MiB.
TXT
printf '\n%-30s %7s %8s %8s %8s %8s %7s\n' "pusher ($PUSHERS threads)" images "img/s" "p50 ms" "max ms" refused errors
for w in before cli_gc server_gc after; do
    read -r n r p m f e <<<"${P[$w]:-0 0 0 0 0 0}"
    case $w in
        before) label="alone, before GC" ;;
        cli_gc) label="during gc (CLI)" ;;
        server_gc) label="during in-server gc" ;;
        after) label="alone, after GC" ;;
    esac
    printf '%-30s %7s %8s %8s %8s %8s %7s\n' "$label" "$n" "$r" "$p" "$m" "$f" "$e"
done
echo "(an image = 5 blob uploads + a manifest PUT; refused = MANIFEST_BLOB_UNKNOWN, retried by uploading again)"
echo
if [ "$v_pushed_fail" = 0 ]; then
    echo "verified $v_pushed images pushed by the pusher ($during of them while GC ran): all pull (manifest and blobs 200, digests match)"
else
    echo "FAILED: $v_pushed_fail of $v_pushed images pushed by the pusher ($during while GC ran) do not pull completely (see the log above)"
fi
[ "$push_errors" = 0 ] || echo "FAILED: $push_errors pushes failed with an error other than MANIFEST_BLOB_UNKNOWN (see $pushed)"
if [ "$VERIFY_SAMPLE" != 0 ]; then
    if [ "$v_gen_fail" = 0 ]; then
        echo "verified $v_gen surviving generated images: all pull; $v_absent reclaimed blobs: all 404"
    else
        echo "FAILED: $v_gen_fail of $v_gen surviving generated images / $v_absent reclaimed blobs checked (see the log above)"
    fi
fi
if [ "${G[cli_gc.files]}" != "${C[expect_files]}" ] || [ "${G[cli_gc.blobs]}" != "${C[expect_blobs]}" ] ||
    [ "${G[server_gc.files]}" != "${C[expect2_files]}" ] || [ "${G[server_gc.blobs]}" != "${C[expect2_blobs]}" ]; then
    echo "note: the collections removed other counts than expected; a few more can be the pusher's (an upload whose"
    echo "manifest was refused, or, with a short grace period, a blob uploaded just before the collection looked)"
fi
if [ "$PROFILE" = 1 ] && [ -s "$work/gc.jfr" ]; then
    echo
    echo "where gc (CLI, pusher running) spends its main thread's time: JFR samples (every 20 ms in Java and in native"
    echo "code), by GarbageCollector method (the innermost on the stack) and what the thread was doing. On a loaded"
    echo "machine the sampler falls behind, so read the shares, not the sampled total against the wall time:"
    "$JAVA_HOME/bin/jfr" print --stack-depth 256 --events jdk.ExecutionSample,jdk.NativeMethodSample "$work/gc.jfr" | awk '
        /^jdk\.(ExecutionSample|NativeMethodSample) \{/ { ev = 1; main = 0; phase = ""; cat = ""; nf = 0; native = ($1 ~ /Native/); next }
        ev && /sampledThread = "main"/ { main = 1; next }
        ev && /^    [A-Za-z_$]/ {
            f = $1; sub(/\(.*/, "", f); nf++
            if (nf == 1) leaf = f
            if (phase == "" && f ~ /\.GarbageCollector\.[A-Za-z]+$/) { phase = f; sub(/.*\./, "", phase) }
            if (cat == "") {
                if (f ~ /SQLiteConnection\.commit$/) cat = "SQLite commit (WAL fsync)"
                else if (f ~ /Files\.deleteIfExists$/) cat = "file unlink"
                else if (f ~ /FileTreeWalker|UnixDirectoryStream|Files\.walk$/) cat = "directory walk"
                else if (f ~ /Files\.size$|UnixFileAttributes\.get$/) cat = "file stat"
            }
            next
        }
        ev && /^}/ {
            ev = 0
            if (!main) next
            if (cat == "") cat = native ? (leaf ~ /^org\.sqlite\./ ? "SQLite statement, native (incl. lock waits)" : "other native") : "Java code"
            if (phase == "") phase = "(JVM start, Slipway init, exit)"
            n[phase "|" cat]++; tot[phase]++; all++
        }
        END {
            for (k in n) { split(k, p, "|"); printf "%d|%d|%s|%s|%d\n", tot[p[1]], n[k], p[1], p[2], all }
        }' | sort -t'|' -k1,1nr -k3,3 -k2,2nr | awk -F'|' '
        NR == 1 { printf "  %-48s %7.1f s\n", "sampled in all", $5 * 0.02 }
        $3 != last { printf "  %-48s %6.0f %%\n", $3, 100 * $1 / $5; last = $3 }
        { printf "      %-44s %6.0f %%\n", $4, 100 * $2 / $5 }'
fi
echo
echo "total run time ${SECONDS}s (${elapsed}s from the server's start to the end of the measurements)"

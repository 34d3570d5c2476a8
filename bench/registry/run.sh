#!/usr/bin/env bash
# Registry benchmark: Slipway's built-in OCI registry against Debian's docker-registry
# (CNCF distribution 2.8), both on 127.0.0.1 with filesystem storage in the same directory.
# See README.md next to this file. It prints figures and ratios and asserts nothing.
#
# Knobs (environment):
#   BLOB_MIB (512)           size of each large blob
#   CHUNK_MIB (32)           PATCH size of the chunked upload
#   DOWNLOADS (5)            timed GETs of the large blob (median reported), after one untimed GET
#   WRK_WARMUP_SECONDS (10)  manifest GET load before the measured run (JIT warm-up)
#   WRK_SECONDS (10)         measured manifest GET load
#   WRK_CONNECTIONS (32), WRK_THREADS (2)
#   ORDER ("distribution slipway")  which registry runs first
#   BENCH_DIR (/tmp)         parent of the scratch directory (keep both registries on one filesystem)
#   KEEP=1                   keep the scratch directory's logs (blobs are always removed)
#   SLIPWAY_JAVA_OPTS        extra JVM options for the Slipway server, as for ./slipway
#   JAVA_HOME                JDK for Slipway (default: temurin-25 if installed, else what ./slipway finds)
#   SLIPWAY_JAR              benchmark this jar instead of building slipway-server/target/slipway.jar
#                            (for A/B runs of a patched build)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)

BLOB_MIB=${BLOB_MIB:-512}
CHUNK_MIB=${CHUNK_MIB:-32}
DOWNLOADS=${DOWNLOADS:-5}
WRK_WARMUP_SECONDS=${WRK_WARMUP_SECONDS:-10}
WRK_SECONDS=${WRK_SECONDS:-10}
WRK_CONNECTIONS=${WRK_CONNECTIONS:-32}
WRK_THREADS=${WRK_THREADS:-2}
ORDER=${ORDER:-distribution slipway}
BENCH_DIR=${BENCH_DIR:-/tmp}
KEEP=${KEEP:-0}
REPO=admin/bench
ADMIN_PASSWORD=bench-admin-password
MANIFEST_TYPE=application/vnd.oci.image.manifest.v1+json

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() {
    log "error: $*"
    exit 1
}

# ---- prerequisites -------------------------------------------------------------------------

need_pkgs=()
command -v docker-registry >/dev/null || need_pkgs+=(docker-registry)
command -v wrk >/dev/null || need_pkgs+=(wrk)
command -v curl >/dev/null || need_pkgs+=(curl)
if [ ${#need_pkgs[@]} -gt 0 ]; then
    log "installing ${need_pkgs[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -qq "${need_pkgs[@]}" >/dev/null 2>&1 ||
        { apt-get update -qq && apt-get install -y -qq "${need_pkgs[@]}" >/dev/null; }
fi
case $WRK_CONNECTIONS$WRK_THREADS$BLOB_MIB$CHUNK_MIB$DOWNLOADS$WRK_SECONDS$WRK_WARMUP_SECONDS in
    *[!0-9]*) die "the numeric knobs must be plain integers" ;;
esac
if [ "$CHUNK_MIB" -le 0 ] || [ "$BLOB_MIB" -lt "$CHUNK_MIB" ]; then
    die "need 0 < CHUNK_MIB <= BLOB_MIB"
fi

mkdir -p "$BENCH_DIR"
if [ -z "${JAVA_HOME:-}" ] && [ -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ]; then
    export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
fi
jar=${SLIPWAY_JAR:-$root/slipway-server/target/slipway.jar}
if [ -n "${SLIPWAY_JAR:-}" ]; then
    if [ -z "${JAVA_HOME:-}" ]; then
        # shellcheck source=../../scripts/lib.sh
        source "$root/scripts/lib.sh"
        find_java
    fi
elif [ -x "$root/slipway" ]; then
    # The launcher rebuilds the jar when a source is newer than it; --version then exits at once.
    if ! SLIPWAY_JAVA_OPTS='' "$root/slipway" --version >"$BENCH_DIR/slipway-bench-build.log" 2>&1; then
        grep -v '^WARNING' "$BENCH_DIR/slipway-bench-build.log" | tail -n 20 >&2
        die "building Slipway failed (log: $BENCH_DIR/slipway-bench-build.log); SLIPWAY_JAR=... runs a given jar"
    fi
    rm -f "$BENCH_DIR/slipway-bench-build.log"
    # shellcheck source=../../scripts/lib.sh
    source "$root/scripts/lib.sh"
    find_java
elif [ ! -f "$jar" ]; then
    (cd "$root" && ./mvnw -q -B -DskipTests package)
fi
[ -f "$jar" ] || die "no $jar"
java=${JAVA_HOME:?}/bin/java

# SHA-256 of stdin as bare hex. openssl uses the CPU's SHA instructions; coreutils may not.
if command -v openssl >/dev/null; then
    sha256_hex() { openssl dgst -sha256 -r | cut -d' ' -f1; }
else
    sha256_hex() { sha256sum | cut -d' ' -f1; }
fi

# ---- scratch dir and cleanup ---------------------------------------------------------------

work=$(mktemp -d "$BENCH_DIR/slipway-bench.XXXXXX")
pids=()
cleanup() {
    local rc=$? p
    for p in "${pids[@]}"; do
        kill "$p" 2>/dev/null || true
    done
    for p in "${pids[@]}"; do
        wait "$p" 2>/dev/null || true
    done
    if [ "$KEEP" = 1 ] || [ $rc -ne 0 ]; then
        # Keep logs for a post-mortem, never gigabytes of blobs.
        rm -rf "$work/files" "$work/slipway.jar" "$work/slipway/blobs" "$work/slipway/registry" \
            "$work/distribution/data" 2>/dev/null || true
        log "logs kept in $work"
    else
        rm -rf "$work"
    fi
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A private copy of the jar: a rebuild of target/ during the run must not change it under us.
cp "$jar" "$work/slipway.jar"
jar=$work/slipway.jar

free_port() {
    local p
    for _ in $(seq 1 100); do
        p=$((20000 + RANDOM % 40000))
        if [ -z "$(ss -Hltn "sport = :$p" 2>/dev/null)" ]; then
            echo "$p"
            return 0
        fi
    done
    die "no free port"
}

# Microseconds since the epoch, without a fork.
now_us() {
    local t=${EPOCHREALTIME/[.,]/}
    echo $((10#$t))
}

# CPU time (user + system) a process has used so far, in clock ticks.
clk_tck=$(getconf CLK_TCK)
cpu_ticks() {
    local -a f
    read -ra f <"/proc/$1/stat" || return 1
    # Fields 14 and 15 (utime, stime); the command name in field 2 has no spaces for java or docker-registry.
    echo $((f[13] + f[14]))
}
ticks_to_s() { awk -v t="$1" -v hz="$clk_tck" 'BEGIN { printf "%.2f", t / hz }'; }

# ---- test data -----------------------------------------------------------------------------
# Four distinct random blobs (monolithic and chunked, one each per registry), so no upload can be
# answered from content a registry already has. The chunked ones are stored already split.

files=$work/files
mkdir -p "$files"
blob_bytes=$((BLOB_MIB * 1024 * 1024))
chunk_bytes=$((CHUNK_MIB * 1024 * 1024))
log "generating 4 x $BLOB_MIB MiB of random data in $work"
for reg in distribution slipway; do
    head -c "$blob_bytes" /dev/urandom >"$files/$reg-mono"
    sha256_hex <"$files/$reg-mono" >"$files/$reg-mono.sha256"
    mkdir -p "$files/$reg-chunks"
    head -c "$blob_bytes" /dev/urandom | split -b "$chunk_bytes" -d -a 4 - "$files/$reg-chunks/part-"
    cat "$files/$reg-chunks"/part-* | sha256_hex >"$files/$reg-chunks.sha256"
    # Small blobs for warm-up uploads: the measured upload should not be a cold JVM's first.
    head -c $((8 * 1024 * 1024)) /dev/urandom >"$files/$reg-warm"
    sha256_hex <"$files/$reg-warm" >"$files/$reg-warm.sha256"
    mkdir -p "$files/$reg-warm-chunks"
    split -b $((1024 * 1024)) -d -a 4 "$files/$reg-warm" "$files/$reg-warm-chunks/part-"
done
# Write the generated files out now, so their writeback does not compete with the timed uploads.
sync

# ---- HTTP helpers --------------------------------------------------------------------------
# They use the registry base URL in $base and the curl auth options in the array $auth.

base=''
auth=()
hdr=$work/headers
body=$work/body

# Sets $location to the (absolute) Location header of the response headers in $hdr.
read_location() {
    local line name value
    location=''
    while IFS= read -r line; do
        line=${line%$'\r'}
        name=${line%%:*}
        if [ "${name,,}" = location ]; then
            value=${line#*:}
            location=${value# }
        fi
    done <"$hdr"
    [ -n "$location" ] || die "no Location header in the response"
    case $location in http://* | https://*) ;; *) location=$base$location ;; esac
}

with_query() { # URL KEY=VALUE
    case $1 in *\?*) echo "$1&$2" ;; *) echo "$1?$2" ;; esac
}

expect_status() { # WANT GOT WHAT
    if [ "$2" != "$1" ]; then
        log "$3: HTTP $2, expected $1"
        if [ -s "$body" ]; then
            head -c 2000 "$body" >&2
            echo >&2
        fi
        exit 1
    fi
}

# POST /v2/<name>/blobs/uploads/; sets $location to the upload URL.
start_upload() {
    local code
    code=$(curl -sS "${auth[@]}" -o "$body" -D "$hdr" -w '%{http_code}' -X POST -H 'Content-Length: 0' \
        "$base/v2/$REPO/blobs/uploads/")
    expect_status 202 "$code" "POST upload"
    read_location
}

# Monolithic: POST, then one PUT with the whole body and ?digest=. curl -T streams the file with
# a Content-Length; "Expect:" turns off curl's 100-continue round trip.
upload_monolithic() { # FILE DIGEST
    local code
    start_upload
    code=$(curl -sS "${auth[@]}" -o "$body" -D "$hdr" -w '%{http_code}' -X PUT \
        -H 'Content-Type: application/octet-stream' -H 'Expect:' -T "$1" "$(with_query "$location" "digest=$2")")
    expect_status 201 "$code" "monolithic PUT"
}

# Chunked: POST, one PATCH per part with Content-Range (following each response's Location, which
# distribution changes every time), then a PUT with ?digest= and no body.
upload_chunked() { # DIR-OF-PARTS DIGEST
    local code part offset=0 size
    start_upload
    for part in "$1"/part-*; do
        size=$(stat -c %s "$part")
        code=$(curl -sS "${auth[@]}" -o "$body" -D "$hdr" -w '%{http_code}' -X PATCH \
            -H 'Content-Type: application/octet-stream' -H 'Expect:' \
            -H "Content-Range: $offset-$((offset + size - 1))" -T "$part" "$location")
        expect_status 202 "$code" "PATCH at offset $offset"
        read_location
        offset=$((offset + size))
    done
    code=$(curl -sS "${auth[@]}" -o "$body" -D "$hdr" -w '%{http_code}' -X PUT -H 'Content-Length: 0' \
        -H 'Content-Type: application/octet-stream' "$(with_query "$location" "digest=$2")")
    expect_status 201 "$code" "chunked PUT"
}

# MB/s (10^6 bytes per second) for BYTES moved in MICROSECONDS.
mbps() { awk -v b="$1" -v us="$2" 'BEGIN { printf "%.1f", b / us }'; }

push_small_blob() { # FILE: uploads it (monolithic); sets $pushed_digest and $pushed_size
    pushed_digest=sha256:$(sha256_hex <"$1")
    pushed_size=$(stat -c %s "$1")
    upload_monolithic "$1" "$pushed_digest"
}

# ---- RSS sampling --------------------------------------------------------------------------
# VmRSS from /proc (what ps -o rss shows), read with builtins so the sampler costs little CPU.

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
sampler_pid=''
start_rss_sampler() { # PID OUTFILE: one sample every 100 ms while the process lives
    (
        while rss_kib "$1" 2>/dev/null; do
            sleep 0.1
        done
    ) >"$2" &
    sampler_pid=$!
    pids+=("$sampler_pid")
}
stop_rss_sampler() {
    kill "$sampler_pid" 2>/dev/null || true
    wait "$sampler_pid" 2>/dev/null || true
}
max_mib() { awk '$1 > m { m = $1 } END { printf "%.0f", m / 1024 }' "$1"; }

# ---- servers -------------------------------------------------------------------------------

server_pid=''

wait_http() { # URL PID NAME: until the server answers (any status), at most 60 s
    for _ in $(seq 1 600); do
        kill -0 "$2" 2>/dev/null || die "$3 exited during startup (see $work)"
        if curl -s -o /dev/null --max-time 1 "$1"; then
            return 0
        fi
        sleep 0.1
    done
    die "$3 did not answer on $1 within 60 s"
}

start_distribution() {
    local port dir=$work/distribution
    port=$(free_port)
    mkdir -p "$dir/data"
    # Debian's packaged configuration (inmemory blob descriptor cache, delete enabled) without
    # auth, listening on loopback only.
    cat >"$dir/config.yml" <<EOF
version: 0.1
log:
  level: info
storage:
  cache:
    blobdescriptor: inmemory
  filesystem:
    rootdirectory: $dir/data
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$port
EOF
    docker-registry serve "$dir/config.yml" >"$dir/log" 2>&1 &
    server_pid=$!
    pids+=("$server_pid")
    base=http://127.0.0.1:$port
    auth=()
    wait_http "$base/v2/" "$server_pid" distribution
}

start_slipway() {
    local dir=$work/slipway port token
    port=$(free_port)
    mkdir -p "$dir"
    # The JVM options ./slipway would use: SLIPWAY_JAVA_OPTS only.
    # shellcheck disable=SC2086  # SLIPWAY_JAVA_OPTS is meant to be word-split
    SLIPWAY_ADMIN_PASSWORD=$ADMIN_PASSWORD "$java" ${SLIPWAY_JAVA_OPTS:-} -jar "$jar" server --data "$dir" \
        --listen "127.0.0.1:$port" >"$dir/log" 2>&1 &
    server_pid=$!
    pids+=("$server_pid")
    base=http://127.0.0.1:$port
    wait_http "$base/healthz" "$server_pid" slipway
    token=$("$java" -jar "$jar" token create --data "$dir" --user admin --name bench --scopes write:package \
        2>>"$dir/cli.log" | tail -n 1)
    [ -n "$token" ] || die "slipway token create printed nothing (see $dir/cli.log)"
    auth=(-u "admin:$token")
}

make_public() { # REGISTRY: distribution has no auth at all; Slipway's repository is made public
    if [ "$1" = slipway ]; then
        "$java" -jar "$jar" registry visibility "$REPO" public --data "$work/slipway" >>"$work/slipway/cli.log" 2>&1
    fi
}

stop_server() {
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
}

# ---- one registry --------------------------------------------------------------------------

declare -A R # R[registry.metric] = value

wrk_parse() { # WRK-OUTPUT-FILE PREFIX: sets R[PREFIX.rps], .p99 (ms), .requests, .non2xx
    local rps p99 non requests
    rps=$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$1")
    # "     99%    3.21ms" in the --latency distribution, normalised to milliseconds.
    p99=$(awk '$1 == "99%" {
            v = $2; u = v; sub(/^[0-9.]+/, "", u); sub(/[a-z]+$/, "", v)
            f = (u == "us") ? 0.001 : (u == "ms") ? 1 : (u == "s") ? 1000 : (u == "m") ? 60000 : 1
            printf "%.2f", v * f }' "$1")
    requests=$(awk '/requests in/ { print $1 }' "$1")
    non=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' "$1")
    R[$2.rps]=${rps:-0}
    R[$2.p99]=${p99:-n/a}
    R[$2.requests]=${requests:-0}
    R[$2.non2xx]=${non:-0}
}

bench_one() { # REGISTRY
    local reg=$1 t0 t1 c0 c1 d url code wrklua out size speed layer_digest layer_size config_digest config_size
    local -a speeds=()
    log "== $reg: starting"
    "start_$reg"
    R[$reg.rss_idle]=$(($(rss_kib "$server_pid") / 1024))
    start_rss_sampler "$server_pid" "$work/$reg.rss"

    # Warm-up, not timed: one small monolithic and one small chunked upload.
    upload_monolithic "$files/$reg-warm" "sha256:$(cat "$files/$reg-warm.sha256")"
    upload_chunked "$files/$reg-warm-chunks" "sha256:$(cat "$files/$reg-warm.sha256")"
    sync

    # Reference for the upload figures: what the disk does right now for a plain write + fdatasync
    # of the same size (the disk is a shared virtual one and varies from minute to minute).
    t0=$(now_us)
    dd if="$files/$reg-mono" of="$work/dd-test" bs=1M conv=fdatasync status=none
    t1=$(now_us)
    rm -f "$work/dd-test"
    R[$reg.disk]=$(mbps "$blob_bytes" $((t1 - t0)))
    sync

    log "$reg: monolithic upload of $BLOB_MIB MiB"
    d=sha256:$(cat "$files/$reg-mono.sha256")
    c0=$(cpu_ticks "$server_pid") t0=$(now_us)
    upload_monolithic "$files/$reg-mono" "$d"
    t1=$(now_us) c1=$(cpu_ticks "$server_pid")
    R[$reg.mono]=$(mbps "$blob_bytes" $((t1 - t0)))
    R[$reg.mono_cpu]=$(ticks_to_s $((c1 - c0)))
    sync

    log "$reg: chunked upload of $BLOB_MIB MiB in $CHUNK_MIB MiB chunks"
    c0=$(cpu_ticks "$server_pid") t0=$(now_us)
    upload_chunked "$files/$reg-chunks" "sha256:$(cat "$files/$reg-chunks.sha256")"
    t1=$(now_us) c1=$(cpu_ticks "$server_pid")
    R[$reg.chunked]=$(mbps "$blob_bytes" $((t1 - t0)))
    R[$reg.chunked_cpu]=$(ticks_to_s $((c1 - c0)))
    sync

    log "$reg: download, 1 untimed + $DOWNLOADS timed"
    url=$base/v2/$REPO/blobs/$d
    curl -sS "${auth[@]}" -o /dev/null "$url"
    c0=$(cpu_ticks "$server_pid")
    for _ in $(seq 1 "$DOWNLOADS"); do
        out=$(curl -sS "${auth[@]}" -o /dev/null -w '%{http_code} %{size_download} %{speed_download}' "$url")
        read -r code size speed <<<"$out"
        expect_status 200 "$code" "blob GET"
        [ "$size" = "$blob_bytes" ] || die "$reg: blob GET returned $size bytes, expected $blob_bytes"
        speeds+=("$speed")
    done
    c1=$(cpu_ticks "$server_pid")
    # Median, bytes/s -> MB/s.
    R[$reg.download]=$(printf '%s\n' "${speeds[@]}" | sort -g |
        awk '{ a[NR] = $1 } END { printf "%.1f", (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2) / 1e6 }')
    R[$reg.download_cpu]=$(awk -v t=$((c1 - c0)) -v n="$DOWNLOADS" -v hz="$clk_tck" 'BEGIN { printf "%.2f", t / hz / n }')

    log "$reg: pushing a small image, then manifest GETs (${WRK_WARMUP_SECONDS}s warm-up, ${WRK_SECONDS}s measured)"
    head -c 2048 /dev/urandom >"$work/layer-$reg"
    push_small_blob "$work/layer-$reg"
    layer_digest=$pushed_digest layer_size=$pushed_size
    printf '{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":["%s"]},"config":{"Cmd":["sh"]}}' \
        "$layer_digest" >"$work/config-$reg"
    push_small_blob "$work/config-$reg"
    config_digest=$pushed_digest config_size=$pushed_size
    printf '{"schemaVersion":2,"mediaType":"%s","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"%s","size":%s}]}' \
        "$MANIFEST_TYPE" "$config_digest" "$config_size" "$layer_digest" "$layer_size" >"$work/manifest-$reg"
    code=$(curl -sS "${auth[@]}" -o "$body" -w '%{http_code}' -X PUT -H "Content-Type: $MANIFEST_TYPE" \
        --data-binary "@$work/manifest-$reg" "$base/v2/$REPO/manifests/latest")
    expect_status 201 "$code" "manifest PUT"
    make_public "$reg"
    url=$base/v2/$REPO/manifests/latest
    # Anonymous, as wrk will ask: check the answer once.
    code=$(curl -sS -o "$body" -w '%{http_code}' -H "Accept: $MANIFEST_TYPE" "$url")
    expect_status 200 "$code" "anonymous manifest GET"
    cmp -s "$body" "$work/manifest-$reg" || die "$reg: manifest GET returned other bytes than were pushed"

    wrklua=$work/accept.lua
    printf 'wrk.method = "GET"\nwrk.headers["Accept"] = "%s"\n' "$MANIFEST_TYPE" >"$wrklua"
    wrk -t"$WRK_THREADS" -c"$WRK_CONNECTIONS" -d"${WRK_WARMUP_SECONDS}s" --latency -s "$wrklua" "$url" \
        >"$work/$reg.wrk-warmup" 2>&1
    wrk_parse "$work/$reg.wrk-warmup" "$reg.cold"
    R[$reg.cold_rps]=${R[$reg.cold.rps]}
    c0=$(cpu_ticks "$server_pid")
    wrk -t"$WRK_THREADS" -c"$WRK_CONNECTIONS" -d"${WRK_SECONDS}s" --latency -s "$wrklua" "$url" >"$work/$reg.wrk" 2>&1
    c1=$(cpu_ticks "$server_pid")
    wrk_parse "$work/$reg.wrk" "$reg"
    R[$reg.get_cpu]=$(awk -v t=$((c1 - c0)) -v n="${R[$reg.requests]}" -v hz="$clk_tck" \
        'BEGIN { if (n > 0) printf "%.0f", t / hz / n * 1e6; else print "n/a" }')

    stop_rss_sampler
    R[$reg.rss_max]=$(max_mib "$work/$reg.rss")
    stop_server
    log "== $reg: done"
}

# ---- run -----------------------------------------------------------------------------------

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
log "scratch dir $work ($(df --output=source,fstype "$work" | tail -n 1 | tr -s ' ')), load average $load_before"
start_all=$(now_us)
for reg in $ORDER; do
    bench_one "$reg"
done
elapsed=$((($(now_us) - start_all) / 1000000))
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- report --------------------------------------------------------------------------------

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "n/a" || b == "n/a" || b + 0 == 0) print "n/a"; else printf "%.2fx", a / b }'; }
row() { # LABEL KEY NOTE
    local s=${R[slipway.$2]:-n/a} d=${R[distribution.$2]:-n/a}
    printf '%-36s %10s %13s %8s   %s\n' "$1" "$s" "$d" "$(ratio "$s" "$d")" "$3"
}

cat <<EOF

Registry benchmark: $BLOB_MIB MiB blobs, $CHUNK_MIB MiB chunks, $DOWNLOADS downloads, wrk -t$WRK_THREADS -c$WRK_CONNECTIONS -d${WRK_SECONDS}s after ${WRK_WARMUP_SECONDS}s warm-up
storage:      filesystem in $work on $(df --output=source "$work" | tail -n 1), same for both
slipway:      $("$java" -version 2>&1 | head -n 1), JVM options '${SLIPWAY_JAVA_OPTS:-}', SQLite metadata
distribution: $(docker-registry --version 2>/dev/null), Debian config (inmemory descriptor cache)
manifest GET: anonymous on both (Slipway repository made public), by tag, Accept: OCI manifest
machine:      $(nproc) cores shared by server, curl and wrk; load average $load_before before, $load_after after

EOF
printf '%-36s %10s %13s %8s   %s\n' metric slipway distribution ratio "target / note"
row "monolithic upload MB/s" mono "target >= 2x"
row "chunked upload MB/s" chunked "target >= 2x"
row "blob download MB/s" download "target >= 1x"
row "manifest GET req/s" rps "target >= 2x"
row "manifest GET p99 ms" p99 "lower is better"
row "RSS max under load MiB" rss_max "target: slipway <= 300"
row "RSS idle after start MiB" rss_idle ""
row "manifest GET req/s, warm-up run" cold_rps "cold JVM (informational)"
row "disk write+fdatasync MB/s (dd)" disk "reference, measured before each upload"
row "server CPU s, monolithic upload" mono_cpu "lower is better"
row "server CPU s, chunked upload" chunked_cpu "lower is better"
row "server CPU s per download" download_cpu "lower is better"
row "server CPU us per manifest GET" get_cpu "lower is better"
echo
echo "ratio = slipway / distribution. MB/s = 10^6 bytes/s. Upload times run from the POST to the final"
echo "PUT's 201 (both registries fsync the blob before answering). Download = median of $DOWNLOADS GETs."
for reg in slipway distribution; do
    if [ "${R[$reg.non2xx]:-0}" != 0 ]; then
        echo "warning: $reg answered ${R[$reg.non2xx]} manifest GETs with a non-2xx/3xx status"
    fi
done
echo "total run time ${elapsed}s"

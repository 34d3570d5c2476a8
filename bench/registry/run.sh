#!/usr/bin/env bash
# Registry benchmark: Slipway's built-in OCI registry against Debian's docker-registry
# (CNCF distribution 2.8), both on 127.0.0.1 with filesystem storage in the same directory.
# See README.md next to this file. It prints figures and ratios and asserts nothing.
#
# Both servers run side by side and the measurements alternate between them (uploads and
# downloads in rounds, the first registry changing every round), so that the load other work
# puts on the machine falls on both alike. Figures are medians over the rounds.
#
# Knobs (environment):
#   BLOB_MIB (512)           size of each large blob
#   CHUNK_MIB (32)           PATCH size of the chunked upload
#   ROUNDS (3)               upload rounds; each uploads fresh random blobs (monolithic and chunked) to both
#   DOWNLOADS (5)            timed GETs of a large blob per registry, after two untimed GETs
#   WRK_WARMUP_SECONDS (10)  manifest GET load before the measured run (JIT warm-up)
#   WRK_SECONDS (10)         measured manifest GET load
#   WRK_CONNECTIONS (32), WRK_THREADS (2)
#   BENCH_DIR (/tmp)         parent of the scratch directory (both registries store there)
#   KEEP=1                   keep the scratch directory's logs (blobs are always removed)
#   SLIPWAY_JAVA_OPTS        extra JVM options for the Slipway server, as for ./slipway
#   SLIPWAY_JAR              benchmark this jar instead of building slipway-server/target/slipway.jar
#                            (e.g. for A/B runs of a patched build)
#   JAVA_HOME                JDK for Slipway (default: temurin-25 if installed, else what ./slipway finds)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)

BLOB_MIB=${BLOB_MIB:-512}
CHUNK_MIB=${CHUNK_MIB:-32}
ROUNDS=${ROUNDS:-3}
DOWNLOADS=${DOWNLOADS:-5}
WRK_WARMUP_SECONDS=${WRK_WARMUP_SECONDS:-10}
WRK_SECONDS=${WRK_SECONDS:-10}
WRK_CONNECTIONS=${WRK_CONNECTIONS:-32}
WRK_THREADS=${WRK_THREADS:-2}
BENCH_DIR=${BENCH_DIR:-/tmp}
KEEP=${KEEP:-0}
REPO=admin/bench
ADMIN_PASSWORD=bench-admin-password
MANIFEST_TYPE=application/vnd.oci.image.manifest.v1+json
REGISTRIES=(slipway distribution)

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() {
    log "error: $*"
    exit 1
}

# ---- prerequisites -------------------------------------------------------------------------

case $BLOB_MIB.$CHUNK_MIB.$ROUNDS.$DOWNLOADS.$WRK_WARMUP_SECONDS.$WRK_SECONDS.$WRK_CONNECTIONS.$WRK_THREADS in
    *[!0-9.]* | *..* | .* | *.) die "the numeric knobs must be plain integers" ;;
esac
if [ "$CHUNK_MIB" -le 0 ] || [ "$BLOB_MIB" -lt "$CHUNK_MIB" ] || [ "$ROUNDS" -lt 1 ] || [ "$DOWNLOADS" -lt 1 ] ||
    [ "$WRK_SECONDS" -lt 1 ]; then
    die "need 0 < CHUNK_MIB <= BLOB_MIB, ROUNDS >= 1, DOWNLOADS >= 1, WRK_SECONDS >= 1"
fi

need_pkgs=()
command -v docker-registry >/dev/null || need_pkgs+=(docker-registry)
command -v wrk >/dev/null || need_pkgs+=(wrk)
command -v curl >/dev/null || need_pkgs+=(curl)

mkdir -p "$BENCH_DIR"
# shellcheck source=../lib.sh
source "$root/bench/lib.sh"
bench_install "${need_pkgs[@]}"
bench_jar slipway-bench

# SHA-256 of stdin as bare hex. openssl uses the CPU's SHA instructions; coreutils may not.
if command -v openssl >/dev/null; then
    sha256_hex() { openssl dgst -sha256 -r | cut -d' ' -f1; }
else
    sha256_hex() { sha256sum | cut -d' ' -f1; }
fi

# BYTES of incompressible data on stdout, different on every call: AES-CTR under a random key
# (several times faster than /dev/urandom here), or /dev/urandom without openssl.
random_bytes() {
    if command -v openssl >/dev/null; then
        local key
        key=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
        openssl enc -aes-128-ctr -K "$key" -iv 0 -nosalt -in /dev/zero 2>/dev/null | head -c "$1" || true
    else
        head -c "$1" /dev/urandom
    fi
}

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
        rm -rf "$work/files" "$work/slipway.jar" "$work/slipway/registry" "$work/distribution/data" 2>/dev/null || true
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
    # utime and stime are fields 14 and 15; field 2 (java, docker-registry) has no spaces.
    echo $((f[13] + f[14]))
}

# ---- results -------------------------------------------------------------------------------
# S[registry.metric] holds the samples of a metric, space-separated; the report shows medians.

declare -A S
sample() { S[$1.$2]="${S[$1.$2]:-}${S[$1.$2]:+ }$3"; }
median() {
    # shellcheck disable=SC2086  # word splitting of the sample list is intended
    printf '%s\n' $1 | sort -g | awk '{ a[NR] = $1 } END {
        if (NR == 0) { print "n/a"; exit }
        m = NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2
        printf (m == int(m) || m >= 100 ? "%.0f" : "%.2f"), m }'
}
mbps() { awk -v b="$1" -v us="$2" 'BEGIN { printf "%.1f", b / us }'; } # bytes, microseconds -> 10^6 bytes/s
ticks_s() { awk -v t="$1" -v hz="$clk_tck" 'BEGIN { printf "%.2f", t / hz }'; }

# ---- HTTP helpers --------------------------------------------------------------------------
# They act on the registry chosen by use_registry: base URL in $base, curl auth options in $auth.

declare -A BASE CRED PID
base=''
auth=()
hdr=$work/headers
body=$work/body

use_registry() {
    base=${BASE[$1]}
    if [ -n "${CRED[$1]}" ]; then
        auth=(-u "${CRED[$1]}")
    else
        auth=()
    fi
}

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
start_rss_sampler() { # PID OUTFILE: one sample every 100 ms while the process lives
    (
        while rss_kib "$1" 2>/dev/null; do
            sleep 0.1
        done
    ) >"$2" &
    pids+=($!)
}
max_mib() { awk '$1 > m { m = $1 } END { printf "%.0f", m / 1024 }' "$1"; }

# ---- servers -------------------------------------------------------------------------------

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
    port=$(bench_free_port)
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
    PID[distribution]=$!
    pids+=($!)
    BASE[distribution]=http://127.0.0.1:$port
    CRED[distribution]=''
    wait_http "${BASE[distribution]}/v2/" "${PID[distribution]}" distribution
}

start_slipway() {
    local dir=$work/slipway port token
    port=$(bench_free_port)
    mkdir -p "$dir"
    # The JVM options ./slipway would use: SLIPWAY_JAVA_OPTS, else its defaults.
    # shellcheck disable=SC2086  # SLIPWAY_JAVA_OPTS is meant to be word-split
    SLIPWAY_ADMIN_PASSWORD=$ADMIN_PASSWORD "$java" ${SLIPWAY_JAVA_OPTS:--XX:+UseSerialGC -Xmx256m} -jar "$jar" server --data "$dir" \
        --listen "127.0.0.1:$port" >"$dir/log" 2>&1 &
    PID[slipway]=$!
    pids+=($!)
    BASE[slipway]=http://127.0.0.1:$port
    wait_http "${BASE[slipway]}/healthz" "${PID[slipway]}" slipway
    token=$("$java" -jar "$jar" token create --data "$dir" --user admin --name bench --scopes write:package \
        2>>"$dir/cli.log" | tail -n 1)
    [ -n "$token" ] || die "slipway token create printed nothing (see $dir/cli.log)"
    CRED[slipway]=admin:$token
}

make_public() { # REGISTRY: distribution has no auth at all; Slipway's repository is made public
    if [ "$1" = slipway ]; then
        "$java" -jar "$jar" registry visibility "$REPO" public --data "$work/slipway" >>"$work/slipway/cli.log" 2>&1
    fi
}

# Registries in the order of round N: alternate which one goes first.
order() { if [ $(($1 % 2)) = 1 ]; then echo "${REGISTRIES[*]}"; else echo "${REGISTRIES[1]} ${REGISTRIES[0]}"; fi; }

# ---- phases --------------------------------------------------------------------------------

files=$work/files
mkdir -p "$files"
blob_bytes=$((BLOB_MIB * 1024 * 1024))
chunk_bytes=$((CHUNK_MIB * 1024 * 1024))

# Fresh random files for one round: a monolithic blob and a pre-split chunked blob per registry,
# so no upload can be answered from content a registry already has.
generate_round_files() {
    local reg
    rm -rf "${files:?}"/*
    for reg in "${REGISTRIES[@]}"; do
        random_bytes "$blob_bytes" >"$files/$reg-mono"
        sha256_hex <"$files/$reg-mono" >"$files/$reg-mono.sha256"
        mkdir -p "$files/$reg-chunked"
        random_bytes "$blob_bytes" | split -b "$chunk_bytes" -d -a 4 - "$files/$reg-chunked/part-"
        cat "$files/$reg-chunked"/part-* | sha256_hex >"$files/$reg-chunked.sha256"
    done
    # Write them out now, so their writeback does not compete with the timed uploads.
    sync
}

timed_upload() { # REGISTRY KIND(mono|chunked)
    local reg=$1 kind=$2 t0 t1 c0 c1 d
    use_registry "$reg"
    d=sha256:$(cat "$files/$reg-$kind.sha256")
    c0=$(cpu_ticks "${PID[$reg]}")
    t0=$(now_us)
    if [ "$kind" = mono ]; then
        upload_monolithic "$files/$reg-mono" "$d"
    else
        upload_chunked "$files/$reg-chunked" "$d"
    fi
    t1=$(now_us)
    c1=$(cpu_ticks "${PID[$reg]}")
    sample "$reg" "$kind" "$(mbps "$blob_bytes" $((t1 - t0)))"
    sample "$reg" "${kind}_cpu" "$(ticks_s $((c1 - c0)))"
    LAST_BLOB[$reg]=$d
    sync
}

# A plain write + fdatasync of the same size: what the (shared, virtual) disk does right now.
disk_reference() {
    local t0 t1
    t0=$(now_us)
    dd if="$files/${REGISTRIES[0]}-mono" of="$work/dd-test" bs=1M conv=fdatasync status=none
    t1=$(now_us)
    rm -f "$work/dd-test"
    sync
    sample disk mbps "$(mbps "$blob_bytes" $((t1 - t0)))"
}

wrk_parse() { # WRK-OUTPUT-FILE: prints "req/s p99-ms requests non2xx"
    awk '
        /^Requests\/sec:/ { rps = $2 }
        /requests in/ { n = $1 }
        /Non-2xx or 3xx responses:/ { bad = $NF }
        $1 == "99%" {   # "     99%    3.21ms" in the --latency distribution, normalised to ms
            v = $2; u = v; sub(/^[0-9.]+/, "", u); sub(/[a-z]+$/, "", v)
            p99 = v * ((u == "us") ? 0.001 : (u == "ms") ? 1 : (u == "s") ? 1000 : (u == "m") ? 60000 : 1) }
        END { printf "%.0f %.2f %d %d\n", rps, p99, n, bad }' "$1"
}

# ---- run -----------------------------------------------------------------------------------

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
log "scratch dir $work ($(df --output=source,fstype "$work" | tail -n 1 | tr -s ' ')), load average $load_before"
start_all=$(now_us)
declare -A LAST_BLOB RSS_IDLE

start_distribution
start_slipway
for reg in "${REGISTRIES[@]}"; do
    RSS_IDLE[$reg]=$(($(rss_kib "${PID[$reg]}") / 1024))
    start_rss_sampler "${PID[$reg]}" "$work/$reg.rss"
done

# Warm-up, not timed: a small monolithic and a small chunked upload on each (a cold JVM's first
# upload is not what a long-running server does).
random_bytes $((8 * 1024 * 1024)) >"$work/warm"
mkdir -p "$work/warm-chunks"
split -b $((1024 * 1024)) -d -a 4 "$work/warm" "$work/warm-chunks/part-"
warm_digest=sha256:$(sha256_hex <"$work/warm")
for reg in "${REGISTRIES[@]}"; do
    use_registry "$reg"
    upload_monolithic "$work/warm" "$warm_digest"
    upload_chunked "$work/warm-chunks" "$warm_digest"
done

for round in $(seq 1 "$ROUNDS"); do
    log "round $round/$ROUNDS: generating $((4 * BLOB_MIB)) MiB of random data"
    generate_round_files
    disk_reference
    for reg in $(order "$round"); do
        log "round $round/$ROUNDS: $reg monolithic upload of $BLOB_MIB MiB"
        timed_upload "$reg" mono
    done
    for reg in $(order "$round"); do
        log "round $round/$ROUNDS: $reg chunked upload of $BLOB_MIB MiB in $CHUNK_MIB MiB PATCHes"
        timed_upload "$reg" chunked
    done
done
rm -rf "${files:?}"/*

log "downloads: 2 untimed + $DOWNLOADS timed per registry, alternating"
for reg in "${REGISTRIES[@]}"; do
    use_registry "$reg"
    # Two untimed GETs: after one, Slipway's send path is often not compiled yet.
    for _ in 1 2; do
        curl -sS "${auth[@]}" -o /dev/null "$base/v2/$REPO/blobs/${LAST_BLOB[$reg]}"
    done
done
for i in $(seq 1 "$DOWNLOADS"); do
    for reg in $(order "$i"); do
        use_registry "$reg"
        c0=$(cpu_ticks "${PID[$reg]}")
        out=$(curl -sS "${auth[@]}" -o /dev/null -w '%{http_code} %{size_download} %{speed_download}' \
            "$base/v2/$REPO/blobs/${LAST_BLOB[$reg]}")
        c1=$(cpu_ticks "${PID[$reg]}")
        read -r code size speed <<<"$out"
        expect_status 200 "$code" "$reg blob GET"
        [ "$size" = "$blob_bytes" ] || die "$reg: blob GET returned $size bytes, expected $blob_bytes"
        sample "$reg" download "$(awk -v s="$speed" 'BEGIN { printf "%.1f", s / 1e6 }')"
        sample "$reg" download_cpu "$(ticks_s $((c1 - c0)))"
    done
done

log "manifests: pushing a small image to each"
for reg in "${REGISTRIES[@]}"; do
    use_registry "$reg"
    random_bytes 2048 >"$work/layer-$reg"
    push_small_blob "$work/layer-$reg"
    layer_digest=$pushed_digest layer_size=$pushed_size
    printf '{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":["%s"]},"config":{"Cmd":["sh"]}}' \
        "$layer_digest" >"$work/config-$reg"
    push_small_blob "$work/config-$reg"
    printf '{"schemaVersion":2,"mediaType":"%s","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"%s","size":%s}]}' \
        "$MANIFEST_TYPE" "$pushed_digest" "$pushed_size" "$layer_digest" "$layer_size" >"$work/manifest-$reg"
    code=$(curl -sS "${auth[@]}" -o "$body" -w '%{http_code}' -X PUT -H "Content-Type: $MANIFEST_TYPE" \
        --data-binary "@$work/manifest-$reg" "$base/v2/$REPO/manifests/latest")
    expect_status 201 "$code" "$reg manifest PUT"
    make_public "$reg"
    # Anonymous, as wrk will ask: check the answer once.
    code=$(curl -sS -o "$body" -w '%{http_code}' -H "Accept: $MANIFEST_TYPE" "$base/v2/$REPO/manifests/latest")
    expect_status 200 "$code" "$reg anonymous manifest GET"
    cmp -s "$body" "$work/manifest-$reg" || die "$reg: manifest GET returned other bytes than were pushed"
done

wrklua=$work/accept.lua
printf 'wrk.method = "GET"\nwrk.headers["Accept"] = "%s"\n' "$MANIFEST_TYPE" >"$wrklua"
declare -A WRK
for reg in $(order 1); do
    url=${BASE[$reg]}/v2/$REPO/manifests/latest
    log "manifests: $reg, ${WRK_WARMUP_SECONDS}s warm-up then ${WRK_SECONDS}s measured, wrk -t$WRK_THREADS -c$WRK_CONNECTIONS"
    if [ "$WRK_WARMUP_SECONDS" -gt 0 ]; then
        wrk -t"$WRK_THREADS" -c"$WRK_CONNECTIONS" -d"${WRK_WARMUP_SECONDS}s" --latency -s "$wrklua" "$url" \
            >"$work/$reg.wrk-warmup" 2>&1
        read -r rps _ <<<"$(wrk_parse "$work/$reg.wrk-warmup")"
        sample "$reg" cold_rps "$rps"
    fi
    c0=$(cpu_ticks "${PID[$reg]}")
    wrk -t"$WRK_THREADS" -c"$WRK_CONNECTIONS" -d"${WRK_SECONDS}s" --latency -s "$wrklua" "$url" >"$work/$reg.wrk" 2>&1
    c1=$(cpu_ticks "${PID[$reg]}")
    read -r rps p99 requests non2xx <<<"$(wrk_parse "$work/$reg.wrk")"
    sample "$reg" rps "$rps"
    sample "$reg" p99 "$p99"
    WRK[$reg.non2xx]=$non2xx
    if [ "$requests" -gt 0 ]; then
        sample "$reg" get_cpu "$(awk -v t=$((c1 - c0)) -v n="$requests" -v hz="$clk_tck" 'BEGIN { printf "%.0f", t / hz / n * 1e6 }')"
    fi
done

for reg in "${REGISTRIES[@]}"; do
    sample "$reg" rss_max "$(max_mib "$work/$reg.rss")"
    sample "$reg" rss_idle "${RSS_IDLE[$reg]}"
done
elapsed=$((($(now_us) - start_all) / 1000000))
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- report --------------------------------------------------------------------------------

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "n/a" || b == "n/a" || b + 0 == 0) print "n/a"; else printf "%.2fx", a / b }'; }
row() { # LABEL METRIC NOTE
    local s d
    s=$(median "${S[slipway.$2]:-}")
    d=$(median "${S[distribution.$2]:-}")
    printf '%-34s %9s %13s %8s   %s\n' "$1" "$s" "$d" "$(ratio "$s" "$d")" "$3"
}

cat <<EOF

Registry benchmark: $BLOB_MIB MiB blobs, $CHUNK_MIB MiB chunks, $ROUNDS upload rounds, $DOWNLOADS downloads, wrk -t$WRK_THREADS -c$WRK_CONNECTIONS -d${WRK_SECONDS}s after ${WRK_WARMUP_SECONDS}s warm-up
storage:      filesystem in $work on $(df --output=source "$work" | tail -n 1), same for both
slipway:      $("$java" -version 2>&1 | head -n 1), JVM options '${SLIPWAY_JAVA_OPTS:--XX:+UseSerialGC -Xmx256m}', SQLite metadata
distribution: $(docker-registry --version 2>/dev/null), Debian config (inmemory descriptor cache)
manifest GET: anonymous on both (Slipway repository made public), by tag, Accept: OCI manifest
machine:      $(nproc) cores shared by both servers, curl and wrk; load average $load_before before, $load_after after

EOF
printf '%-34s %9s %13s %8s   %s\n' metric slipway distribution ratio "target / note"
row "monolithic upload MB/s" mono "target >= 2x"
row "chunked upload MB/s" chunked "target >= 2x"
row "blob download MB/s" download "target >= 1x"
row "manifest GET req/s" rps "target >= 2x"
row "manifest GET p99 ms" p99 "lower is better"
row "RSS max under load MiB" rss_max "target: slipway <= 300"
row "RSS idle after start MiB" rss_idle ""
row "server CPU s, monolithic upload" mono_cpu "lower is better"
row "server CPU s, chunked upload" chunked_cpu "lower is better"
row "server CPU s per download" download_cpu "lower is better"
row "server CPU us per manifest GET" get_cpu "lower is better"
row "manifest GET req/s, warm-up run" cold_rps "cold JVM, for information"
printf '%-34s %9s\n' "disk write+fdatasync MB/s (dd)" "$(median "${S[disk.mbps]}")"
cat <<EOF

ratio = slipway / distribution; figures are medians. MB/s = 10^6 bytes/s. An upload is timed from
its POST to the 201 of its final PUT (both registries fsync the blob before answering). The dd line
is the disk's own speed for the same size, measured once per round, as a ceiling for uploads.
samples (in run order):
EOF
for m in mono chunked download; do
    for reg in "${REGISTRIES[@]}"; do
        printf '  %-9s %-13s %s\n' "$m" "$reg" "${S[$reg.$m]}"
    done
done
printf '  %-9s %-13s %s\n' dd "" "${S[disk.mbps]}"
for reg in "${REGISTRIES[@]}"; do
    if [ "${WRK[$reg.non2xx]:-0}" != 0 ]; then
        echo "warning: $reg answered ${WRK[$reg.non2xx]} manifest GETs with a non-2xx/3xx status"
    fi
done
echo "total run time ${elapsed}s"

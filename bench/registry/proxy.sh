#!/usr/bin/env bash
# bench/registry/proxy.sh: pull-through cache hit latency against a direct pull from the upstream.
#
# Starts Debian's docker-registry (CNCF distribution 2.8) and Slipway on loopback, pushes one image
# (config + LAYER_MIB MiB layer) into docker-registry, makes Slipway owner "hub" a public
# pull-through cache of it, and pulls once through the cache (the miss). Then it times PULLS pulls
# of the same manifest + blob GETs, directly from docker-registry and as cache hits from Slipway,
# one curl process per 10 pulls over one keep-alive connection (curl's own per-request timings, so
# process start-up is not measured), and prints median and p90 side by side with the ratio.
#
# Usage: bench/registry/proxy.sh            (env: PULLS=300 LAYER_MIB=1)
# Needs: a JDK 21+, docker-registry, curl; builds slipway-server/target/slipway.jar if missing.
set -euo pipefail

root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)
PULLS=${PULLS:-300}
LAYER_MIB=${LAYER_MIB:-1}
# shellcheck source=scripts/lib.sh
source "$root/scripts/lib.sh"
find_java

for tool in docker-registry curl; do
    command -v "$tool" >/dev/null || { echo "proxy.sh: $tool is missing (apt-get install -y $tool)" >&2; exit 1; }
done
jar=$root/slipway-server/target/slipway.jar
if [ ! -f "$jar" ]; then
    (cd "$root" && ./mvnw -q -B package -DskipTests -DskipITs)
fi

work=$(mktemp -d /tmp/slipway-bench-proxy.XXXXXX)
pids=()
cleanup() {
    local p
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_http() { # URL: wait until it answers at all
    local i
    for i in $(seq 1 300); do
        curl -s -o /dev/null "$1" && return 0
        sleep 0.1
    done
    echo "proxy.sh: $1 did not answer" >&2
    exit 1
}

# ---- the upstream
peer_port=$(free_port)
cat >"$work/registry.yml" <<YAML
version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $work/peer
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$peer_port
YAML
docker-registry serve "$work/registry.yml" >"$work/registry.log" 2>&1 &
pids+=($!)
peer=http://127.0.0.1:$peer_port
wait_http "$peer/v2/"

push_blob() { # FILE: POST then PUT the whole blob; prints its digest
    local digest location
    digest=sha256:$(sha256sum "$1" | cut -d' ' -f1)
    location=$(curl -s -D - -o /dev/null -X POST "$peer/v2/bench/app/blobs/uploads/" | tr -d '\r' | sed -n 's/^Location: //Ip')
    case $location in http*) ;; *) location=$peer$location ;; esac
    curl -s -f -o /dev/null -X PUT -H 'Content-Type: application/octet-stream' --data-binary @"$1" "$location&digest=$digest"
    echo "$digest"
}
head -c $((LAYER_MIB << 20)) /dev/urandom >"$work/layer"
printf '{"architecture":"amd64","os":"linux","config":{}}' >"$work/config"
layer=$(push_blob "$work/layer")
config=$(push_blob "$work/config")
printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":%d},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"%s","size":%d}]}' \
    "$config" "$(stat -c %s "$work/config")" "$layer" "$(stat -c %s "$work/layer")" >"$work/manifest"
curl -s -f -o /dev/null -X PUT -H 'Content-Type: application/vnd.oci.image.manifest.v1+json' --data-binary @"$work/manifest" \
    "$peer/v2/bench/app/manifests/1"

# ---- Slipway, with owner "hub" caching the upstream
slipway_port=$(free_port)
java_cmd=("$JAVA_HOME/bin/java" -jar "$jar")
state=(--data "$work/slipway")
"${java_cmd[@]}" registry proxy add hub "$peer" --ttl 1h --public "${state[@]}" >/dev/null
SLIPWAY_ADMIN_PASSWORD=bench-admin-password "${java_cmd[@]}" server "${state[@]}" --listen "127.0.0.1:$slipway_port" \
    >"$work/slipway.log" 2>&1 &
pids+=($!)
slipway=http://127.0.0.1:$slipway_port
wait_http "$slipway/healthz"

accept='Accept: application/vnd.oci.image.manifest.v1+json'
direct_urls=("$peer/v2/bench/app/manifests/1" "$peer/v2/bench/app/blobs/$config" "$peer/v2/bench/app/blobs/$layer")
cached_urls=("$slipway/v2/hub/bench/app/manifests/1" "$slipway/v2/hub/bench/app/blobs/$config" "$slipway/v2/hub/bench/app/blobs/$layer")
# The miss: the cache fetches and stores the image once.
for u in "${cached_urls[@]}"; do curl -s -f -o /dev/null -H "$accept" "$u"; done

# pulls URL... : prints one line per pull, the summed time_total (ms) of its GETs.
pulls() {
    local n=$1 batch args=() i u
    shift
    for ((i = 0; i < 10; i++)); do
        for u in "$@"; do args+=(-o /dev/null -w '%{time_total}\n' "$u"); done
    done
    for ((batch = 0; batch < n / 10; batch++)); do
        curl -s -f -H "$accept" "${args[@]}"
    done | awk -v k=$# '{ sum += $1; if (NR % k == 0) { printf "%.3f\n", sum * 1000; sum = 0 } }'
}
stats() { # FILE: median and p90
    sort -n "$1" | awk '{ a[NR] = $1 } END { printf "%.3f %.3f\n", a[int((NR + 1) / 2)], a[int(NR * 0.9 + 0.5)] }'
}

pulls 20 "${direct_urls[@]}" >/dev/null # warm-up, both sides
pulls 20 "${cached_urls[@]}" >/dev/null
pulls "$PULLS" "${direct_urls[@]}" >"$work/direct"
pulls "$PULLS" "${cached_urls[@]}" >"$work/cached"
read -r d50 d90 < <(stats "$work/direct")
read -r c50 c90 < <(stats "$work/cached")

echo "pull = GET manifest + GET config blob + GET ${LAYER_MIB} MiB layer, ${PULLS} pulls each, keep-alive, loopback"
printf '%-34s %12s %12s\n' "" "median ms" "p90 ms"
printf '%-34s %12s %12s\n' "docker-registry 2.8, direct" "$d50" "$d90"
printf '%-34s %12s %12s\n' "Slipway pull-through cache, hit" "$c50" "$c90"
awk -v a="$c50" -v b="$d50" -v c="$c90" -v d="$d90" \
    'BEGIN { printf "%-34s %11.2fx %11.2fx\n", "ratio (Slipway / direct)", a / b, c / d }'

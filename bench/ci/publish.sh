#!/usr/bin/env bash
# Publish benchmark: a build-and-publish of a 50 MiB image through a pipeline's `publish` task,
# against the same build followed by `docker push` to Slipway by hand, on the same engine and the
# same server. See README.md next to this file ("Publish"). It prints wall times and their ratio;
# it asserts only correctness (a run that fails, a push that fails, or a pushed digest that the
# registry does not serve stops it with exit 1), never the figures.
#
# The image is the base image plus a layer of SIZE_MIB random bytes that the build itself makes
# (RUN head -c ... /dev/urandom), so the repository stays small and neither side pays for moving
# 50 MiB through git or a build context; a marker file in the context changes every round, so the
# layer is built afresh and is not in the registry yet. The sides take turns going first. Both
# build with the engine's classic builder, as Slipway does, and push to 127.0.0.1:<port> (plain
# HTTP, docker's insecure loopback).
#
#   publish side: POST /api/v1/repos/admin/<repo>/runs -> run finished, as this client sees it
#                 (checkout, context digest, build, labels, push of one tag); GET /runs/{id}?wait=300
#   by hand:      docker build -t <tag> <the same checkout> && docker push <tag> (docker login once, untimed)
#
# Knobs (environment):
#   ROUNDS (5)            measured rounds (one run per side each)
#   SIZE_MIB (50)         random data in the image's layer
#   IMAGE (local/bench-busybox:1)  the base image, built from Debian's /bin/busybox when missing
#   BENCH_DIR (/tmp)      parent of the scratch directory
#   KEEP=1                keep the scratch directory (server log)
#   SLIPWAY_JAVA_OPTS, SLIPWAY_JAR, JAVA_HOME, DOCKER_HOST: as for run.sh
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)

ROUNDS=${ROUNDS:-5}
SIZE_MIB=${SIZE_MIB:-50}
IMAGE=${IMAGE:-local/bench-busybox:1}
BENCH_DIR=${BENCH_DIR:-/tmp}
KEEP=${KEEP:-0}
ADMIN_PASSWORD=bench-admin-password
JVM_OPTS=${SLIPWAY_JAVA_OPTS:--XX:+UseSerialGC -Xmx256m}

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() {
    log "error: $*"
    exit 1
}

for v in ROUNDS SIZE_MIB; do
    case ${!v} in '' | *[!0-9]*) die "$v must be a plain integer, got '${!v}'" ;; esac
done
[ "$ROUNDS" -ge 1 ] && [ "$SIZE_MIB" -ge 1 ] || die "ROUNDS and SIZE_MIB must be at least 1"
command -v docker >/dev/null || die "no docker client on PATH"
timeout 15 docker info >/dev/null 2>&1 ||
    die "no Docker engine answers at ${DOCKER_HOST:-unix:///var/run/docker.sock}: start one (see docs/testing.md) and set DOCKER_HOST"
need_pkgs=()
command -v git >/dev/null || need_pkgs+=(git)
command -v curl >/dev/null || need_pkgs+=(curl)
if ! timeout 15 docker image inspect "$IMAGE" >/dev/null 2>&1 && [ ! -x /bin/busybox ]; then
    need_pkgs+=(busybox-static)
fi
mkdir -p "$BENCH_DIR"
# shellcheck source=../lib.sh
source "$root/bench/lib.sh"
bench_install "${need_pkgs[@]}"
bench_jar slipway-publish-bench

work=$(mktemp -d "$BENCH_DIR/slipway-publish-bench.XXXXXX")
suffix=$(head -c 4 /dev/urandom | od -An -tx1 | tr -d ' \n')
NAME=pub$suffix
server_pid=''
export DOCKER_CONFIG=$work/docker-config
cleanup() {
    local rc=$?
    if [ -n "$server_pid" ]; then
        kill "$server_pid" 2>/dev/null || true # its shutdown removes the firewall exception for its port
        wait "$server_pid" 2>/dev/null || true
    fi
    # Only what this invocation made: the built images of both sides (slipway-build/<name> is Slipway's).
    timeout 60 docker images -q --filter "reference=slipway-build/$NAME" | sort -u | xargs -r timeout 60 docker rmi -f >/dev/null 2>&1 || true
    timeout 60 docker images -q --filter "reference=*/admin/$NAME-*" | sort -u | xargs -r timeout 60 docker rmi -f >/dev/null 2>&1 || true
    if [ "$KEEP" = 1 ] || [ $rc -ne 0 ]; then
        rm -rf "$work/slipway.jar" "$work/data/registry" "$work/git" "$work/manual" 2>/dev/null || true
        log "logs kept in $work"
    else
        rm -rf "$work"
    fi
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

cp "$jar" "$work/slipway.jar"
jar=$work/slipway.jar

now_ms() { echo $(($(date +%s%N) / 1000000)); }
json_field() { # FIELD: the first "FIELD":"value" or "FIELD":number of stdin
    grep -o "\"$1\":\\(\"[^\"]*\"\\|[0-9]*\\)" | head -n 1 | sed -e "s/^\"$1\"://" -e 's/^"//' -e 's/"$//'
}

bench_busybox_image "$IMAGE" "$work/image"

# ---- the repository: a Dockerfile that makes the random layer, and the publish pipeline -----------

src=$work/git/$NAME
mkdir -p "$src/.slipway"
git -C "$src" init -q -b main
printf 'FROM %s\nCOPY round /round\nRUN head -c %d /dev/urandom > /data.bin\n' "$IMAGE" $((SIZE_MIB << 20)) >"$src/Dockerfile"
cat >"$src/.slipway/publish.yml" <<EOF
images:
  $NAME: { build: { context: . } }
tasks:
  publish:
    publish:
      image: $NAME
      to: admin/$NAME-ci
      tags: [ "\${SLIPWAY_COMMIT_SHORT}" ]
EOF
git_commit() {
    git -C "$src" add -A
    git -C "$src" -c user.name=bench -c user.email=bench@localhost -c commit.gpgsign=false commit -q -m "$1"
}
echo start >"$src/round"
git_commit "publish pipeline"

# ---- server ------------------------------------------------------------------------------------

port=$(bench_free_port)
base=http://127.0.0.1:$port
registry=127.0.0.1:$port
log "starting Slipway on $registry (scratch dir $work)"
bench_start_server "$work/data" "$port"
token=$("$java" -jar "$jar" token create --data "$work/data" --user admin --name bench --scopes write:repository,write:package \
    2>>"$work/cli.log" | tail -n 1)
[ -n "$token" ] || die "slipway token create printed nothing (see $work/cli.log)"
code=$(curl -sS -o "$work/body" -w '%{http_code}' -H "Authorization: token $token" -H 'Content-Type: application/json' \
    -d "{\"owner\":\"admin\",\"name\":\"$NAME\",\"clone_url\":\"file://$src\",\"default_branch\":\"main\"}" "$base/api/v1/repos")
[ "$code" = 201 ] || die "registering the repository: HTTP $code $(cat "$work/body")"
mkdir -p "$DOCKER_CONFIG"
printf '%s' "$token" | docker login "$registry" -u admin --password-stdin >/dev/null 2>&1 || die "docker login $registry failed"

# ---- the two sides -------------------------------------------------------------------------------

samples=$work/samples
: >"$samples"

# The registry must serve what a side says it pushed.
check_digest() { # REPOSITORY TAG DIGEST
    local served
    served=$(curl -sS -I -H "Authorization: token $token" \
        -H 'Accept: application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json' \
        "$base/v2/$1/manifests/$2" | tr -d '\r' | awk -F': ' 'tolower($1) == "docker-content-digest" { print $2 }')
    [ "$served" = "$3" ] || die "$1:$2 is $served in the registry, but $3 was reported"
}

publish_side() { # ROUND
    echo "publish $1 $suffix" >"$src/round"
    git_commit "round $1"
    local start id run status end_ms sha8 digest
    start=$(now_ms)
    id=$(curl -sS -H "Authorization: token $token" -H 'Content-Type: application/json' -d '{"ref":"main"}' \
        "$base/api/v1/repos/admin/$NAME/runs" | json_field id)
    [ -n "$id" ] || die "triggering the publish run failed"
    run=$(curl -sS -H "Authorization: token $token" "$base/api/v1/runs/$id?wait=300")
    end_ms=$(now_ms)
    status=$(printf '%s' "$run" | json_field status)
    [ "$status" = success ] || die "publish run $id: $status; log: $(curl -sS -H "Authorization: token $token" "$base/api/v1/runs/$id/tasks/publish/log" | tail -n 5)"
    sha8=$(git -C "$src" rev-parse HEAD | cut -c1-8)
    digest=$(printf '%s' "$run" | grep -o '"digest":"sha256:[0-9a-f]*"' | head -n 1 | cut -d'"' -f4)
    check_digest "admin/$NAME-ci" "$sha8" "$digest"
    echo "publish.wall_ms $((end_ms - start))" >>"$samples"
    echo "publish.run_ms $(printf '%s' "$run" | json_field duration_ms)" >>"$samples"
}

manual_side() { # ROUND
    local ctx=$work/manual tag start build_end end digest
    rm -rf "$ctx"
    git clone -q "$src" "$ctx"
    echo "by hand $1 $suffix" >"$ctx/round"
    tag=$registry/admin/$NAME-manual:r$1
    start=$(now_ms)
    DOCKER_BUILDKIT=0 docker build -q -t "$tag" "$ctx" >/dev/null || die "docker build failed"
    build_end=$(now_ms)
    docker push "$tag" >"$work/push.out" 2>&1 || die "docker push failed: $(tail -n 3 "$work/push.out")"
    end=$(now_ms)
    digest=$(grep -o 'digest: sha256:[0-9a-f]*' "$work/push.out" | cut -d' ' -f2)
    check_digest "admin/$NAME-manual" "r$1" "$digest"
    docker rmi "$tag" >/dev/null 2>&1 || true
    echo "manual.wall_ms $((end - start))" >>"$samples"
    echo "manual.build_ms $((build_end - start))" >>"$samples"
    echo "manual.push_ms $((end - build_end))" >>"$samples"
}

log "warm-up (not timed): one round per side"
publish_side 0
manual_side 0
: >"$samples"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
for r in $(seq 1 "$ROUNDS"); do
    log "round $r of $ROUNDS"
    if [ $((r % 2)) = 1 ]; then
        publish_side "$r"
        manual_side "$r"
    else
        manual_side "$r"
        publish_side "$r"
    fi
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- report --------------------------------------------------------------------------------------

values() { awk -v m="$1" '$1 == m { print $2 }' "$samples"; }
median() {
    values "$1" | sort -g | awk '{ a[NR] = $1 } END { if (NR == 0) { print "n/a"; exit }
        printf "%.0f", NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}
pub=$(median publish.wall_ms)
man=$(median manual.wall_ms)
cat <<EOF

Publish benchmark: Slipway $("$java" -jar "$jar" --version 2>/dev/null | head -n 1), a ${SIZE_MIB} MiB random layer on $IMAGE, $ROUNDS rounds
engine:  $(docker info --format 'dockerd {{.ServerVersion}}, {{.Driver}}' 2>/dev/null) at ${DOCKER_HOST:-unix:///var/run/docker.sock}; registry $registry (SQLite, filesystem)
machine: $(nproc) cores shared by the server, the engine and this script; load average $load_before before, $load_after after

metric                                            median ms
publish task: trigger -> run finished (client)    $pub
  the run's own duration (API)                    $(median publish.run_ms)
by hand: docker build + docker push               $man
  docker build                                    $(median manual.build_ms)
  docker push                                     $(median manual.push_ms)
ratio publish / by hand                           $(awk -v a="$pub" -v b="$man" 'BEGIN { printf "%.2fx", a / b }')   (target: <= 1.00x)
  median of the per-round ratios                  $(paste <(values publish.wall_ms) <(values manual.wall_ms) | awk '{ print $1 / $2 }' |
    sort -g | awk '{ a[NR] = $1 } END { printf "%.2fx", NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }')   (each publish run against the build and push next to it)

samples (ms, in order): publish $(values publish.wall_ms | tr '\n' ' ')
                        by hand $(values manual.wall_ms | tr '\n' ' ')
EOF

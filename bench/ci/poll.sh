#!/usr/bin/env bash
# Polling benchmark: the server's CPU per poll round with REPOS registrations polled every INTERVAL
# seconds (issue 9: 100 registrations at 10 s), against local bare repositories (file://, so the
# figure is Slipway's own work: JGit's ls-remote with an in-process upload-pack, the comparison, and
# the database rows; a forge over the network adds latency, not much CPU). See README.md.
#
# Phases, each measured as the server process's CPU time (utime + stime from /proc/<pid>/stat):
#   1. steady polling: ROUNDS rounds in which nothing changed (every poll lists and compares)
#   2. the same registrations with polling off (poll_interval 0), same length: what the rest of the
#      server costs meanwhile (the pass still runs every second, over zero due polls); phase 1
#      minus this is polling's own cost
#   3. one round after a push to every repository: each poll fetches, checks the new head out and
#      reads its pipeline (which wants no push, so no run and no Docker is involved)
# It asserts only correctness: every registration was polled throughout, without errors, and the
# push round saw every push.
#
# Knobs (environment):
#   REPOS (100)           registrations, each its own bare repository
#   INTERVAL (10)         poll_interval in seconds (issue 9 asks for 10)
#   ROUNDS (6)            measured rounds in phases 1 and 2
#   WARMUP (3)            rounds before measuring (the JIT warms up, first polls settle)
#   BENCH_DIR (/tmp)      parent of the scratch directory
#   KEEP=1                keep the scratch directory (server log)
#   SLIPWAY_JAVA_OPTS     JVM options for the server (default -XX:+UseSerialGC -Xmx256m, as ./slipway)
#   SLIPWAY_JAR           benchmark this jar instead of building slipway-server/target/slipway.jar
#   JAVA_HOME             JDK (default: temurin-25 if installed, else what ./slipway finds)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)

REPOS=${REPOS:-100}
INTERVAL=${INTERVAL:-10}
ROUNDS=${ROUNDS:-6}
WARMUP=${WARMUP:-3}
BENCH_DIR=${BENCH_DIR:-/tmp}
KEEP=${KEEP:-0}
ADMIN_PASSWORD=bench-admin-password
JVM_OPTS=${SLIPWAY_JAVA_OPTS:--XX:+UseSerialGC -Xmx256m}

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() {
    log "error: $*"
    exit 1
}

for v in REPOS INTERVAL ROUNDS WARMUP; do
    case ${!v} in '' | *[!0-9]*) die "$v must be a plain integer, got '${!v}'" ;; esac
done
[ "$REPOS" -ge 1 ] && [ "$ROUNDS" -ge 1 ] || die "REPOS and ROUNDS must be at least 1"
[ "$INTERVAL" -ge 1 ] || die "INTERVAL must be at least 1 (the smallest poll_interval Slipway accepts)"

need_pkgs=()
command -v git >/dev/null || need_pkgs+=(git)
command -v curl >/dev/null || need_pkgs+=(curl)
command -v jq >/dev/null || need_pkgs+=(jq)
mkdir -p "$BENCH_DIR"
# shellcheck source=../lib.sh
source "$root/bench/lib.sh"
bench_install "${need_pkgs[@]}"
bench_jar slipway-poll-bench

work=$(mktemp -d "$BENCH_DIR/slipway-poll-bench.XXXXXX")
server_pid=''
cleanup() {
    local rc=$?
    if [ -n "$server_pid" ]; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    if [ "$KEEP" = 1 ] || [ $rc -ne 0 ]; then
        rm -rf "$work/git" "$work/slipway.jar" 2>/dev/null || true
        log "server log kept in $work"
    else
        rm -rf "$work"
    fi
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM
cp "$jar" "$work/slipway.jar"
jar=$work/slipway.jar

# ---- repositories: a working clone and a bare "forge" repository each ------------------------

log "creating $REPOS repositories"
git_commit() { # DIR MESSAGE
    git -C "$1" add -A
    git -C "$1" -c user.name=bench -c user.email=bench@localhost -c commit.gpgsign=false commit -q -m "$2"
}
for i in $(seq 1 "$REPOS"); do
    w=$work/git/work/r$i
    mkdir -p "$w/.slipway"
    git -C "$w" init -q -b main
    # A pipeline that wants no push: a polled push reads it (fetch, checkout, parse) and starts nothing.
    printf 'on: { push: { branches: [ "never-*" ] } }\nimages: { box: local/busybox:1 }\ntasks:\n  t: { image: box, commands: [ "true" ] }\n' \
        >"$w/.slipway/ci.yml"
    echo "$i" >"$w/README"
    git_commit "$w" "initial"
    git -C "$w" branch -q feature
    git -C "$w" tag v1.0
    git clone -q --bare "$w" "$work/git/bare/r$i.git"
    git -C "$w" remote add origin "$work/git/bare/r$i.git"
done

# ---- server ----------------------------------------------------------------------------------

port=$(bench_free_port)
base=http://127.0.0.1:$port
mkdir -p "$work/data"
log "starting Slipway on 127.0.0.1:$port (ci.poll-interval ${INTERVAL}s; scratch dir $work)"
# shellcheck disable=SC2086  # JVM_OPTS is meant to be word-split
SLIPWAY_ADMIN_PASSWORD=$ADMIN_PASSWORD SLIPWAY_CI_POLL_INTERVAL=${INTERVAL}s SLIPWAY_CI_EXECUTOR=local \
    "$java" $JVM_OPTS -jar "$jar" server --data "$work/data" --listen "127.0.0.1:$port" >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 600); do
    kill -0 "$server_pid" 2>/dev/null || die "slipway exited during startup: $(tail -n 20 "$work/server.log")"
    curl -s -o /dev/null --max-time 1 "$base/healthz" && break
    sleep 0.1
done
curl -s -o /dev/null --max-time 1 "$base/healthz" || die "slipway did not answer on $base within 60 s"
token=$("$java" -jar "$jar" token create --data "$work/data" --user admin --name bench --scopes write:repository,admin \
    2>>"$work/cli.log" | tail -n 1)
[ -n "$token" ] || die "slipway token create printed nothing (see $work/cli.log)"
api() { # METHOD PATH [BODY]
    curl -sS --fail-with-body -X "$1" -H "Authorization: token $token" -H 'Content-Type: application/json' \
        ${3:+-d "$3"} "$base$2"
}

log "registering $REPOS repositories"
registered=$(date +%s)
for i in $(seq 1 "$REPOS"); do
    api POST /api/v1/repos "{\"owner\":\"admin\",\"name\":\"r$i\",\"clone_url\":\"file://$work/git/bare/r$i.git\",\"default_branch\":\"main\"}" \
        >/dev/null || die "registering r$i failed"
done

# last_poll of every registration, one "name epoch-ms" line each (an API call: only between measurements).
last_polls() {
    api GET /api/v1/repos/admin | jq -r '.[] | "\(.name) \(if .last_poll == null then 0 else (.last_poll | sub("\\.[0-9]+Z$"; "Z") | fromdateiso8601) end) \(.last_poll_error // "")"'
}
check_polled_since() { # EPOCH-SECONDS WHAT
    local bad
    bad=$(last_polls | awk -v t="$1" '$2 < t || NF > 2')
    [ -z "$bad" ] || die "$2: registrations not polled since $(date -d "@$1" +%T) or with errors: $(echo "$bad" | head -n 5)"
}
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$server_pid/stat"; }
hz=$(getconf CLK_TCK)

log "waiting for every registration's first poll, then $WARMUP warm-up rounds"
for _ in $(seq 1 120); do
    [ "$(last_polls | awk '$2 == 0' | wc -l)" = 0 ] && break
    sleep 1
done
check_polled_since "$registered" "first polls"
sleep $((WARMUP * INTERVAL))

measure() { # SECONDS -> CPU ms over that many seconds of wall time
    local t0 t1
    t0=$(cpu_ticks)
    sleep "$1"
    t1=$(cpu_ticks)
    echo $(((t1 - t0) * 1000 / hz))
}

window=$((ROUNDS * INTERVAL))
log "phase 1: steady polling, $ROUNDS rounds (${window} s)"
t=$(date +%s)
polling_ms=$(measure "$window")
check_polled_since $((t + window - INTERVAL - 1)) "steady polling"

log "phase 2: polling off, same length"
for i in $(seq 1 "$REPOS"); do
    api PATCH "/api/v1/repos/admin/r$i" '{"poll_interval":0}' >/dev/null
done
sleep $((2 * INTERVAL))
idle_ms=$(measure "$window")

log "phase 3: a push to every repository, then one round"
for i in $(seq 1 "$REPOS"); do
    api PATCH "/api/v1/repos/admin/r$i" '{"poll_interval":null}' >/dev/null
done
sleep $((2 * INTERVAL))
for i in $(seq 1 "$REPOS"); do
    w=$work/git/work/r$i
    echo "pushed" >>"$w/README"
    git_commit "$w" "a push no webhook reported"
    git -C "$w" push -q origin main
done
pushed=$(date +%s)
push_ms=$(measure $((INTERVAL + 2)))
check_polled_since "$pushed" "push round"
runs=$(grep -c 'poll of admin/r[0-9]*: main at [0-9a-f]*: no run' "$work/server.log" || true)
[ "$runs" -ge "$REPOS" ] || die "only $runs of $REPOS pushes were seen by a poll (server log: $work/server.log)"

per_round=$((polling_ms / ROUNDS))
idle_round=$((idle_ms / ROUNDS))
own=$((per_round - idle_round))
cat <<EOF

Polling benchmark: Slipway $("$java" -jar "$jar" --version 2>/dev/null | head -n 1), $REPOS registrations, poll_interval ${INTERVAL} s
server:  $("$java" -version 2>&1 | head -n 1), JVM options '$JVM_OPTS', SQLite; local bare repositories (file://)
machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)

server CPU per round (${INTERVAL} s), polling on, nothing changed:   $per_round ms   ($((polling_ms * 1000 / (ROUNDS * REPOS))) µs per poll, all in)
server CPU per round, polling off (the rest of the server):       $idle_round ms
polling's own CPU per round:                                      $own ms   ($((own * 1000 / REPOS)) µs per poll)
server CPU for the round after a push to all $REPOS repositories:    $push_ms ms over $((INTERVAL + 2)) s ($((push_ms * 1000 / REPOS)) µs per changed repository, fetch + checkout + parse)
share of one core while polling:                                  $(awk -v c="$per_round" -v i="$INTERVAL" 'BEGIN { printf "%.1f%%", c / (i * 10) }')
EOF

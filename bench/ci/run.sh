#!/usr/bin/env bash
# CI benchmark: Slipway running a task in a small local image against the raw `docker run --rm` of
# the same image and command, on the same Docker engine. See README.md next to this file. It
# prints figures and ratios and asserts only correctness (a run that fails, or a log that lost a
# byte, stops the benchmark with exit 1); the targets are shown next to the figures.
#
# Phases (the measured ones alternate Slipway and raw docker, so load from elsewhere falls on both):
#   1. per-task wall time: RUNS runs of `echo hi` (network none) vs `docker run --rm --network none`
#   2. trigger -> first output byte: FIRST_RUNS runs followed over the SSE log stream
#   3. re-run of an immutable checkout: a cold run, then the source repository is moved away and
#      PIN_RUNS re-runs must still succeed (no git traffic) and show their setup time
#   4. log throughput: a task printing FLOOD_MB MB to stdout, read back and compared by SHA-256
#   5. a remote runner (`slipway runner` on the same engine): the echo task through it vs the
#      server's own executor vs raw docker run, and RUNNER_FLOOD_MB MB of output through it
# Then a profile of where an echo task's time goes (docker events against the API's timestamps).
#
# Knobs (environment):
#   RUNS (15)              measured echo runs per side
#   FIRST_RUNS (10)        measured trigger -> first byte runs per side
#   WARMUP (2)             untimed echo runs per side first
#   PIN_RUNS (5)           re-runs of the immutable checkout
#   FLOOD_MB (200)         size of the flood task's stdout, in 10^6 bytes
#   FLOOD_RUNS (2)         measured flood runs per side
#   FOLLOW (1)             one more flood run with a live SSE follower that checks every byte (0: skip)
#   RUNNER_RUNS (10)       measured echo runs per side in phase 5 (0: no runner phase)
#   RUNNER_FLOOD_MB (100)  size of the flood through the runner (0: skip it); FLOOD_RUNS runs
#   ONLY_RUNNER=1          phase 5 only
#   POLL_MS (50)           API poll interval while waiting for a run to finish, used only when the server
#                          answers GET /runs/{id}?wait=60 at once (no long poll); end-to-end figures come
#                          from the server's finished_at, so polling faster only loads the server (see README)
#   MAX_SECONDS (300)      limit for the measured phases (the helper is killed after it)
#   IMAGE (local/bench-busybox:1)  built from Debian's /bin/busybox when missing (FROM scratch; never pulled)
#   BENCH_DIR (/tmp)       parent of the scratch directory
#   KEEP=1                 keep the scratch directory (server log, samples; the big logs are removed)
#   SLIPWAY_JAVA_OPTS      JVM options for the server (default -XX:+UseSerialGC -Xmx256m, as ./slipway)
#   SLIPWAY_JAR            benchmark this jar instead of building slipway-server/target/slipway.jar
#   JAVA_HOME              JDK (default: temurin-25 if installed, else what ./slipway finds)
#   DOCKER_HOST            the engine to use; it must answer, or the benchmark exits 1
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)

RUNS=${RUNS:-15}
FIRST_RUNS=${FIRST_RUNS:-10}
WARMUP=${WARMUP:-2}
PIN_RUNS=${PIN_RUNS:-5}
FLOOD_MB=${FLOOD_MB:-200}
FLOOD_RUNS=${FLOOD_RUNS:-2}
FOLLOW=${FOLLOW:-1}
POLL_MS=${POLL_MS:-50}
RUNNER_RUNS=${RUNNER_RUNS:-10}
RUNNER_FLOOD_MB=${RUNNER_FLOOD_MB:-100}
ONLY_RUNNER=${ONLY_RUNNER:-0}
MAX_SECONDS=${MAX_SECONDS:-300}
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

# ---- prerequisites -------------------------------------------------------------------------

for v in RUNS FIRST_RUNS WARMUP PIN_RUNS FLOOD_MB FLOOD_RUNS FOLLOW POLL_MS MAX_SECONDS; do
    case ${!v} in '' | *[!0-9]*) die "$v must be a plain integer, got '${!v}'" ;; esac
done
if [ "$RUNS" -lt 1 ] || [ "$FIRST_RUNS" -lt 1 ] || [ "$PIN_RUNS" -lt 1 ] || [ "$FLOOD_MB" -lt 1 ] || [ "$FLOOD_RUNS" -lt 1 ] ||
    [ "$POLL_MS" -lt 1 ]; then
    die "RUNS, FIRST_RUNS, PIN_RUNS, FLOOD_MB, FLOOD_RUNS and POLL_MS must be at least 1"
fi

command -v docker >/dev/null || die "no docker client on PATH"
if ! timeout 15 docker info >/dev/null 2>&1; then
    die "no Docker engine answers at ${DOCKER_HOST:-unix:///var/run/docker.sock}: start one (see docs/testing.md, \"A Docker engine and PostgreSQL of your own\": dockerd --host unix:///tmp/t/docker.sock ...) and set DOCKER_HOST"
fi
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
bench_jar slipway-ci-bench

# ---- scratch dir and cleanup ---------------------------------------------------------------

work=$(mktemp -d "$BENCH_DIR/slipway-ci-bench.XXXXXX")
# Names unique to this invocation: the engine may be shared with other servers and benchmarks,
# and Slipway names containers slipway-<run>-<task>, so only what carries these names is removed.
suffix=$(head -c 4 /dev/urandom | od -An -tx1 | tr -d ' \n')
ECHO_TASK=echo-$suffix
PIN_TASK=pin-$suffix
FLOOD_TASK=flood-$suffix
REMOTE_TASK=recho-$suffix
RFLOOD_TASK=rflood-$suffix
RUNNER_LABEL=bench-$suffix
server_pid=''
runner_pid=''
cleanup() {
    local rc=$? t
    if [ -n "$runner_pid" ]; then
        kill "$runner_pid" 2>/dev/null || true
        wait "$runner_pid" 2>/dev/null || true
    fi
    if [ -n "$server_pid" ]; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    # Containers the runs kept (Slipway keeps stopped task containers), then their overlay
    # volumes, then any raw container a kill left behind. Only ours, by task name or name prefix.
    for t in "$ECHO_TASK" "$PIN_TASK" "$FLOOD_TASK" "$REMOTE_TASK" "$RFLOOD_TASK"; do
        timeout 60 docker ps -aq --filter "label=slipway.task=$t" | xargs -r timeout 60 docker rm -f >/dev/null 2>&1 || true
    done
    timeout 60 docker ps -aq --filter "name=cibench-$suffix-" | xargs -r timeout 60 docker rm -f >/dev/null 2>&1 || true
    for t in "$ECHO_TASK" "$PIN_TASK" "$FLOOD_TASK" "$REMOTE_TASK" "$RFLOOD_TASK"; do
        timeout 60 docker volume ls -q --filter "label=slipway.task=$t" | xargs -r timeout 60 docker volume rm -f >/dev/null 2>&1 || true
    done
    if [ "$KEEP" = 1 ] || [ $rc -ne 0 ]; then
        # Keep the server log and samples for a post-mortem, never hundreds of MB of task logs.
        rm -rf "$work/slipway.jar" "$work/data/ci/logs" "$work/data/ci/runs" "$work/runner/tasks" 2>/dev/null || true
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

# ---- image ---------------------------------------------------------------------------------

bench_busybox_image "$IMAGE" "$work/image"

# ---- git repositories ----------------------------------------------------------------------

git_commit() { # DIR MESSAGE
    git -C "$1" add -A
    git -C "$1" -c user.name=bench -c user.email=bench@localhost -c commit.gpgsign=false commit -q -m "$2"
}

# The pinned repository: one file whose content the pinned task prints.
lib=$work/git/lib
mkdir -p "$lib"
git -C "$lib" init -q -b main
marker=pinned-$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')
echo "$marker" >"$lib/marker"
git_commit "$lib" "pinned content"
lib_commit=$(git -C "$lib" rev-parse HEAD)

# The triggering repository with the three pipelines.
FLOOD_LINE=0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ
src=$work/git/bench
mkdir -p "$src/.slipway"
git -C "$src" init -q -b main
# The one-task echo pipeline, measured through the API (echo.yml) and through webhooks (hooked's ci.yml).
echo_pipeline() {
    printf 'images: { box: %s }\ntasks:\n  %s:\n    image: box\n    network: none\n    commands: [ "echo hi" ]\n' "$IMAGE" "$ECHO_TASK"
}
echo_pipeline >"$src/.slipway/echo.yml"
cat >"$src/.slipway/pinned.yml" <<EOF
images: { box: $IMAGE }
repositories:
  - url: file://$lib
    revision: $lib_commit
    mutable: false
    name: lib
tasks:
  $PIN_TASK:
    image: box
    network: none
    commands: [ "cat /src/lib/marker" ]
EOF
cat >"$src/.slipway/flood.yml" <<EOF
variables: { COPIES: "1" }
images: { box: $IMAGE }
tasks:
  $FLOOD_TASK:
    image: box
    network: none
    commands:
      - set +x
      - yes $FLOOD_LINE | head -c 1000000 > blk
      - i=0; while [ \$i -lt \${COPIES} ]; do cat blk; i=\$((i+1)); done
EOF
# The same echo and flood tasks for the remote runner of phase 5 (runs_on its label).
{ echo_pipeline | sed "s/^  $ECHO_TASK:/  $REMOTE_TASK:/"; echo "    runs_on: [ $RUNNER_LABEL ]"; } >"$src/.slipway/remote.yml"
{ sed "s/^  $FLOOD_TASK:/  $RFLOOD_TASK:/" "$src/.slipway/flood.yml"; echo "    runs_on: [ $RUNNER_LABEL ]"; } >"$src/.slipway/rflood.yml"
git_commit "$src" "bench pipelines"

# The repository a forge's webhooks report pushes of: a bare one (the forge's) and a work clone that pushes to it.
hook_bare=$work/git/hooked.git
hook_work=$work/git/hooked-work
git init -q --bare -b main "$hook_bare"
mkdir -p "$hook_work/.slipway"
git -C "$hook_work" init -q -b main
{ echo 'on: { push: { branches: [main] } }'; echo_pipeline; } >"$hook_work/.slipway/ci.yml"
git_commit "$hook_work" "pushed pipeline"
git -C "$hook_work" remote add origin "$hook_bare"
git -C "$hook_work" push -q origin main

# ---- server --------------------------------------------------------------------------------

port=$(bench_free_port)
base=http://127.0.0.1:$port
log "starting Slipway on 127.0.0.1:$port (scratch dir $work)"
bench_start_server "$work/data" "$port"
token=$("$java" -jar "$jar" token create --data "$work/data" --user admin --name bench --scopes write:repository,admin \
    2>>"$work/cli.log" | tail -n 1)
[ -n "$token" ] || die "slipway token create printed nothing (see $work/cli.log)"
code=$(curl -sS -o "$work/body" -w '%{http_code}' -H "Authorization: token $token" -H 'Content-Type: application/json' \
    -d "{\"owner\":\"admin\",\"name\":\"bench\",\"clone_url\":\"file://$src\",\"default_branch\":\"main\"}" "$base/api/v1/repos")
[ "$code" = 201 ] || [ "$code" = 200 ] || die "registering the repository: HTTP $code $(cat "$work/body")"
# No polling: only the webhook reports its pushes.
code=$(curl -sS -o "$work/body" -w '%{http_code}' -H "Authorization: token $token" -H 'Content-Type: application/json' \
    -d "{\"owner\":\"admin\",\"name\":\"hooked\",\"clone_url\":\"file://$hook_bare\",\"default_branch\":\"main\",\"webhook_secret\":\"bench-hook-secret\",\"poll_interval\":0}" \
    "$base/api/v1/repos")
[ "$code" = 201 ] || [ "$code" = 200 ] || die "registering the webhook repository: HTTP $code $(cat "$work/body")"

# The remote runner of phase 5: a process of its own (same JVM options), registered with a site token.
if [ "$RUNNER_RUNS" != 0 ]; then
    rtoken=$(curl -sS -H "Authorization: token $token" -H 'Content-Type: application/json' -d '{}' \
        "$base/api/v1/runners/registration-tokens" | sed -n 's/.*"token":"\([^"]*\)".*/\1/p')
    [ -n "$rtoken" ] || die "no runner registration token from $base/api/v1/runners/registration-tokens"
    mkdir -p "$work/runner"
    # shellcheck disable=SC2086  # JVM_OPTS is meant to be word-split
    "$java" $JVM_OPTS -jar "$jar" runner --server "$base" --token "$rtoken" --labels "$RUNNER_LABEL" --name "$RUNNER_LABEL" \
        --dir "$work/runner" --host-isolation off >"$work/runner.log" 2>&1 &
    runner_pid=$!
    for _ in $(seq 1 600); do
        kill -0 "$runner_pid" 2>/dev/null || die "slipway runner exited: $(tail -n 20 "$work/runner.log")"
        curl -sS -H "Authorization: token $token" "$base/api/v1/runners" | grep -q '"state":"idle"' && break
        sleep 0.1
    done
    curl -sS -H "Authorization: token $token" "$base/api/v1/runners" | grep -q '"state":"idle"' ||
        die "the runner did not ask for work within 60 s: $(tail -n 20 "$work/runner.log")"
fi

# ---- measured phases -----------------------------------------------------------------------

samples=$work/samples
profile=$work/profile
# The load driver, compiled against the jar for Jackson (no annotation processing: the jar carries processors).
mkdir -p "$work/classes"
"${JAVA_HOME}/bin/javac" -proc:none -nowarn -cp "$jar" -d "$work/classes" "$here/CiBench.java" || die "cannot compile CiBench.java"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
start_all=$(date +%s)
log "load average $load_before; measuring (at most ${MAX_SECONDS}s)"
timeout -k 5 "$MAX_SECONDS" "$java" -cp "$jar:$work/classes" CiBench \
    base="$base" token="$token" repo=admin/bench image="$IMAGE" suffix="$suffix" data="$work/data" server_pid="$server_pid" \
    out="$samples" profile="$profile" deadline_s=$((MAX_SECONDS - 10)) runs="$RUNS" first_runs="$FIRST_RUNS" warmup="$WARMUP" \
    pin_runs="$PIN_RUNS" flood_bytes=$((FLOOD_MB * 1000000)) flood_runs="$FLOOD_RUNS" follow="$FOLLOW" poll_ms="$POLL_MS" \
    lib="$lib" lib_away="$work/git/lib.moved-away" marker="$marker" echo_task="$ECHO_TASK" pin_task="$PIN_TASK" \
    flood_task="$FLOOD_TASK" flood_line="$FLOOD_LINE" hook_repo=admin/hooked hook_work="$hook_work" \
    hook_clone_url="file://$hook_bare" hook_secret=bench-hook-secret only_runner="$ONLY_RUNNER" runner_runs="$RUNNER_RUNS" \
    remote_task="$REMOTE_TASK" rflood_task="$RFLOOD_TASK" runner_flood_bytes=$((RUNNER_FLOOD_MB * 1000000)) runner_pid="$runner_pid" ||
    die "the measurement failed or ran out of time (exit $?); server log: $work/server.log"
elapsed=$(($(date +%s) - start_all))
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- report --------------------------------------------------------------------------------

values() { awk -v m="$1" '$1 == m { print $2 }' "$samples"; }
median() { # METRIC [PRINTF-FORMAT]; by default whole numbers from 100 on, else one decimal
    values "$1" | sort -g | awk -v f="${2:-}" '{ a[NR] = $1 } END {
        if (NR == 0) { print "n/a"; exit }
        m = NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2
        printf (f != "" ? f : m == int(m) || m >= 100 ? "%.0f" : "%.1f"), m }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "n/a" || b == "n/a" || b + 0 == 0) print ""; else printf "%.2fx", a / b }'; }
row() { # LABEL SLIPWAY-METRIC RAW-METRIC NOTE
    local s r=''
    s=$(median "$2")
    [ -z "$3" ] || r=$(median "$3")
    printf '%-44s %9s %9s %7s   %s\n' "$1" "$s" "$r" "$( [ -z "$3" ] || ratio "$s" "$r")" "$4"
}
infos() { awk -v k="$1" '$1 == "info" && $2 == k { $1 = ""; $2 = ""; sub(/^ +/, ""); print }' "$samples"; }
list() { values "$1" | tr '\n' ' '; }

cat <<EOF

CI benchmark: Slipway $("$java" -jar "$jar" --version 2>/dev/null | head -n 1) against raw docker run, on the same engine
engine:  $(docker info --format 'dockerd {{.ServerVersion}}, {{.Driver}}, default log driver {{.LoggingDriver}}' 2>/dev/null) at ${DOCKER_HOST:-unix:///var/run/docker.sock}; image $IMAGE; network none on both sides
server:  $("$java" -version 2>&1 | head -n 1), JVM options '$JVM_OPTS', SQLite; repositories are local file:// git
machine: $(nproc) cores shared by the server, the engine and this script; load average $load_before before, $load_after after

EOF
printf '%-44s %9s %9s %7s   %s\n' metric slipway raw ratio "target / note"
if [ "$ONLY_RUNNER" != 1 ]; then
row "echo task, task duration ms (API)" slipway.task_ms raw.run_ms "target <= 1.15x raw docker run --rm"
printf '%-44s %9s %9s %7s   %s\n' "  median of the per-pair ratios" "" "" "$(median pair.task_ratio %.2fx)" \
    "each Slipway run against the raw run next to it"
row "echo task, trigger -> run finished ms" slipway.e2e_ms raw.run_ms "POST sent -> the run's finished_at"
row "  POST /runs answered ms" slipway.trigger_ms "" "fetch of the triggering repo, parse, insert"
row "  run created -> started ms" slipway.queue_ms "" "dispatcher"
row "  run started -> task started ms" slipway.setup_ms "" "worktrees, plan"
row "  task finished -> run finished ms" slipway.finish_ms "" "log finish, run row"
row "  server CPU ms per run" slipway.cpu_ms_per_run "" "incl. answering this client's polls"
row "trigger -> first stdout byte, SSE ms" first.sse_ms first.raw_ms "raw: docker run exec -> first byte"
row "trigger -> first stdout byte stored ms" first.stored_ms first.raw_ms "the chunk's server timestamp"
row "webhook -> first stdout byte, SSE ms" hook.sse_ms first.sse_ms "2nd column: the API trigger's (above)"
row "  webhook -> first byte stored ms" hook.stored_ms first.stored_ms "the chunk's server timestamp"
row "  webhook answered ms" hook.answer_ms "" "checkout of the pushed commit, on: matching, run queued"
row "immutable re-run: run start -> task ms" pin.warm_setup_ms "" "worktree ready; target < 50 (upper bound)"
row "  same, first (cold) run ms" pin.cold_setup_ms "" "includes the JGit clone + checkout"
row "  same, echo runs (no extra repository) ms" slipway.setup_ms "" "baseline"
row "immutable re-run, trigger -> finished ms" pin.warm_e2e_ms raw.run_ms ""
row "log ${FLOOD_MB} MB, MB/s over task duration" flood.task_mbps raw.flood_mbps "target >= 50; raw: docker CLI wall time"
row "log ${FLOOD_MB} MB, MB/s first -> last byte" flood.stream_mbps raw.flood_stream_mbps "stored chunk timestamps vs CLI reads"
row "  raw with --log-driver none, MB/s" flood.task_mbps rawnone.flood_mbps "the engine's json-file logging removed"
row "  same, first -> last byte" flood.stream_mbps rawnone.flood_stream_mbps ""
row "log ${FLOOD_MB} MB, task duration ms" flood.task_ms "" ""
row "server CPU s per ${FLOOD_MB} MB task" flood.cpu_s "" ""
row "server RSS max during the task MiB" flood.rss_max_mib "" "sampled every 50 ms"
row "server RSS idle before MiB" server.rss_idle_mib "" ""
if [ "$FOLLOW" = 1 ]; then
    row "with a live SSE follower: task MB/s" follow.task_mbps raw.flood_mbps ""
    row "  follower MB/s (first -> end event)" follow.sse_mbps "" "base64 JSON events, decoded and hashed"
    row "  follower's end event after task finished ms" follow.end_lag_ms "" ""
    row "  server CPU s" follow.cpu_s "" ""
    row "  server RSS max MiB" follow.rss_max_mib "" ""
fi
cat <<EOF

ratio = slipway / raw; figures are medians. MB = 10^6 bytes. Task duration is the API's started_at ->
finished_at of the task (whole ms); "trigger -> run finished" is from this client sending the POST
to the run's finished_at (same host, same clock). Raw figures are wall times of the docker CLI process.
checks:
  no git traffic:   $(infos pin.no_git)
  log ${FLOOD_MB} MB:       $(infos flood.verify | paste -sd ';' -)
EOF
if [ "$FOLLOW" = 1 ]; then
    echo "  live follower:    $(infos follow.verify_sse); $(infos follow.verify)"
fi
echo
cat "$profile"
fi
if [ "$RUNNER_RUNS" != 0 ]; then
    echo
    printf '%-44s %9s %9s %7s   %s\n' "remote runner (phase 5)" runner local ratio "target / note"
    row "echo task duration ms, runner vs local" runner.remote_task_ms runner.local_task_ms "target <= 1.2x the server's own executor"
    printf '%-44s %9s %9s %7s   %s\n' "  median of the per-round ratios" "" "" "$(median runner.pair_ratio %.2fx)" \
        "each runner run against the local run next to it"
    row "  trigger -> run finished ms" runner.remote_e2e_ms runner.local_e2e_ms ""
    row "  runner vs raw docker run ms" runner.remote_task_ms runner.raw_ms "3rd column: raw docker run --rm"
    row "  local vs raw docker run ms" runner.local_task_ms runner.raw_ms ""
    row "  per-task overhead over raw, runner ms" runner.remote_overhead_ms "" "task duration - raw wall, same round"
    row "  per-task overhead over raw, local ms" runner.local_overhead_ms "" ""
    if [ "$RUNNER_FLOOD_MB" != 0 ]; then
        row "log ${RUNNER_FLOOD_MB} MB via runner, MB/s task duration" runner.flood.task_mbps "" "target >= 100; the end counts once the server has every byte"
        row "  MB/s trigger -> task finished" runner.flood.e2e_mbps "" "incl. queue, lease, workspace, container start"
        row "  MB/s first -> last stored byte" runner.flood.stream_mbps "" ""
        row "  server CPU s / runner CPU s" runner.flood.cpu_s runner.flood.runner_cpu_s ""
        row "  server RSS max MiB" runner.flood.rss_max_mib "" ""
        echo "  check: $(infos runner.flood.verify | paste -sd ';' -)"
    fi
    echo "  samples: runner ms $(list runner.remote_task_ms)| local ms $(list runner.local_task_ms)| raw ms $(list runner.raw_ms)"
fi
if [ "$ONLY_RUNNER" != 1 ]; then
cat <<EOF

samples (in run order):
  slipway task ms    $(list slipway.task_ms)
  pair ratios        $(values pair.task_ratio | awk '{ printf "%.2f ", $1 }')
  slipway e2e ms     $(list slipway.e2e_ms)
  raw run ms         $(list raw.run_ms)
  first byte SSE ms  $(list first.sse_ms)
  first byte raw ms  $(list first.raw_ms)
  pin warm setup ms  $(list pin.warm_setup_ms)
  flood MB/s         $(list flood.task_mbps)
  raw flood MB/s     $(list raw.flood_mbps)
  raw flood MB/s, log driver none  $(list rawnone.flood_mbps)
EOF
fi
echo "total measurement time ${elapsed}s"

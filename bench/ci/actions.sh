#!/usr/bin/env bash
# GitHub Actions benchmark (issue 11): a workflow run by Slipway's actions engine against the same
# jobs as a native .slipway pipeline, and the built-in actions/checkout of a 10,000-file repository
# against `git clone`. See README.md next to this file. It prints figures and ratios and asserts
# only correctness (a run that fails or prints the wrong thing stops it with exit 1).
#
# Parts (the measured ones alternate the two sides, so load from elsewhere falls on both):
#   1. workflow: .gitea/workflows/bench.yml (prepare -> build x2 matrix -> report, with checkout and
#      upload/download-artifact) vs .slipway/bench.yml (the same tasks, depends_on and outputs),
#      WARMUP untimed runs per side, then RUNS pairs; wall time POST -> run finished
#   2. checkout: a one-job workflow whose actions/checkout gets a FILES-file repository, vs
#      `git clone --no-local` of the same commit from the same file:// bare repository, in a
#      `docker run --rm` of the runner image and on the host; CHECKOUT_RUNS runs per side
#
# Knobs (environment):
#   RUNS (5)                measured pairs of part 1
#   WARMUP (1)              untimed runs per side first
#   CHECKOUT_RUNS (3)       measured runs per side of part 2 (after one cold run of the workflow)
#   FILES (10000)           files in the checkout repository (each a few bytes, in 100 directories)
#   PARTS (workflow,checkout)  which parts to run
#   IMAGE (local/runner:bookworm)  the runner image (ubuntu-latest); never pulled, never built here
#   MAX_SECONDS (900)       limit for the whole measurement
#   BENCH_DIR (/tmp), KEEP=1, SLIPWAY_JAVA_OPTS, SLIPWAY_JAR, JAVA_HOME, DOCKER_HOST: as run.sh
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)

RUNS=${RUNS:-5}
WARMUP=${WARMUP:-1}
CHECKOUT_RUNS=${CHECKOUT_RUNS:-3}
FILES=${FILES:-10000}
PARTS=${PARTS:-workflow,checkout}
IMAGE=${IMAGE:-local/runner:bookworm}
MAX_SECONDS=${MAX_SECONDS:-900}
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

for tool in curl jq git docker; do
    command -v "$tool" >/dev/null || die "$tool is needed"
done
timeout 15 docker version >/dev/null 2>&1 ||
    die "no Docker engine answers at ${DOCKER_HOST:-the default socket}; see docs/testing.md (a Docker engine of your own)"
timeout 15 docker image inspect "$IMAGE" >/dev/null 2>&1 ||
    die "the engine has no $IMAGE; build it without any registry as docs/testing.md says:
  mmdebstrap --quiet --variant=apt --include=bash,git,ca-certificates,curl,python3,nodejs,procps bookworm /tmp/t/runner.tar
  docker import -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' /tmp/t/runner.tar $IMAGE"

# shellcheck source=../lib.sh
source "$here/../lib.sh"
bench_jar actions
work=$(mktemp -d "$BENCH_DIR/actions-bench.XXXXXX")
suffix=$(head -c 4 /dev/urandom | od -An -tx1 | tr -d ' \n')
server_pid=''
cleanup() {
    local rc=$?
    if [ -n "$server_pid" ]; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    # Only what this invocation created: the task containers and volumes of this server (by its
    # instance id; run ids alone are not unique on a shared engine), and the raw containers by name.
    local inst
    inst=$(cat "$work/data/ci/instance-id" 2>/dev/null || true)
    if [ -n "$inst" ]; then
        timeout 60 docker ps -aq --filter "label=slipway.instance=$inst" | xargs -r timeout 60 docker rm -f >/dev/null 2>&1 || true
        timeout 60 docker volume ls -q --filter "label=slipway.instance=$inst" | xargs -r timeout 60 docker volume rm -f >/dev/null 2>&1 || true
    fi
    timeout 60 docker ps -aq --filter "name=ghabench-$suffix-" | xargs -r timeout 60 docker rm -f >/dev/null 2>&1 || true
    if [ "$KEEP" = 1 ] || [ $rc -ne 0 ]; then
        rm -rf "$work/slipway.jar" "$work/git" "$work/clones" 2>/dev/null || true
        log "server log and samples kept in $work"
    else
        rm -rf "$work"
    fi
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM
cp "$jar" "$work/slipway.jar"
jar=$work/slipway.jar
deadline=$(($(date +%s) + MAX_SECONDS))

# ---- git repositories ----------------------------------------------------------------------

git_commit() { # DIR MESSAGE
    git -C "$1" add -A
    git -C "$1" -c user.name=bench -c user.email=bench@localhost -c commit.gpgsign=false commit -q -m "$2"
}

# bench: the workflow and the native pipeline, the same jobs.
src=$work/git/bench
mkdir -p "$src/.gitea/workflows" "$src/.slipway"
git -C "$src" init -q -b main
echo "bench $suffix" >"$src/README"
cat >"$src/.gitea/workflows/bench.yml" <<'EOF'
name: bench
on: workflow_dispatch
jobs:
  prepare:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: mkdir -p out && { cat README; date +%s; } > out/prepared.txt
      - uses: actions/upload-artifact@v4
        with: { name: prepared, path: out }
  build:
    needs: prepare
    runs-on: ubuntu-latest
    strategy:
      matrix:
        worker: [a, b]
    steps:
      - uses: actions/download-artifact@v4
        with: { name: prepared, path: out }
      # GitHub's upload-artifact makes the directory given as path the artifact's root, so the file
      # lands in out/prepared.txt; Slipway (cb61f00) keeps the out/ prefix: out/out/prepared.txt.
      # Either is accepted, and the layout is printed for the report.
      - run: |
          if [ -f out/prepared.txt ]; then f=out/prepared.txt; echo layout=github; else f=out/out/prepared.txt; echo layout=prefixed; fi
          grep -q '^bench ' "$f" && echo "built-${{ matrix.worker }}" | sha256sum
  report:
    needs: build
    runs-on: ubuntu-latest
    steps:
      - run: echo report-done
EOF
cat >"$src/.slipway/bench.yml" <<EOF
images: { runner: $IMAGE }
tasks:
  prepare:
    image: runner
    commands:
      - mkdir -p out && { cat README; date +%s; } > out/prepared.txt
    outputs: [out]
  build-a:
    image: runner
    depends_on: [prepare]
    commands:
      - grep -q '^bench ' out/prepared.txt && echo built-a | sha256sum
  build-b:
    image: runner
    depends_on: [prepare]
    commands:
      - grep -q '^bench ' out/prepared.txt && echo built-b | sha256sum
  report:
    image: runner
    depends_on: [build-a, build-b]
    commands:
      - echo report-done
EOF
git_commit "$src" "bench workflow and pipeline"

# big: FILES small files in 100 directories, and a one-job workflow that checks them out. The
# server and the clones read the same bare repository.
big=$work/git/big
bare=$work/git/big.git
if [[ ",$PARTS," == *,checkout,* ]]; then
    log "generating a repository of $FILES files"
    mkdir -p "$big/.gitea/workflows"
    git -C "$big" init -q -b main
    (cd "$big" && for d in $(seq -w 0 99); do mkdir -p "d$d"; done &&
        for i in $(seq 0 $((FILES - 1))); do echo "file $i" >"d$(printf %02d $((i % 100)))/f$i.txt"; done)
    cat >"$big/.gitea/workflows/checkout.yml" <<'EOF'
name: checkout
on: workflow_dispatch
jobs:
  checkout:
    runs-on: ubuntu-latest
    steps:
      - id: checkout
        uses: actions/checkout@v4
      - run: echo "files=$(git ls-files | wc -l) head=$(git rev-parse HEAD)"
EOF
    git_commit "$big" "$FILES files"
    # Packed, as a forge serves it (a local clone would hardlink 10,000 loose objects).
    git clone -q --bare "$big" "$bare"
    git -C "$bare" repack -adq
    big_commit=$(git -C "$bare" rev-parse HEAD)
    big_files=$(git -C "$bare" ls-tree -r --name-only HEAD | wc -l)
fi

# ---- server --------------------------------------------------------------------------------

port=$(bench_free_port)
base=http://127.0.0.1:$port
log "starting Slipway on 127.0.0.1:$port (ubuntu-latest -> $IMAGE; scratch dir $work)"
SLIPWAY_CI_ACTIONS_LABELS="ubuntu-latest:docker://$IMAGE" bench_start_server "$work/data" "$port"
token=$("$java" -jar "$jar" token create --data "$work/data" --user admin --name bench --scopes write:repository,admin \
    2>>"$work/cli.log" | tail -n 1)
[ -n "$token" ] || die "slipway token create printed nothing (see $work/cli.log)"

api() { # METHOD PATH [BODY]: prints the body; fails on a status >= 300
    local code
    code=$(curl -sS -o "$work/body" -w '%{http_code}' -X "$1" -H "Authorization: token $token" \
        -H 'Content-Type: application/json' ${3:+-d "$3"} "$base$2") || die "$1 $2: curl failed"
    [ "$code" -lt 300 ] || die "$1 $2: HTTP $code $(head -c 2000 "$work/body")"
    cat "$work/body"
}
# No polling: a poll's git work must not fall into the other side's measurement. The checkout
# repository is registered in part 2, where its first fetch and checkout are measured.
api POST /api/v1/repos "{\"owner\":\"admin\",\"name\":\"bench\",\"clone_url\":\"file://$src\",\"default_branch\":\"main\",\"poll_interval\":0}" >/dev/null

now_ms() { echo $(($(date +%s%N) / 1000000)); }
# ISO-8601 instants with a fraction, as the API writes them, to epoch milliseconds.
JQ_MS='def ms: if . == null then null else capture("^(?<s>[^.Z+]+)(\\.(?<f>[0-9]+))?(?<z>.*)$")
  | ((.s + "Z") | fromdateiso8601) * 1000 + (((.f // "0") + "000")[0:3] | tonumber) end;'

# run REPO KIND NAME: starts a run (KIND workflow or pipeline), waits for it, checks it succeeded,
# and prints "ID WALL_MS" (POST sent -> GET answered with the finished run) with the run's JSON in
# $work/run-ID.json.
run() {
    local t0 id status r
    t0=$(now_ms)
    id=$(api POST "/api/v1/repos/admin/$1/runs" "{\"ref\":\"main\",\"$2\":\"$3\"}" | jq -r '.id // .number')
    echo "$(($(now_ms) - t0))" >"$work/post-ms"
    while :; do
        r=$(api GET "/api/v1/runs/$id?wait=60")
        status=$(jq -r .status <<<"$r")
        case $status in
        queued | pending | running | waiting | created | blocked) ;;
        *) break ;;
        esac
        [ "$(date +%s)" -lt "$deadline" ] || die "out of time (MAX_SECONDS=$MAX_SECONDS) waiting for run $id"
    done
    local t1
    t1=$(now_ms)
    printf '%s\n' "$r" >"$work/run-$id.json"
    if [ "$status" != success ]; then
        for t in $(jq -r '.tasks[] | select(.status == "failure" or .status == "error") | .name' <<<"$r"); do
            log "run $id, task $t, last lines of its log:"
            api GET "/api/v1/runs/$id/tasks/$t/log" | tail -n 15 >&2 || true
        done
    fi
    [ "$status" = success ] || die "run $id ($1 $2 $3) ended $status: $(jq -c '{message, tasks: [.tasks[]? | {name, status, result, error, message}]}' <<<"$r")
  server log: $work/server.log; task log: curl -H 'Authorization: token …' $base/api/v1/runs/$id/tasks/TASK/log"
    # The client's times, for run_figures: POST sent, POST answered, finished run answered.
    echo "$t0 $(($(cat "$work/post-ms") + t0)) $t1" >"$work/client-$id"
    echo "$id $((t1 - t0))"
}
task_log() { api GET "/api/v1/runs/$1/tasks/$2/log"; }

samples=$work/samples
: >"$samples"
sample() { echo "$1 $2" >>"$samples"; }
# Server-side figures of a finished run: created -> finished, and the sum of its tasks' durations.
run_figures() { # ID PREFIX
    local t0 tp t1
    read -r t0 tp t1 <"$work/client-$1"
    jq -r --argjson t0 "$t0" --argjson tp "$tp" --argjson t1 "$t1" "$JQ_MS"' [ "post_ms", $tp - $t0 ],
        [ "finish_lag_ms", $t1 - (.finished_at | ms) ],
        [ "server_ms", ((.finished_at | ms) - (.created_at | ms)) ],
        [ "tasks_sum_ms", ([.tasks[] | ((.finished_at | ms) - (.started_at | ms))] | add) ],
        [ "first_task_start_ms", ([.tasks[] | (.started_at | ms)] | min) - (.created_at | ms) ]
        | "'"$2"'.\(.[0]) \(.[1])"' "$work/run-$1.json" >>"$samples"
}

# ---- part 1: workflow vs native pipeline ---------------------------------------------------

one_side() { # SIDE(actions|native) MEASURED(0|1)
    local out id wall
    if [ "$1" = actions ]; then
        out=$(run bench workflow bench.yml)
    else
        out=$(run bench pipeline bench)
    fi
    read -r id wall <<<"$out"
    # Both sides must have run every job and the matrix; the report job's log must say so.
    jq -e '[.tasks[].name] | length == 4' "$work/run-$id.json" >/dev/null ||
        die "run $id ($1) has not 4 tasks: $(jq -c '[.tasks[].name]' "$work/run-$id.json")"
    task_log "$id" report | grep -q report-done || die "run $id ($1): the report task's log lacks report-done"
    if [ "$1" = actions ]; then
        task_log "$id" build-a | grep -o '^layout=[a-z]*' | head -n 1 >"$work/artifact-layout" || true
    fi
    if [ "$2" = 1 ]; then
        sample "$1.wall_ms" "$wall"
        run_figures "$id" "$1"
    fi
    echo "$id" >"$work/last-$1"
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
start_all=$(date +%s)
if [[ ",$PARTS," == *,workflow,* ]]; then
    log "part 1: $WARMUP warm-up run(s) per side, then $RUNS pairs (load average $load_before)"
    for _ in $(seq 1 "$WARMUP"); do
        one_side actions 0
        one_side native 0
    done
    for i in $(seq 1 "$RUNS"); do
        if [ $((i % 2)) = 1 ]; then
            one_side actions 1
            one_side native 1
        else
            one_side native 1
            one_side actions 1
        fi
        log "  pair $i/$RUNS: actions $(awk '$1 == "actions.wall_ms" { v = $2 } END { print v }' "$samples") ms, native $(awk '$1 == "native.wall_ms" { v = $2 } END { print v }' "$samples") ms"
    done
fi

# ---- part 2: checkout of FILES files vs git clone ------------------------------------------

clone_raw() { # I: git clone --no-local in a docker run --rm of the image; samples the CLI's wall time and the clone's own
    local t0 t1 out
    t0=$(now_ms)
    out=$(docker run --rm --name "ghabench-$suffix-clone-$1" --network none -v "$bare:/repo.git:ro" "$IMAGE" \
        bash -c 's=$(date +%s%N); git clone -q --no-local file:///repo.git /tmp/w && e=$(date +%s%N) &&
            git config --global --add safe.directory "*" && echo "$(( (e - s) / 1000000 )) $(git -C /tmp/w ls-files | wc -l) $(git -C /tmp/w rev-parse HEAD)"') ||
        die "git clone in docker run failed"
    t1=$(now_ms)
    read -r ms n head <<<"$out"
    [ "$n" = "$big_files" ] && [ "$head" = "$big_commit" ] || die "docker clone: $n files at $head, want $big_files at $big_commit"
    sample raw.docker_wall_ms $((t1 - t0))
    sample raw.docker_clone_ms "$ms"
}
clone_host() {
    local t0 t1 dir=$work/clones/$1
    mkdir -p "$work/clones"
    t0=$(now_ms)
    git clone -q --no-local "file://$bare" "$dir" || die "git clone on the host failed"
    t1=$(now_ms)
    [ "$(git -C "$dir" ls-files | wc -l)" = "$big_files" ] || die "host clone: wrong number of files"
    sample raw.host_clone_ms $((t1 - t0))
    rm -rf "$dir"
}
checkout_run() { # MEASURED(0|1)
    local out id wall prefix=checkout
    [ "$1" = 1 ] || prefix=checkout_cold
    out=$(run big workflow checkout.yml)
    read -r id wall <<<"$out"
    task_log "$id" checkout | grep -q "files=$big_files head=$big_commit" ||
        die "run $id: the checkout did not give $big_files files at $big_commit (log: $(task_log "$id" checkout | tail -n 5))"
    sample "$prefix.wall_ms" "$wall"
    run_figures "$id" "$prefix"
    jq -r "$JQ_MS"' [.tasks[0].steps[] | select(.id == "checkout")][0]
        | "'"$prefix"'.step_ms \(.duration_ms // ((.finished_at | ms) - (.started_at | ms)))"' "$work/run-$id.json" >>"$samples"
    jq -r "$JQ_MS"' "'"$prefix"'.setup_ms \((.tasks[0].started_at | ms) - (.started_at | ms))"' "$work/run-$id.json" >>"$samples"
    echo "$id" >"$work/last-checkout"
}
if [[ ",$PARTS," == *,checkout,* ]]; then
    log "part 2: checkout of $big_files files: registration, one cold workflow run, then $CHECKOUT_RUNS per side"
    # Registering makes the server read the default branch's workflows, but in the background (the
    # next pass of its registration scan, within 5 s). The first run, started at once, finds no
    # worktree: its POST /runs fetches the repository and checks the commit out (JGit).
    t0=$(now_ms)
    api POST /api/v1/repos "{\"owner\":\"admin\",\"name\":\"big\",\"clone_url\":\"file://$bare\",\"default_branch\":\"main\",\"poll_interval\":0}" >/dev/null
    sample register.post_ms $(($(now_ms) - t0))
    checkout_run 0
    clone_raw 0 && clone_host 0 && sed -i '/^raw\./d' "$samples" # warm the page cache for the clones too
    for i in $(seq 1 "$CHECKOUT_RUNS"); do
        if [ $((i % 2)) = 1 ]; then
            checkout_run 1
            clone_raw "$i"
            clone_host "$i"
        else
            clone_host "$i"
            clone_raw "$i"
            checkout_run 1
        fi
    done
fi
elapsed=$(($(date +%s) - start_all))
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- report --------------------------------------------------------------------------------

values() { awk -v m="$1" '$1 == m { print $2 }' "$samples"; }
stat() { # METRIC QUANTILE(50|90): nearest rank
    values "$1" | sort -g | awk -v q="$2" '{ a[NR] = $1 } END {
        if (NR == 0) { print "n/a"; exit }
        if (q == 50) m = NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2
        else { r = int(NR * q / 100); if (r < NR * q / 100) r++; if (r < 1) r = 1; m = a[r] }
        printf "%.0f", m }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "n/a" || b == "n/a" || b + 0 == 0) print ""; else printf "%.2fx", a / b }'; }
row() { # LABEL METRIC-A METRIC-B NOTE: medians and p90s of A and B, ratio of the medians
    local a b
    a=$(stat "$2" 50)
    [ -z "$3" ] || b=$(stat "$3" 50)
    printf '%-42s %8s %8s %8s %8s %7s   %s\n' "$1" "$a" "$(stat "$2" 90)" "${b:-}" "$([ -z "$3" ] || stat "$3" 90)" \
        "$([ -z "$3" ] || ratio "$a" "$b")" "$4"
}
list() { values "$1" | tr '\n' ' '; }

cat <<EOF

GitHub Actions benchmark: Slipway $("$java" -jar "$jar" --version 2>/dev/null | head -n 1), ubuntu-latest -> $IMAGE
engine:  $(docker info --format 'dockerd {{.ServerVersion}}, {{.Driver}}' 2>/dev/null) at ${DOCKER_HOST:-unix:///var/run/docker.sock}
server:  $("$java" -version 2>&1 | head -n 1), JVM options '$JVM_OPTS', SQLite; repositories are local file:// git
machine: $(nproc) cores shared by the server, the engine and this script; load average $load_before before, $load_after after

EOF
printf '%-42s %8s %8s %8s %8s %7s   %s\n' "ms (median, p90)" "A p50" "A p90" "B p50" "B p90" "A/B" note
if [[ ",$PARTS," == *,workflow,* ]]; then
    echo "part 1: A = workflow (.gitea/workflows/bench.yml), B = native (.slipway/bench.yml); $RUNS pairs"
    row "POST -> finished run answered (wall)" actions.wall_ms native.wall_ms "the target figure"
    row "run created -> finished (server)" actions.server_ms native.server_ms "the run's own timestamps"
    row "run created -> first task started" actions.first_task_start_ms native.first_task_start_ms ""
    row "  POST /runs answered" actions.post_ms native.post_ms "client clock"
    row "  run finished -> long poll answered" actions.finish_lag_ms native.finish_lag_ms "the run's finished_at -> GET ?wait=60 returned"
    row "sum of the 4 tasks' durations" actions.tasks_sum_ms native.tasks_sum_ms "started -> finished, summed"
fi
if [[ ",$PARTS," == *,checkout,* ]]; then
    echo "part 2: $big_files files; A = one-job workflow with actions/checkout, B = git clone --no-local file://; $CHECKOUT_RUNS runs"
    row "checkout step vs clone in docker run" checkout.step_ms raw.docker_clone_ms "the step's duration_ms; the clone's own time in the container"
    row "checkout step vs clone on the host" checkout.step_ms raw.host_clone_ms ""
    row "run wall vs docker run --rm wall" checkout.wall_ms raw.docker_wall_ms "POST -> finished vs docker CLI exec -> exit"
    row "  run started -> task started" checkout.setup_ms "" "worktree (JGit), plan"
    row "  run created -> finished (server)" checkout.server_ms "" ""
    row "first run: POST /runs answered" checkout_cold.post_ms raw.docker_clone_ms "the server's fetch + checkout (JGit) vs the clone in docker"
    row "  wall" checkout_cold.wall_ms raw.docker_wall_ms "POST -> finished vs docker CLI exec -> exit"
    row "  run started -> task started" checkout_cold.setup_ms "" ""
    row "  checkout step" checkout_cold.step_ms "" ""
fi
if [ -s "$work/artifact-layout" ]; then
    case $(cat "$work/artifact-layout") in
    layout=github) echo "check: download-artifact gave out/prepared.txt, as on GitHub" ;;
    *) echo "check: download-artifact gave out/out/prepared.txt: upload-artifact kept the 'out/' prefix (GitHub makes the path given the artifact's root)" ;;
    esac
fi
cat <<EOF

samples (in run order):
  actions wall ms      $(list actions.wall_ms)
  native wall ms       $(list native.wall_ms)
  checkout step ms     $(list checkout.step_ms)
  checkout wall ms     $(list checkout.wall_ms)
  docker clone ms      $(list raw.docker_clone_ms)
  docker run wall ms   $(list raw.docker_wall_ms)
  host clone ms        $(list raw.host_clone_ms)
total measurement time ${elapsed}s
EOF
if [ -s "$work/last-actions" ]; then
    echo
    echo "last workflow run, tasks (name: started +ms after run created, duration ms; steps):"
    jq -r "$JQ_MS"' (.created_at | ms) as $c | .tasks[] | "  \(.name): +\((.started_at | ms) - $c), \((.finished_at | ms) - (.started_at | ms)); "
        + ([.steps[]? | "\(.name) \(.duration_ms)"] | join(", "))' "$work/run-$(cat "$work/last-actions").json"
    echo "last native run, tasks:"
    jq -r "$JQ_MS"' (.created_at | ms) as $c | .tasks[] | "  \(.name): +\((.started_at | ms) - $c), \((.finished_at | ms) - (.started_at | ms))"' \
        "$work/run-$(cat "$work/last-native").json"
fi

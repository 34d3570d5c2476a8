#!/usr/bin/env bash
# UI benchmark: a run page with a big coloured log in a real headless Chromium. See README.md next
# to this file. Prints the bytes each page transfers, the time from navigation to the first log
# lines on screen, the tab's memory (Chromium's performance metrics over the DevTools protocol),
# jumps and search; it asserts only correctness (the page shows the log's lines, the search finds
# its line).
#
# Knobs (environment):
#   LINES (200000)        lines of the generated log (1000000 for the million-line case)
#   ROUNDS (5)            measured page openings, jumps and searches
#   BENCH_DIR (/tmp)      parent of the scratch directory; KEEP=1 keeps it
#   SLIPWAY_JAVA_OPTS     JVM options for the server (default -XX:+UseSerialGC -Xmx256m, as ./slipway)
#   SLIPWAY_JAR, JAVA_HOME as for the other benchmarks (bench/lib.sh)
# Tasks run with the local executor (the log is made by awk on this machine): no Docker needed.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
LINES=${LINES:-200000}
ROUNDS=${ROUNDS:-5}
BENCH_DIR=${BENCH_DIR:-/tmp}
KEEP=${KEEP:-0}
JVM_OPTS=${SLIPWAY_JAVA_OPTS:--XX:+UseSerialGC -Xmx256m}
PASSWORD=bench-admin-password

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() {
    log "error: $*"
    exit 1
}
for v in LINES ROUNDS; do
    case ${!v} in '' | *[!0-9]*) die "$v must be a plain integer, got '${!v}'" ;; esac
done

need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
[ -x /usr/bin/chromedriver ] || need+=(chromium-driver)
command -v git >/dev/null || need+=(git)
command -v curl >/dev/null || need+=(curl)
command -v awk >/dev/null || need+=(mawk)
mkdir -p "$BENCH_DIR"
# shellcheck source=../lib.sh
source "$root/bench/lib.sh"
bench_install "${need[@]}"
bench_jar slipway-ui-bench

work=$(mktemp -d "$BENCH_DIR/slipway-ui-bench.XXXXXX")
server_pid=''
cleanup() {
    local rc=$?
    if [ -n "$server_pid" ]; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    if [ "$KEEP" = 1 ] || [ $rc -ne 0 ]; then
        rm -rf "$work/slipway.jar" "$work/data/ci/runs" 2>/dev/null || true
        log "kept $work"
    else
        rm -rf "$work"
    fi
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM
cp "$jar" "$work/slipway.jar"
jar=$work/slipway.jar

# The browser driver's class path (Selenium from Maven Central, resolved once into ~/.m2).
log "resolving Selenium"
(cd "$root" && ./mvnw -q -B -f bench/ui/pom.xml dependency:build-classpath -Dmdep.outputFile="$work/cp.txt" >"$work/mvn.log" 2>&1) ||
    { tail -n 20 "$work/mvn.log" >&2; die "cannot resolve selenium-java"; }
mkdir -p "$work/classes"
"$JAVA_HOME/bin/javac" -proc:none -nowarn -cp "$(cat "$work/cp.txt")" -d "$work/classes" "$here/UiBench.java" || die "cannot compile UiBench.java"

# The repository: one pipeline that prints the log with awk.
src=$work/git/bench
mkdir -p "$src/.slipway"
cp "$here/gen.awk" "$src/gen.awk"
cat >"$src/.slipway/log.yml" <<YAML
images: { box: local/busybox:1 }
variables: { LINES: "$LINES" }
tasks:
  build:
    image: box
    commands: [ "awk -v n=\${LINES} -f gen.awk" ]
YAML
git -C "$src" init -q -b main
git -C "$src" add -A
git -C "$src" -c user.name=bench -c user.email=bench@localhost -c commit.gpgsign=false commit -q -m "a big coloured log"

port=$(for _ in $(seq 1 100); do p=$((20000 + RANDOM % 40000)); [ -z "$(ss -Hltn "sport = :$p" 2>/dev/null)" ] && { echo "$p"; break; }; done)
[ -n "$port" ] || die "no free port"
base=http://127.0.0.1:$port
log "starting Slipway on $base (scratch dir $work)"
# shellcheck disable=SC2086  # JVM_OPTS is meant to be word-split
SLIPWAY_ADMIN_PASSWORD=$PASSWORD SLIPWAY_CI_EXECUTOR=local "$java" $JVM_OPTS -jar "$jar" server --data "$work/data" \
    --listen "127.0.0.1:$port" >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 600); do
    kill -0 "$server_pid" 2>/dev/null || die "slipway exited during startup: $(tail -n 20 "$work/server.log")"
    curl -s -o /dev/null --max-time 1 "$base/healthz" && break
    sleep 0.1
done
token=$("$java" -jar "$jar" token create --data "$work/data" --user admin --name bench --scopes write:repository \
    2>>"$work/cli.log" | tail -n 1)
[ -n "$token" ] || die "slipway token create printed nothing (see $work/cli.log)"
api() { curl -sS -H "Authorization: token $token" -H 'Content-Type: application/json' "$@"; }
api -o /dev/null -d "{\"owner\":\"admin\",\"name\":\"bench\",\"clone_url\":\"file://$src\",\"default_branch\":\"main\"}" "$base/api/v1/repos"
id=$(api -d '{"pipeline":"log"}' "$base/api/v1/repos/admin/bench/runs" | sed -n 's/^{"id":\([0-9]*\).*/\1/p')
[ -n "$id" ] || die "the run was not created"
log "run $id prints $LINES lines"
status=$(api "$base/api/v1/runs/$id?wait=600" | sed -n 's/.*"status":"\([a-z]*\)","status_message.*/\1/p')
[ "$status" = success ] || die "run $id ended $status (see $work/server.log)"
size=$(curl -sS -H "Authorization: token $token" "$base/api/v1/runs/$id/tasks/build/log" | wc -c)

cat <<EOF

UI benchmark: Slipway $("$java" -jar "$jar" --version 2>/dev/null | head -n 1), $(/usr/bin/chromium --version 2>/dev/null), headless, 1280x900
server:  $("$java" -version 2>&1 | head -n 1), JVM options '$JVM_OPTS', SQLite
machine: $(nproc) cores shared with other work; load average $(cut -d' ' -f1-3 /proc/loadavg)
log:     $LINES generated lines, $((size / 1000000)).$(((size % 1000000) / 100000)) MB raw

EOF
"$java" -cp "$(cat "$work/cp.txt"):$work/classes" UiBench base="$base" user=admin password="$PASSWORD" \
    run="/admin/bench/runs/$id" task=build lines="$LINES" rounds="$ROUNDS" || die "the browser measurement failed"
echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

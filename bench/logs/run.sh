#!/usr/bin/env bash
# Log rendering benchmark: writes generated coloured logs (200,000 and 1,000,000 lines by default)
# through a LogStore and times Slipway's renderer on them: a full render to HTML, opening a log
# (building its checkpoint index), random pages, whole-log search and a live viewer's tail. See
# README.md next to this file. It prints figures and asserts only correctness: a page or a search
# that does not show the generated text stops it with exit 1.
#
# Knobs (environment):
#   LINES (200000,1000000)  the logs to generate, in lines, comma-separated
#   ROUNDS (3)              timed rounds per figure (the median is shown)
#   PAGES (200)             random pages of 100 lines
#   HEAP (256m)             the JVM's -Xmx
#   BENCH_DIR (/tmp)        parent of the scratch directory (the 1,000,000-line log takes ~55 MB)
#   KEEP=1                  keep the scratch directory
#   JAVA_HOME               JDK (default: what scripts/lib.sh finds, 21 or newer)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)

LINES=${LINES:-200000,1000000}
ROUNDS=${ROUNDS:-3}
PAGES=${PAGES:-200}
HEAP=${HEAP:-256m}
BENCH_DIR=${BENCH_DIR:-/tmp}
KEEP=${KEEP:-0}

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() {
    log "error: $*"
    exit 1
}

case $LINES in '' | *[!0-9,]*) die "LINES must be numbers separated by commas, got '$LINES'" ;; esac
for v in ROUNDS PAGES; do
    case ${!v} in '' | *[!0-9]*) die "$v must be a plain integer, got '${!v}'" ;; esac
    [ "${!v}" -ge 1 ] || die "$v must be at least 1"
done

# shellcheck source=../../scripts/lib.sh
source "$root/scripts/lib.sh"
find_java
quiet_maven

scratch=$(mktemp -d "$BENCH_DIR/slipway-logbench.XXXXXX")
cleanup() {
    if [ "$KEEP" = 1 ]; then
        log "kept $scratch"
    else
        rm -rf "$scratch"
    fi
}
trap cleanup EXIT

log "building slipway-core and slipway-logs"
if ! (cd "$root" && ./mvnw -q -B -pl slipway-logs -am -DskipTests package) >"$scratch/build.log" 2>&1; then
    grep -v '^WARNING' "$scratch/build.log" | tail -n 20 >&2
    die "the build failed (log: $scratch/build.log)"
fi
cp="$root/slipway-core/target/classes:$root/slipway-logs/target/classes"

log "measuring ($LINES lines, $ROUNDS rounds, heap $HEAP)"
"$JAVA_HOME/bin/java" -XX:+UseSerialGC "-Xmx$HEAP" -cp "$cp" "$here/LogRenderBench.java" \
    "dir=$scratch/logs" "lines=$LINES" "rounds=$ROUNDS" "pages=$PAGES"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"

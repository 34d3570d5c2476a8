# Shared by the benchmark scripts (source it; the caller defines log and die and sets root and BENCH_DIR).

# bench_install PACKAGE...: installs the Debian packages given (none: nothing to do).
bench_install() {
    [ $# -gt 0 ] || return 0
    log "installing $*"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -qq "$@" >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq "$@" >/dev/null; }
}
#
# bench_jar NAME: finds the JDK and the Slipway jar to benchmark, and sets $jar and $java.
#   - JAVA_HOME wins; otherwise Temurin 25 when installed, else what ./slipway finds (scripts/lib.sh).
#   - SLIPWAY_JAR benchmarks a given jar. Otherwise ./slipway rebuilds the jar when a source is
#     newer than it (its output goes to $BENCH_DIR/NAME-build.log and is shown on failure).
bench_jar() {
    local log=$BENCH_DIR/$1-build.log
    if [ -z "${JAVA_HOME:-}" ] && [ -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ]; then
        export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
    fi
    jar=${SLIPWAY_JAR:-$root/slipway-server/target/slipway.jar}
    if [ -n "${SLIPWAY_JAR:-}" ]; then
        if [ -z "${JAVA_HOME:-}" ]; then
            # shellcheck source=../scripts/lib.sh
            source "$root/scripts/lib.sh"
            find_java
        fi
    elif [ -x "$root/slipway" ]; then
        # The launcher rebuilds the jar when a source is newer than it; --version then exits at once.
        if ! SLIPWAY_JAVA_OPTS='' "$root/slipway" --version >"$log" 2>&1; then
            grep -v '^WARNING' "$log" | tail -n 20 >&2
            die "building Slipway failed (log: $log); SLIPWAY_JAR=... runs a given jar"
        fi
        rm -f "$log"
        # shellcheck source=../scripts/lib.sh
        source "$root/scripts/lib.sh"
        find_java
    elif [ ! -f "$jar" ]; then
        (cd "$root" && ./mvnw -q -B -DskipTests package)
    fi
    [ -f "$jar" ] || die "no $jar"
    java=${JAVA_HOME:?}/bin/java
}

# bench_free_port: prints a TCP port nothing on this machine listens on.
bench_free_port() {
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

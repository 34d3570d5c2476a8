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

# bench_busybox_image IMAGE DIR: builds IMAGE FROM scratch with Debian's /bin/busybox (legacy
# builder, in DIR) unless the engine has it; nothing is pulled.
bench_busybox_image() {
    timeout 15 docker image inspect "$1" >/dev/null 2>&1 && return 0
    log "building $1 from /bin/busybox (FROM scratch, legacy builder; nothing is pulled)"
    mkdir -p "$2"
    cp /bin/busybox "$2/"
    printf 'FROM scratch\nCOPY busybox /bin/busybox\nRUN ["/bin/busybox","--install","-s","/bin"]\nENV PATH=/bin\nCMD ["sh"]\n' >"$2/Dockerfile"
    DOCKER_BUILDKIT=0 timeout 120 docker build -q -t "$1" "$2" >/dev/null || die "cannot build $1"
}

# bench_start_server DATA PORT: starts "$java $JVM_OPTS -jar $jar server" (admin password
# $ADMIN_PASSWORD) on 127.0.0.1:PORT with DATA, log in DATA/../server.log; sets $server_pid and
# waits up to 60 s for /healthz. A server that fell back to the local executor is an error.
bench_start_server() {
    local data=$1 port=$2 log_file
    log_file=$(dirname "$data")/server.log
    mkdir -p "$data"
    # shellcheck disable=SC2086  # JVM_OPTS is meant to be word-split
    SLIPWAY_ADMIN_PASSWORD=$ADMIN_PASSWORD "$java" $JVM_OPTS -jar "$jar" server --data "$data" --listen "127.0.0.1:$port" \
        >"$log_file" 2>&1 &
    server_pid=$!
    for _ in $(seq 1 600); do
        kill -0 "$server_pid" 2>/dev/null || die "slipway exited during startup: $(tail -n 20 "$log_file")"
        curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$port/healthz" && break
        sleep 0.1
    done
    curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$port/healthz" || die "slipway did not answer on 127.0.0.1:$port within 60 s"
    if grep -qi 'local executor\|WITHOUT isolation' "$log_file"; then
        die "slipway fell back to the local executor (the Docker engine was not usable by the server): $(grep -i executor "$log_file" | head -n 3)"
    fi
}

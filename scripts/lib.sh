# shellcheck shell=bash
# Helpers shared by ./slipway and scripts/test. Source this file; do not run it.

# java_major JAVA_BIN: print the feature (major) version of a java binary,
# e.g. 17 for "17.0.15", 8 for "1.8.0_412", 25 for "25" or "25-ea".
java_major() {
    local out ver
    out=$("$1" -version 2>&1) || return 1
    ver=$(printf '%s\n' "$out" | sed -n 's/^.* version "\([^"]*\)".*$/\1/p' | head -n 1)
    [ -n "$ver" ] || return 1
    case $ver in 1.*) ver=${ver#1.} ;; esac
    ver=${ver%%[!0-9]*}
    [ -n "$ver" ] || return 1
    printf '%s\n' "$ver"
}

# find_java: set and export JAVA_HOME to a JDK >= 21.
# Order: an existing JAVA_HOME if it is new enough; else the newest JDK under
# /usr/lib/jvm/*; else fail (return 1) with a message on stderr.
find_java() {
    local min=21 d v best="" best_v=0
    if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
        v=$(java_major "$JAVA_HOME/bin/java") || v=0
        if [ "$v" -ge "$min" ]; then
            export JAVA_HOME
            return 0
        fi
    fi
    for d in /usr/lib/jvm/*; do
        # A JDK, not just a JRE: Maven needs javac.
        if [ ! -x "$d/bin/java" ] || [ ! -x "$d/bin/javac" ]; then continue; fi
        v=$(java_major "$d/bin/java") || continue
        if [ "$v" -ge "$min" ] && [ "$v" -gt "$best_v" ]; then
            best=$d best_v=$v
        fi
    done
    if [ -n "$best" ]; then
        JAVA_HOME=$best
        export JAVA_HOME
        return 0
    fi
    echo "Slipway needs a JDK $min or newer; install e.g. openjdk-21-jdk or set JAVA_HOME" >&2
    return 1
}

# quiet_maven: on JDK 23+, silence the sun.misc.Unsafe warnings that Maven's
# own Guice prints (JEP 471/498); it only affects the Maven JVM, not test JVMs.
quiet_maven() {
    local v
    v=$(java_major "$JAVA_HOME/bin/java") || return 0
    if [ "$v" -ge 23 ]; then
        case " ${MAVEN_OPTS:-} " in
            *" --sun-misc-unsafe-memory-access="*) ;;
            *) export MAVEN_OPTS="${MAVEN_OPTS:+$MAVEN_OPTS }--sun-misc-unsafe-memory-access=allow" ;;
        esac
    fi
    return 0
}

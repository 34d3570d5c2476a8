package dev.slipway.ci.definition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Every problem the parser reports, each asserted with its file, line and column. */
class PipelineValidationTest {
    private static final String F = ".slipway/build.yml:";

    static List<String> problems(String yaml) {
        PipelineDefinitionException e = catchThrowableOfType(PipelineDefinitionException.class,
                () -> new PipelineParser().parse(".slipway/build.yml", yaml));
        assertThat(e).as("expected problems in:\n" + yaml).isNotNull();
        assertThat(e.getMessage()).isEqualTo(String.join("\n", e.problems().stream().map(Problem::toString).toList()));
        return e.problems().stream().map(Problem::toString).toList();
    }

    @Test
    void unknownKeysWithDidYouMeanOrTheKeysThatExist() {
        assertThat(problems("""
                images:
                  box: local/busybox:1
                task:
                  build: { image: box, commands: [x] }
                """)).containsExactly(
                F + "1:1: the pipeline needs 'tasks'",
                F + "3:1: unknown key 'task' in the pipeline (did you mean 'tasks'?)");

        assertThat(problems("""
                images:
                  box: local/busybox:1
                tasks:
                  build:
                    image: box
                    commands: [make]
                    dependson: [x]
                    colour: red
                """)).containsExactly(
                F + "7:5: unknown key 'dependson' in task 'build' (did you mean 'depends_on'?)",
                F + "8:5: unknown key 'colour' in task 'build' (expected one of: caches, commands, depends_on, deploy, env,"
                        + " image, network, outputs, publish, resources, runs_on, secrets, timeout, when)");
    }

    @Test
    void unknownKeysInEveryNestedMapping() {
        assertThat(problems("""
                on: { pushh: true }
                images:
                  a: { ref: alpine, pul: always }
                  b: { build: { context: ., dockerfil: Dockerfile } }
                repositories:
                  - { url: https://h/x.git, revison: main }
                tasks:
                  t:
                    image: a
                    commands: [x]
                    secrets: [ { name: A, enn: B } ]
                    caches: [ { name: c, path: /c, share: true } ]
                    deploy: { target: t, pth: /d }
                    resources: { mem: 1GiB }
                """)).containsExactly(
                F + "1:7: unknown key 'pushh' in 'on' (did you mean 'push'?)",
                F + "3:21: unknown key 'pul' in image 'a' (did you mean 'pull'?)",
                F + "4:29: unknown key 'dockerfil' in 'build' of image 'b' (did you mean 'dockerfile'?)",
                F + "6:5: repository #1 needs 'revision'",
                F + "6:29: unknown key 'revison' in repository #1 (did you mean 'revision'?)",
                F + "11:27: unknown key 'enn' in a secret of task 't' (did you mean 'env'?)",
                F + "12:36: unknown key 'share' in a cache of task 't' (did you mean 'shared'?)",
                F + "13:26: unknown key 'pth' in 'deploy' of task 't' (did you mean 'path'?)",
                F + "14:18: unknown key 'mem' in 'resources' of task 't' (expected one of: cpus, memory)");
    }

    @Test
    void namesOfTasksAndImages() {
        assertThat(problems("""
                images:
                  Box: alpine
                tasks:
                  Build: { image: Box, commands: [x] }
                  -x: { image: Box, commands: [x] }
                """)).containsExactly(
                F + "2:3: image name 'Box' must be lower-case letters, digits, '_' and '-', starting with a letter or digit, at most 63",
                F + "4:3: task name 'Build' must be lower-case letters, digits, '_' and '-', starting with a letter or digit, at most 63",
                F + "5:3: task name '-x' must be lower-case letters, digits, '_' and '-', starting with a letter or digit, at most 63");
    }

    @Test
    void aTasksImageMustBeDeclared() {
        assertThat(problems("""
                images:
                  box: alpine
                tasks:
                  a: { image: bx, commands: [x] }
                  b: { image: node, commands: [x] }
                  c: { commands: [x] }
                """)).containsExactly(
                F + "4:15: task 'a' uses undeclared image 'bx' (did you mean 'box'?)",
                F + "5:15: task 'b' uses undeclared image 'node'",
                F + "6:3: task 'c' needs 'image'");
        assertThat(problems("""
                tasks:
                  a: { image: box, commands: [x] }
                """)).containsExactly(F + "2:15: task 'a' uses undeclared image 'box' (declare it under 'images')");
    }

    @Test
    void dependsOnMustNameTasks() {
        assertThat(problems("""
                images: { box: alpine }
                tasks:
                  build:
                    image: box
                    commands: [make]
                  check:
                    image: box
                    commands: [make]
                    depends_on:
                      - biuld
                      - build
                      - build
                """)).containsExactly(
                F + "10:9: task 'check' depends on unknown task 'biuld' (did you mean 'build'?)",
                F + "12:9: task 'check' lists 'build' twice in depends_on");
    }

    @Test
    void cyclesAreSpelledOutAtTheDependencyThatClosesThem() {
        assertThat(problems("""
                images: { box: alpine }
                tasks:
                  setup: { image: box, commands: [x] }
                  build: { image: box, commands: [x], depends_on: [setup, test] }
                  test: { image: box, commands: [x], depends_on: [build] }
                  a: { image: box, commands: [x], depends_on: [c] }
                  b: { image: box, commands: [x], depends_on: [a] }
                  c: { image: box, commands: [x], depends_on: [b] }
                  d: { image: box, commands: [x], depends_on: [a] }
                  self: { image: box, commands: [x], depends_on: [self] }
                """)).containsExactly(
                F + "4:59: tasks depend on each other in a cycle: build -> test -> build (each needs the one before it)",
                F + "6:48: tasks depend on each other in a cycle: a -> b -> c -> a (each needs the one before it)",
                F + "10:51: tasks depend on each other in a cycle: self -> self (each needs the one before it)");
    }

    @Test
    void aGraphWhereNoTaskCanStartIsRefused() {
        assertThat(problems("""
                images: { box: alpine }
                tasks:
                  a: { image: box, commands: [x], depends_on: [b] }
                  b: { image: box, commands: [x], depends_on: [a] }
                """)).containsExactly(
                F + "2:1: no task can start: every task depends on another, but at least one must have no depends_on",
                F + "3:48: tasks depend on each other in a cycle: a -> b -> a (each needs the one before it)");
        assertThat(problems("""
                images: { box: alpine }
                tasks: {}
                """)).containsExactly(F + "2:1: 'tasks' is empty; a pipeline needs at least one task");
    }

    @Test
    void commands() {
        assertThat(problems("""
                images: { box: alpine }
                tasks:
                  a: { image: box }
                  b: { image: box, commands: [] }
                  c: { image: box, commands: ["", [x], { y: z }] }
                  d: { image: box, commands: { x: y } }
                  e: { image: box, commands: }
                  f:
                    image: box
                    commands:
                      - curl -H "Authorization: Bearer $T" https://x/
                      - { a: 1, b: 2 }
                """)).containsExactly(
                F + "3:3: task 'a' needs 'commands'",
                F + "4:30: task 'b' has no commands",
                F + "5:31: a command of task 'c' is empty",
                F + "5:35: a command of task 'c' must be a single value, not a list",
                F + "5:40: a command of task 'c' must be a single value, not a mapping",
                F + "6:30: 'commands' of task 'd' must be a list, not a mapping",
                F + "7:20: 'commands' in task 'e' needs a value",
                F + "11:9: a command of task 'f' must be a single value, but reads as a mapping because of the ': ' in it;"
                        + " quote it, or write it in a | block",
                F + "12:9: a command of task 'f' must be a single value, not a mapping");
    }

    @Test
    void outputsAreRelativeWithoutDotDot() {
        assertThat(problems("""
                images: { box: alpine }
                tasks:
                  t:
                    image: box
                    commands: [x]
                    outputs: [/abs, a/../b, .., ok/dir, ./fine]
                """)).containsExactly(
                F + "6:15: output '/abs' of task 't' must be a path relative to the working directory, without '..'",
                F + "6:21: output 'a/../b' of task 't' must be a path relative to the working directory, without '..'",
                F + "6:29: output '..' of task 't' must be a path relative to the working directory, without '..'");
    }

    @Test
    void cacheDeployAndSecretFilePathsAreAbsoluteAndDistinct() {
        assertThat(problems("""
                images: { box: alpine }
                tasks:
                  t:
                    image: box
                    commands: [x]
                    caches: [ { name: c, path: rel }, { name: d, path: /same }, { name: e, path: /same/ }, { name: d, path: /x/../y } ]
                    deploy: { target: sites, path: deploy }
                  u:
                    image: box
                    commands: [x]
                    secrets: [ { name: S, file: /deploy } ]
                    deploy: sites
                """)).containsExactly(
                F + "6:32: the path of cache 'c' must be an absolute path without '..', not 'rel'",
                F + "6:82: task 't' mounts cache 'e' at /same/, where it already mounts cache 'd'",
                F + "6:109: the path of cache 'd' must be an absolute path without '..', not '/x/../y'",
                F + "7:36: the deploy path of task 't' must be an absolute path without '..', not 'deploy'",
                F + "12:13: task 'u' mounts deploy target 'sites' at /deploy, where it already mounts secret 'S'");
    }

    @Test
    void cacheAndDeployNames() {
        assertThat(problems("""
                images: { box: alpine }
                tasks:
                  t:
                    image: box
                    commands: [x]
                    caches: [ { name: ../up, path: /c }, { name: c, path: /c1 }, { name: c, path: /c2 }, { path: /p } ]
                    deploy: ../etc
                """)).containsExactly(
                F + "6:23: cache name '../up' must be letters, digits, '.', '_' and '-', starting with a letter or digit",
                F + "6:74: task 't' lists cache 'c' twice",
                F + "6:90: a cache of task 't' needs 'name'",
                F + "7:13: deploy target name '../etc' must be letters, digits, '.', '_' and '-', starting with a letter or digit");
    }

    @Test
    void envNames() {
        assertThat(problems("""
                images: { box: alpine }
                variables: { 9LIVES: x, SLIPWAY_MINE: y }
                tasks:
                  t:
                    image: box
                    commands: [x]
                    env: { 1A: x, A-B: y, SLIPWAY_X: z, slipway_y: w, EMPTY:, OK: "", LIST: [a] }
                """)).containsExactly(
                F + "2:14: '9LIVES' is not a valid variable name (letters, digits and '_', not starting with a digit)",
                F + "2:25: 'SLIPWAY_MINE': names starting with SLIPWAY_ are reserved for Slipway",
                F + "7:12: '1A' is not a valid environment variable name (letters, digits and '_', not starting with a digit)",
                F + "7:19: 'A-B' is not a valid environment variable name (letters, digits and '_', not starting with a digit)",
                F + "7:27: 'SLIPWAY_X': names starting with SLIPWAY_ are reserved for Slipway",
                F + "7:41: 'slipway_y': names starting with SLIPWAY_ are reserved for Slipway",
                F + "7:55: env 'EMPTY' of task 't' needs a value",
                F + "7:77: env 'LIST' of task 't' must be a single value, not a list");
    }

    @Test
    void secrets() {
        assertThat(problems("""
                images: { box: alpine }
                tasks:
                  t:
                    image: box
                    commands: [x]
                    env: { A: x }
                    secrets:
                      - ssh-key
                      - { name: K, env: A }
                      - { name: K, file: /k }
                      - { name: F, file: rel }
                      - { name: key-file }
                      - { env: X }
                      - { name: V, env: SLIPWAY_V }
                """)).containsExactly(
                F + "8:9: secret 'ssh-key' is not a valid environment variable name;"
                        + " write { name: ssh-key, env: SOME_NAME } or { name: ssh-key, file: /run/secrets/ssh-key }",
                F + "9:9: secret 'K' of task 't' would set A, which the task already sets",
                F + "10:9: task 't' lists secret 'K' twice",
                F + "11:26: 'file' of secret 'F' must be an absolute path without '..', not 'rel'",
                F + "12:17: secret 'key-file' is not a valid environment variable name; give 'env' or 'file'",
                F + "13:9: a secret of task 't' needs 'name'",
                F + "14:25: 'SLIPWAY_V': names starting with SLIPWAY_ are reserved for Slipway");
    }

    @Test
    void inCommandsOnlyUnknownBuiltInsAreErrorsWhileEnvValuesNeedDeclaredNames() {
        assertThat(problems("""
                images: { box: alpine }
                variables: { TARGET: prod }
                tasks:
                  t:
                    image: box
                    commands:
                      - echo ${TARGT} and ${HOME} and ${SLIPWAY_COMIT}
                      - "quoted ${NOPE}"
                      - |
                        first line
                          then ${slipway_deep}
                    env: { A: "x${SLIPWAY_COMIT}", B: "${HOME}" }
                """)).containsExactly(
                F + "7:39: task 't' uses unknown built-in variable 'SLIPWAY_COMIT' (did you mean 'SLIPWAY_COMMIT'?);"
                        + " names starting with SLIPWAY_ are Slipway's (see the built-in variables)",
                F + "11:16: task 't' uses unknown built-in variable 'slipway_deep' (did you mean 'SLIPWAY_REF'?); names starting with SLIPWAY_ are Slipway's (see the built-in variables)",
                F + "12:17: task 't' uses unknown built-in variable 'SLIPWAY_COMIT' (did you mean 'SLIPWAY_COMMIT'?);"
                        + " names starting with SLIPWAY_ are Slipway's (see the built-in variables)",
                F + "12:40: task 't' uses undeclared variable 'HOME'; declare it under 'variables' (env values are not read by a shell)");
    }

    @Test
    void seed000sVersionSnippetIsAcceptedUnchanged() {
        assertThat(new PipelineParser().parse(".slipway/build.yml", """
                images: { box: alpine }
                tasks:
                  version:
                    image: box
                    commands:
                      - |
                        LATEST=$(git describe --tags --abbrev=0 2>/dev/null || echo "v0.0.0")
                        VERSION=${LATEST#v}
                        IFS='.' read -r MAJOR MINOR PATCH <<< "$VERSION"
                        MAJOR=$((MAJOR + 1)); MINOR=0; PATCH=0
                        echo "version=v${MAJOR}.${MINOR}.${PATCH}"
                """).task("version").commands().getFirst()).contains("VERSION=${LATEST#v}");
    }

    @Test
    void positionsCountCharactersNotBytesAndSurviveCrLfAndByteOrderMarks() {
        String yaml = "images: { box: alpine }\r\ntasks:\r\n  t:\r\n    image: box\r\n"
                + "    commands: [\"échö 🚀 ${SLIPWAY_NOPE}\"]\r\n";
        String expected = F + "5:24: task 't' uses unknown built-in variable 'SLIPWAY_NOPE' (did you mean 'SLIPWAY_REPO'?); names starting with SLIPWAY_ are Slipway's"
                + " (see the built-in variables)";
        assertThat(problems(yaml)).containsExactly(expected);
        assertThat(problems("\uFEFF" + yaml)).containsExactly(expected);
    }

    @Test
    void repositories() {
        assertThat(problems("""
                images: { box: alpine }
                repositories:
                  - { url: "not a url", revision: "-x" }
                  - { url: https://h/lib.git, revision: main }
                  - { url: https://h/other/lib, revision: main, mutable: yes, submodules: 1 }
                  - https://h/x.git
                  - { url: https://h/a.git, revision: main, name: lib }
                  - { url: https://h/b.git, revision: "has space", key: ../k, name: .hidden }
                  - { url: "file:///", revision: main }
                tasks:
                  t: { image: box, commands: [x] }
                """)).containsExactly(
                F + "3:12: 'url' of repository #1 must be an https, ssh, git or file URL, or git@host:path, not 'not a url'",
                F + "3:35: 'revision' of repository #1 must be a branch, tag or commit: no spaces, not starting with '-'",
                F + "5:58: 'mutable' of repository #3 must be true or false, not 'yes'",
                F + "5:75: 'submodules' of repository #3 must be true or false, not '1'",
                F + "6:5: repository #4 must be a mapping (key: value), not 'https://h/x.git'",
                F + "7:5: two repositories are mounted at /src/lib (the first at line 4); give one of them a different 'name'",
                F + "8:39: 'revision' of repository #6 must be a branch, tag or commit: no spaces, not starting with '-'",
                F + "8:57: deploy key name '../k' must be letters, digits, '.', '_' and '-', starting with a letter or digit",
                F + "8:69: mount name '.hidden' must be letters, digits, '.', '_' and '-', starting with a letter or digit",
                F + "9:12: cannot take a mount name from 'file:///'; set 'name' of repository #7");
        assertThat(problems("""
                images: { box: alpine }
                repositories: { url: https://h/x.git }
                tasks:
                  t: { image: box, commands: [x] }
                """)).containsExactly(F + "2:15: 'repositories' must be a list, not a mapping");
    }

    @Test
    void aDeployKeyIsForSshAndCredentialsAreForHttps() {
        assertThat(problems("""
                images: { box: alpine }
                repositories:
                  - { url: https://h/a.git, revision: main, key: a-deploy }
                  - { url: "ssh://git@h/b.git", revision: main, credentials: B_TOKEN }
                  - { url: "file:///srv/c.git", revision: main, credentials: C_TOKEN }
                  - { url: https://h/d.git, revision: main, credentials: d-token }
                  - { url: "git@h:e.git", revision: main, key: e-deploy }
                  - { url: http://h/f.git, revision: main, credentials: F_TOKEN }
                tasks:
                  t: { image: box, commands: [x] }
                """)).containsExactly(
                F + "3:45: 'key' of repository #1 is for ssh URLs (it names a deploy key); an http(s) URL takes 'credentials' (a secret)",
                F + "4:49: 'credentials' of repository #2 is for http(s) URLs (it names a secret); an ssh URL takes 'key' (a deploy key)",
                F + "5:49: 'credentials' of repository #3 is for http(s) URLs (it names a secret); 'file:///srv/c.git' needs neither",
                F + "6:58: 'd-token' is not a valid secret name (letters, digits and '_', not starting with a digit)");
    }

    @Test
    void images() {
        assertThat(problems("""
                images:
                  a: { ref: Local/Busybox, pull: never }
                  b: { ref: x, build: {} }
                  c: { pull: always }
                  d: { build: { context: ../up, dockerfile: /Dockerfile }, pull: always }
                  e: !!binary AAAA
                  f:
                  g: "with space:1"
                tasks:
                  t: { image: a, commands: [x] }
                """)).containsExactly(
                F + "2:13: image 'a': 'Local/Busybox' is not an image reference such as alpine:3.21 or registry.example/team/app:1.0",
                F + "2:34: 'pull' of image 'a' must be 'if-not-present' or 'always', not 'never'",
                F + "3:3: image 'b' needs exactly one of 'ref' (an image to pull) and 'build' (a Dockerfile to build)",
                F + "4:3: image 'c' needs exactly one of 'ref' (an image to pull) and 'build' (a Dockerfile to build)",
                F + "5:17: 'context' of image 'd' must be a path in the repository, without '..'",
                F + "5:45: 'dockerfile' of image 'd' must be a path in the repository, without '..'",
                F + "5:60: 'pull' of image 'd' applies to 'ref' only; a built image is never pulled",
                F + "6:6: YAML tag '!!binary' is not supported here",
                F + "7:3: image 'f' needs a value",
                F + "8:6: image 'g': 'with space:1' is not an image reference such as alpine:3.21 or registry.example/team/app:1.0");
    }

    @Test
    void networkTimeoutAndResources() {
        assertThat(problems("""
                images: { box: alpine }
                tasks:
                  t:
                    image: box
                    commands: [x]
                    network: none-please
                    timeout: 10 minutes
                    resources: { memory: 1MiB, cpus: lots }
                  u:
                    image: box
                    commands: [x]
                    network: host
                    timeout: 0s
                    resources: { memory: 99999999999999999TiB, cpus: 0.001 }
                  v:
                    image: box
                    commands: [x]
                    timeout: "30"
                    resources: { memory: -1, cpus: -2 }
                """)).containsExactly(
                F + "6:14: 'network' of task 't' must be 'default' or 'none', not 'none-please'",
                F + "7:14: 'timeout' of task 't' must be a duration such as 30s, 10m or 1h30m, not '10 minutes'",
                F + "8:26: 'memory' of task 't' is below Docker's minimum of 6MiB",
                F + "8:38: 'cpus' of task 't' must be a number of CPUs such as 1 or 1.5 (at least 0.01), not 'lots'",
                F + "12:14: 'network' of task 'u' must be 'default' or 'none', not 'host'",
                F + "13:14: 'timeout' of task 'u' must be a duration such as 30s, 10m or 1h30m, not '0s'",
                F + "14:26: 'memory' of task 'u' must be a size such as 512MiB or 2GiB, not '99999999999999999TiB'",
                F + "14:54: 'cpus' of task 'u' must be a number of CPUs such as 1 or 1.5 (at least 0.01), not '0.001'",
                F + "18:14: 'timeout' of task 'v' must be a duration such as 30s, 10m or 1h30m, not '30'",
                F + "19:26: 'memory' of task 'v' must be a size such as 512MiB or 2GiB, not '-1'",
                F + "19:36: 'cpus' of task 'v' must be a number of CPUs such as 1 or 1.5 (at least 0.01), not '-2'");
    }

    @Test
    void pullRequestAndScheduleTriggers() {
        assertThat(problems("""
                on:
                  pull_request: { branches: [main], types: [opened, merged], path: [x] }
                  cron:
                    - "0 3 * * *"
                    - { schedule: "0 * * * *", branch: develop, timezone: Mars/Olympus }
                    - { branch: develop }
                images: { box: alpine }
                tasks:
                  t: { image: box, commands: [x] }
                """)).containsExactly(
                F + "2:53: pull request type 'merged' is not one of opened, synchronize, reopened, closed",
                F + "2:62: unknown key 'path' in 'on.pull_request' (did you mean 'paths'?)",
                F + "5:59: timezone 'Mars/Olympus' is not a time zone (use an IANA name such as Europe/Berlin, or UTC)",
                F + "6:7: a schedule in 'on.cron' needs 'schedule'");
    }

    @Test
    void triggers() {
        assertThat(problems("""
                on:
                  push: yes
                  manual: maybe
                  cron: ["0 3 * *", "0 24 * * *", "0 3 ? * *", "*/0 * * * *", "5-1 * * * *", "0 0 * FOO *"]
                images: { box: alpine }
                tasks:
                  t: { image: box, commands: [x] }
                """)).containsExactly(
                F + "2:9: 'on.push' must be true, false or a mapping of branches, tags, paths and skip, not 'yes'",
                F + "3:11: 'on.manual' must be true or false, not 'maybe'",
                F + "4:10: cron schedule '0 3 * *': 4 fields, expected 5: minute hour day-of-month month day-of-week"
                        + " (or @hourly, @daily, @weekly, @monthly, @yearly)",
                F + "4:21: cron schedule '0 24 * * *': hour '24' is not a number from 0 to 23",
                F + "4:35: cron schedule '0 3 ? * *': day-of-month '?' is not a number from 1 to 31",
                F + "4:48: cron schedule '*/0 * * * *': minute step '0' must be a number from 1 to 99",
                F + "4:63: cron schedule '5-1 * * * *': minute range '5-1' runs backwards",
                F + "4:78: cron schedule '0 0 * FOO *': month 'FOO' is not a name or a number from 1 to 12");
        assertThat(problems("""
                on:
                  push: { branches: main, tags: [""], path: [x] }
                images: { box: alpine }
                tasks:
                  t: { image: box, commands: [x] }
                """)).containsExactly(
                F + "2:34: a pattern in 'on.push.tags' is empty",
                F + "2:39: unknown key 'path' in 'on.push' (did you mean 'paths'?)");
    }

    @Test
    void yamlItselfDuplicatesTagsAndQuotedBooleans() {
        assertThat(problems("images: [\n  - x\n")).containsExactly(
                F + "2:3: invalid YAML: while parsing a flow node, expected the node content, but found '-'");
        assertThat(problems("a: 1\n---\nb: 2\n")).containsExactly(
                F + "2:1: invalid YAML: expected a single document in the stream, but found another document");
        assertThat(problems("tasks:\n\tt: x\n")).hasSize(1).first().asString().startsWith(F + "2:1: invalid YAML:");
        assertThat(problems("")).containsExactly(".slipway/build.yml: the file is empty; a pipeline needs 'tasks'");
        assertThat(problems("# only a comment\n")).containsExactly(".slipway/build.yml: the file is empty; a pipeline needs 'tasks'");
        assertThat(problems("- a\n- b\n")).containsExactly(F + "1:1: the pipeline must be a mapping (key: value), not a list");
        assertThat(problems("""
                images: { box: alpine }
                tasks:
                  t:
                    image: box
                    commands: [x]
                    image: box
                  t: { image: box, commands: [y] }
                repositories:
                  - { url: https://h/x.git, revision: main, mutable: "false" }
                ? [complex]
                : key
                """)).containsExactly(
                F + "6:5: duplicate key 'image' in task 't' (first at line 4)",
                F + "7:3: duplicate key 't' in 'tasks' (first at line 3)",
                F + "9:54: 'mutable' of repository #1 must be true or false, not the quoted string 'false'",
                F + "10:3: keys in the pipeline must be plain names");
    }

    @Test
    void mergeKeysMustMergeMappings() {
        assertThat(problems("""
                x-list: &list [a]
                images: { box: alpine }
                tasks:
                  t:
                    <<: *list
                    image: box
                    commands: [x]
                """)).containsExactly(F + "1:16: '<<' merges mappings only, not 'a'");
    }

    @Test
    void thePipelineNameComesFromTheFileName() {
        PipelineDefinitionException e = catchThrowableOfType(PipelineDefinitionException.class,
                () -> new PipelineParser().parse(".slipway/Build Stuff.yml", "images: { box: alpine }\ntasks: { t: { image: box, commands: [x] } }\n"));
        assertThat(e.problems()).extracting(Problem::toString).containsExactly(".slipway/Build Stuff.yml: the pipeline name 'Build Stuff'"
                + " (the file name without .yml) must be lower-case letters, digits, '_' and '-', starting with a letter or digit, at most 63");
    }

    @Test
    void everyProblemInAFileIsReportedInFileOrder() {
        List<String> all = problems("""
                tasks:
                  build:
                    image: nope
                    commands: [x]
                    timeout: forever
                  check:
                    image: nope
                    depends_on: [biuld]
                    commands: [x]
                images: { box: alpine }
                colour: blue
                """);
        assertThat(all).containsExactly(
                F + "3:12: task 'build' uses undeclared image 'nope'",
                F + "5:14: 'timeout' of task 'build' must be a duration such as 30s, 10m or 1h30m, not 'forever'",
                F + "7:12: task 'check' uses undeclared image 'nope'",
                F + "8:18: task 'check' depends on unknown task 'biuld' (did you mean 'build'?)",
                F + "11:1: unknown key 'colour' in the pipeline (expected one of: concurrency, images, notify, on, permissions, repositories, tasks, variables, version, x-*)");
    }
}

package dev.slipway.ci.definition;

import static dev.slipway.ci.definition.PipelineValidationTest.problems;
import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.ci.model.Permissions;
import dev.slipway.ci.model.Permissions.Access;
import dev.slipway.ci.model.Pipeline;
import dev.slipway.ci.model.Publish;
import dev.slipway.ci.model.Task;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Publish tasks and {@code permissions}: what they read into, and every problem with its file, line and column. */
class PublishDefinitionTest {
    private static final String F = ".slipway/build.yml:";

    private static Pipeline parse(String yaml) {
        return new PipelineParser().parse(".slipway/build.yml", yaml);
    }

    @Test
    void publishTasksReadIntoTheModel() {
        Pipeline p = parse("""
                variables: { CHANNEL: stable }
                images:
                  box: local/busybox:1
                  app: { build: { context: . } }
                tasks:
                  test:
                    image: box
                    commands: [ "true" ]
                  publish:
                    depends_on: [test]
                    timeout: 10m
                    publish:
                      image: app
                      to: admin/app
                      tags: [ "${SLIPWAY_COMMIT_SHORT}", latest, "v1.${CHANNEL}" ]
                      keep: 10
                  mirror:
                    depends_on: [publish]
                    when: { branch: main }
                    publish: { image: app, to: "registry.example:5000/team/app", tags: latest, credentials: MIRROR_CREDENTIALS }
                """);
        Task publish = p.task("publish");
        assertThat(publish.publish()).isEqualTo(new Publish("app", "admin/app", List.of("${SLIPWAY_COMMIT_SHORT}", "latest", "v1.${CHANNEL}"),
                10, null));
        assertThat(publish.image()).isEqualTo("app");
        assertThat(publish.commands()).isEmpty();
        assertThat(publish.dependsOn()).containsExactly("test");
        assertThat(publish.timeout()).hasMinutes(10);
        assertThat(publish.publish().ownRegistry()).isTrue();
        Task mirror = p.task("mirror");
        assertThat(mirror.publish()).isEqualTo(new Publish("app", "registry.example:5000/team/app", List.of("latest"), null,
                "MIRROR_CREDENTIALS"));
        assertThat(mirror.publish().ownRegistry()).isFalse();
        assertThat(mirror.when()).isNotEqualTo(dev.slipway.ci.model.Condition.DEFAULT);
        assertThat(publish.when()).isEqualTo(dev.slipway.ci.model.Condition.DEFAULT);
        assertThat(p.task("test").publish()).isNull();
        assertThat(p.permissions()).isEqualTo(Permissions.DEFAULT);
    }

    @Test
    void ownRegistryOrAHostFirstAsDockerReadsIt() {
        assertThat(Publish.hasRegistryHost("admin/app")).isFalse();
        assertThat(Publish.hasRegistryHost("team/group/app")).isFalse();
        assertThat(Publish.hasRegistryHost("ghcr.io/team/app")).isTrue();
        assertThat(Publish.hasRegistryHost("127.0.0.1:5000/team/app")).isTrue();
        assertThat(Publish.hasRegistryHost("localhost/app")).isTrue();
        assertThat(Publish.hasRegistryHost("registry:5000/app")).isTrue();
    }

    @Test
    void aPublishTaskHasNoCommandsAndNamesItsImageUnderPublish() {
        assertThat(problems("""
                images: { box: local/busybox:1 }
                tasks:
                  p:
                    image: box
                    commands: [ "docker push" ]
                    env: { A: b }
                    publish: { image: box, to: admin/app, tags: [latest] }
                """)).containsExactly(
                F + "4:5: 'image' does not go with 'publish' in task 'p': name the image to push under 'publish'"
                        + " (publish: { image: ..., to: ..., tags: [...] })",
                F + "5:5: 'commands' does not go with 'publish' in task 'p': a publish task pushes an image and runs no commands;"
                        + " put the commands in a task of their own",
                F + "6:5: 'env' does not apply to a publish task (task 'p' runs no container; it may have depends_on, timeout and when)");
    }

    @Test
    void imageToAndTagsAreChecked() {
        assertThat(problems("""
                images: { app: local/app:1 }
                tasks:
                  p:
                    publish:
                      image: ap
                      to: Admin/App
                      tags: []
                  q:
                    publish: { image: app, to: "admin/app:1", tags: [ latest ] }
                  r:
                    publish: { to: admin/app, tags: [ "-x", "a/b", "v${VERSION}", "${SLIPWAY_COMMITT}", ".${SLIPWAY_COMMIT}", latest, latest ] }
                  s:
                    publish:
                """)).containsExactly(
                F + "5:14: 'publish' of task 'p' uses undeclared image 'ap' (did you mean 'app'?)",
                F + "6:11: 'to' of 'publish' of task 'p' must be owner/name for Slipway's own registry, or host[:port]/path/name"
                        + " for another registry (lower-case path components), not 'Admin/App'",
                F + "7:13: 'publish' of task 'p' needs at least one tag, such as \"${SLIPWAY_COMMIT_SHORT}\" or latest",
                F + "9:32: 'to' of 'publish' of task 'q' names a repository, without a tag or digest (':1'); list tags under 'tags'",
                F + "11:5: 'publish' of task 'r' needs 'image'",
                F + "11:39: '-x' in 'publish' of task 'r' is not a valid tag: letters, digits, '_', '.' and '-', not starting with"
                        + " '.' or '-', at most 128 characters",
                F + "11:45: 'a/b' in 'publish' of task 'r' is not a valid tag: letters, digits, '_', '.' and '-', not starting with"
                        + " '.' or '-', at most 128 characters",
                F + "11:54: 'publish' of task 'r' uses undeclared variable 'VERSION'; declare it under 'variables' (tags are not"
                        + " read by a shell)",
                F + "11:68: 'publish' of task 'r' uses unknown built-in variable 'SLIPWAY_COMMITT' (did you mean 'SLIPWAY_COMMIT'?);"
                        + " names starting with SLIPWAY_ are Slipway's (see the built-in variables)",
                F + "11:89: '.${SLIPWAY_COMMIT}' in 'publish' of task 'r' can never be a valid tag: letters, digits, '_', '.' and '-',"
                        + " not starting with '.' or '-', at most 128 characters",
                F + "11:119: 'publish' of task 'r' lists tag 'latest' twice",
                F + "13:5: 'publish' in task 's' needs a value: { image: ..., to: ..., tags: [...] }");
    }

    @Test
    void keepAndCredentialsFitTheRegistry() {
        assertThat(problems("""
                images: { app: local/app:1 }
                tasks:
                  own:
                    publish: { image: app, to: admin/app, tags: [latest], credentials: REG, keep: 0 }
                  other:
                    publish: { image: app, to: ghcr.io/team/app, tags: [latest], keep: 5, credentials: bad-name }
                  many:
                    publish: { image: app, to: admin/app, tags: [latest], keep: ten }
                """)).containsExactly(
                F + "4:59: 'credentials' of 'publish' of task 'own' is for another registry; Slipway's own registry needs none"
                        + " (the push has the rights of the user the run belongs to)",
                F + "4:83: 'keep' of 'publish' of task 'own' must be a number of tags of at least 1 (the newest N are kept;"
                        + " latest always is), not '0'",
                F + "6:66: 'keep' of 'publish' of task 'other' applies Slipway's own retention, so it is only for Slipway's own"
                        + " registry (owner/name); another registry cleans up by its own rules",
                F + "6:88: 'bad-name' is not a valid secret name (letters, digits and '_', not starting with a digit)",
                F + "8:65: 'keep' of 'publish' of task 'many' must be a number of tags of at least 1 (the newest N are kept;"
                        + " latest always is), not 'ten'");
    }

    @Test
    void permissionsInGitHubsWords() {
        assertThat(parse(withPermissions("{ packages: read, repository: read }")).permissions())
                .isEqualTo(new Permissions(Access.READ, Access.READ));
        // As in GitHub: what a mapping does not name is none.
        assertThat(parse(withPermissions("{ packages: write }")).permissions()).isEqualTo(new Permissions(Access.WRITE, Access.NONE));
        assertThat(parse(withPermissions("{}")).permissions()).isEqualTo(new Permissions(Access.NONE, Access.NONE));
        assertThat(parse(withPermissions("read-all")).permissions()).isEqualTo(new Permissions(Access.READ, Access.READ));
        assertThat(parse(withPermissions("write-all")).permissions()).isEqualTo(new Permissions(Access.WRITE, Access.READ));

        assertThat(problems(withPermissions("{ contents: read, packges: write, repository: write, packages: all }"))).containsExactly(
                F + "1:16: 'contents' in 'permissions' is a GitHub permission that Slipway's job token does not have; it has"
                        + " 'packages' (the registry repositories of the repository's owner) and 'repository' (this repository's runs"
                        + " and logs)",
                F + "1:32: unknown key 'packges' in 'permissions' (did you mean 'packages'?)",
                F + "1:60: 'repository' in 'permissions' can be read or none: the job token reads the run's repository (its runs"
                        + " and logs) and never changes it",
                F + "1:77: 'packages' in 'permissions' must be read, write or none, not 'all'");
        assertThat(problems(withPermissions("everything"))).containsExactly(
                F + "1:14: 'permissions' must be read-all, write-all or a mapping such as { packages: read, repository: read },"
                        + " not 'everything'");
    }

    @Test
    void publishingToSlipwaysRegistryNeedsPackagesWrite() {
        assertThat(problems("""
                permissions: { packages: read, repository: read }
                images: { app: local/app:1 }
                tasks:
                  p:
                    publish: { image: app, to: admin/app, tags: [latest] }
                  elsewhere:
                    publish: { image: app, to: ghcr.io/team/app, tags: [latest] }
                """)).containsExactly(
                F + "5:32: task 'p' publishes to Slipway's registry, which needs 'packages: write' in 'permissions'"
                        + " (the pipeline gives 'packages: read')");
    }

    private static String withPermissions(String permissions) {
        return "permissions: " + permissions + "\nimages: { box: local/busybox:1 }\ntasks:\n  t: { image: box, commands: [ \"true\" ] }\n";
    }
}

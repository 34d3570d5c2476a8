package dev.slipway.actions.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** build-push-action's cache entries as Slipway's classic builds honor them, and what they say about the rest. */
class BuildCacheTest {
    static final String REGISTRY = "10.0.0.1:8080";

    @Test
    void registryCachesAreImagesToPullAndPush() {
        BuildCache.Plan p = BuildCache.plan(List.of("type=registry,ref=reg.example/a/app:cache", "reg.example/a/base"),
                List.of("type=registry,ref=reg.example/a/app:cache,mode=min,ignore-error=true"), REGISTRY, "Alice/App");
        assertThat(p.from()).containsExactly("reg.example/a/app:cache", "reg.example/a/base:latest");
        assertThat(p.to()).containsExactly("reg.example/a/app:cache");
        assertThat(p.warnings()).isEmpty();
    }

    @Test
    void ghaIsACacheImageBesideTheRunsRepositoryInSlipwaysRegistry() {
        BuildCache.Plan p = BuildCache.plan(List.of("type=gha"), List.of("type=gha,scope=build/worker,mode=max"), REGISTRY, "Alice/App");
        assertThat(p.from()).containsExactly(REGISTRY + "/alice/app/buildcache:buildkit");
        assertThat(p.to()).containsExactly(REGISTRY + "/alice/app/buildcache:build-worker");
        assertThat(p.warnings()).containsExactly("cache-to type=gha,scope=build/worker,mode=max: mode=max is not supported by Slipway's "
                + "builds (the engine's classic builder): only the layers of the image's own stage are cached, as with mode=min");
        BuildCache.Plan none = BuildCache.plan(List.of("type=gha"), List.of(), null, "alice/app");
        assertThat(none.from()).isEmpty();
        assertThat(none.warnings()).singleElement().asString().contains("type=gha is kept in Slipway's registry");
    }

    @Test
    void whatCannotBeHonoredIsNamed() {
        BuildCache.Plan p = BuildCache.plan(List.of("type=local,src=/tmp/cache", "type=registry"),
                List.of("type=inline", "type=registry,ref=r.example/a/b:c,image-manifest=true,oci-mediatypes=true", "type=s3,bucket=x"),
                REGISTRY, "a/b");
        assertThat(p.from()).isEmpty();
        assertThat(p.to()).containsExactly("r.example/a/b:c");
        assertThat(p.notes()).containsExactly("cache-to type=inline: the image Slipway builds carries its build cache already");
        assertThat(p.warnings()).containsExactly(
                "cache-from type=local,src=/tmp/cache: type=local is not supported by Slipway's builds; ignored (type=registry and type=gha are)",
                "cache-from type=registry: type=registry needs ref=; ignored",
                "cache-to type=registry,ref=r.example/a/b:c,image-manifest=true,oci-mediatypes=true: image-manifest, oci-mediatypes are ignored "
                        + "by Slipway's builds",
                "cache-to type=s3,bucket=x: type=s3 is not supported by Slipway's builds; ignored (type=registry and type=gha are)");
    }
}

package dev.slipway.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.ci.scheduler.CiStore;
import dev.slipway.web.view.JobSteps;
import dev.slipway.web.view.RunDetail;
import dev.slipway.web.view.RunItem;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A GitHub Actions job's steps, annotations and step summaries on the run page, from the details the job records. */
class JobStepsTest {
    /** As WorkflowProgram.details writes them. */
    static final String DETAILS = """
            {"job":"build","display_name":"build (worker-a)","result":"failure","outputs":{},
             "steps":[
              {"number":1,"phase":"pre","id":"co","name":"actions/checkout@v4","outcome":"success","conclusion":"success",
               "started_at":"2026-01-01T00:00:00Z","finished_at":"2026-01-01T00:00:01Z","duration_ms":1200},
              {"number":2,"phase":"main","id":"test","name":"Run tests","outcome":"failure","conclusion":"failure",
               "started_at":"2026-01-01T00:00:01Z","finished_at":"2026-01-01T00:01:06Z","duration_ms":65000,"exit_code":2,
               "summary":"## Tests\\n<b>3 failed</b>"},
              {"number":3,"phase":"post","id":"co","name":"actions/checkout@v4","outcome":"success","conclusion":"success",
               "started_at":"2026-01-01T00:01:06Z","finished_at":"2026-01-01T00:01:06Z","duration_ms":40}],
             "annotations":[{"level":"error","message":"expected 1, got <2>","title":"assert","file":"src/a.py","line":12,"column":3},
                            {"level":"warning","message":"slow","title":null,"file":null}]}
            """;

    @Test
    void stepsAnnotationsAndSummariesAreReadFromTheDetails() {
        JobSteps j = JobSteps.parse("build-worker-a", DETAILS).orElseThrow();
        assertThat(j.name()).isEqualTo("build (worker-a)");
        assertThat(j.steps()).extracting(JobSteps.Step::label).containsExactly("Pre actions/checkout@v4", "Run tests", "Post actions/checkout@v4");
        assertThat(j.steps().get(1).exitCode()).isEqualTo(2);
        assertThat(j.annotations().get(0).place()).isEqualTo("src/a.py:12:3");
        assertThat(j.annotations().get(1).place()).isEmpty();
        assertThat(j.summaries()).hasSize(1);
        assertThat(j.open()).isTrue();
        assertThat(JobSteps.parse("b", DETAILS.replace("\"result\":\"failure\"", "\"result\":\"success\"")
                .replace("\"conclusion\":\"failure\"", "\"conclusion\":\"success\"")).orElseThrow().open()).isFalse();
        // A job that has not finished records only its name; a Slipway task records nothing.
        assertThat(JobSteps.parse("b", "{\"job\":\"b\",\"display_name\":\"b\"}")).isEmpty();
        assertThat(JobSteps.parse("b", null)).isEmpty();
        assertThat(JobSteps.parse("b", "not json")).isEmpty();
    }

    @Test
    void theRunPageShowsEachStepWithItsStatusAndDurationFoldedWhenTheJobSucceeded() {
        Pages pages = new Pages(new Assets(), new Csrf(new Cookies("http://127.0.0.1")));
        RunItem run = new RunItem(7, "alice", "app", "build", "failure", "push", "refs/heads/main", "abc", "m", null, "alice", 1L, 1L, 2L,
                null, false);
        JobSteps failed = JobSteps.parse("build-worker-a", DETAILS).orElseThrow();
        JobSteps passed = JobSteps.parse("lint", DETAILS.replace("\"result\":\"failure\"", "\"result\":\"success\"")
                .replace("\"conclusion\":\"failure\"", "\"conclusion\":\"success\"")).orElseThrow();
        String html = pages.html("parts/run_steps.jte", Pages.params("d", new RunDetail(run, null, Map.of(), List.of(), false, false,
                List.of(failed, passed))));
        assertThat(html).contains("<details class=\"job-steps\" id=\"steps-build-worker-a\" data-steps=\"build-worker-a\" open>")
                .contains("<details class=\"job-steps\" id=\"steps-lint\" data-steps=\"lint\">")
                .contains("<li class=\"step st-failure\">").contains("Run tests").contains("1m 5s").contains("exit 2")
                .contains("Post actions/checkout@v4").contains("40ms")
                .contains("<code>src/a.py:12:3</code>").contains("expected 1, got &lt;2&gt;")
                // The summary is Markdown shown as written: never HTML from the job.
                .contains("&lt;b&gt;3 failed&lt;/b&gt;").doesNotContain("<b>3 failed</b>");
        assertThat(pages.html("parts/run_steps.jte", Pages.params("d", new RunDetail(run, null, Map.of(), List.of(), false, false,
                List.of())))).isBlank();
    }
}

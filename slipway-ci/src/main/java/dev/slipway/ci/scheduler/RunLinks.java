package dev.slipway.ci.scheduler;

/**
 * Where users see a run: the one place run URLs are made (webhook answers, commit statuses). For
 * now the run's API resource; the web UI will point this at its page.
 *
 * @param externalUrl the server's URL as users and forges reach it ({@code external-url})
 */
public record RunLinks(String externalUrl) {
    public RunLinks {
        while (externalUrl.endsWith("/")) {
            externalUrl = externalUrl.substring(0, externalUrl.length() - 1);
        }
    }

    public String run(long id) {
        return externalUrl + "/api/v1/runs/" + id;
    }
}

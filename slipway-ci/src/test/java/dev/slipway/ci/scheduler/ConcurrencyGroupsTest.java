package dev.slipway.ci.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ConcurrencyGroupsTest {
    private final ConcurrencyGroups groups = new ConcurrencyGroups();
    private final List<String> cancelled = new ArrayList<>();

    private ConcurrencyGroups.Ticket enter(String repo, String group, boolean cancelInProgress, String who) {
        return groups.enter(repo, new ConcurrencyGroups.Request(group, cancelInProgress), who, why -> cancelled.add(who + ": " + why));
    }

    @Test
    void oneRunsOneWaitsAndANewerOneReplacesTheWaitingOne() {
        var first = enter("o/r", "deploy", false, "run 1");
        var second = enter("o/r", "deploy", false, "run 2");
        assertThat(first.running()).isTrue();
        assertThat(second.running()).isFalse();
        assertThat(second.blockedBy()).isEqualTo("run 1");
        assertThat(cancelled).isEmpty();

        var third = enter("o/r", "Deploy", false, "run 3"); // names compare case-insensitively
        assertThat(second.replaced()).isTrue();
        assertThat(cancelled).containsExactly("run 2: replaced by run 3 in concurrency group Deploy, which waits for the same group");
        assertThat(third.running()).isFalse();

        second.close(); // a replaced member leaving changes nothing
        assertThat(third.running()).isFalse();
        first.close();
        assertThat(third.running()).isTrue();
        first.close(); // idempotent
        assertThat(third.running()).isTrue();
        third.close();
        assertThat(enter("o/r", "deploy", false, "run 4").running()).isTrue();
    }

    @Test
    void cancelInProgressCancelsTheRunningOneWhichStillHoldsTheGroupUntilItEnds() {
        var first = enter("o/r", "g", false, "run 1");
        var second = enter("o/r", "g", true, "run 2");
        assertThat(cancelled).containsExactly("run 1: cancelled by run 2 in concurrency group g (cancel-in-progress)");
        assertThat(second.running()).isFalse();
        first.close();
        assertThat(second.running()).isTrue();
    }

    @Test
    void groupsArePerRepository() {
        assertThat(enter("o/a", "g", false, "run 1").running()).isTrue();
        assertThat(enter("o/b", "g", true, "run 2").running()).isTrue();
        assertThat(cancelled).isEmpty();
    }

    @Test
    void awaitReturnsWhenTheGroupFreesOrTheMemberIsReplacedOrCancelled() throws Exception {
        var first = enter("o/r", "g", false, "job a");
        var second = enter("o/r", "g", false, "job b");
        CompletableFuture<Boolean> waits = CompletableFuture.supplyAsync(() -> {
            try {
                return second.await(() -> false);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(100);
        assertThat(waits).isNotDone();
        first.close();
        assertThat(waits.get(5, TimeUnit.SECONDS)).isTrue();

        var third = enter("o/r", "g", false, "job c");
        CompletableFuture<Boolean> replaced = CompletableFuture.supplyAsync(() -> {
            try {
                return third.await(() -> false);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        enter("o/r", "g", false, "job d");
        assertThat(replaced.get(5, TimeUnit.SECONDS)).isFalse();
        assertThat(third.replaced()).isTrue();

        var stopped = enter("o/r", "g", false, "job e");
        assertThat(stopped.await(() -> true)).isFalse(); // the run was cancelled while it waited
    }

    @Test
    void aGroupNeedsAName() {
        assertThatThrownBy(() -> new ConcurrencyGroups.Request(" ", false)).isInstanceOf(IllegalArgumentException.class);
    }
}

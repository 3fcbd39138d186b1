package com.wallet.api.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The combiner alone: who leads, what a group takes, where results and failures go. */
class GroupCommitTest {

    private final ExecutorService callers = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        callers.shutdownNow();
    }

    /** Items are strings; two fit together unless they start with the same letter (a payment's sender, say). */
    private static boolean fits(List<String> group, String next) {
        return group.stream().noneMatch(g -> g.charAt(0) == next.charAt(0));
    }

    @Test
    void itemsArrivingWhileAGroupRunsGoTogetherInTheNextOneAndEachCallerGetsItsOwnResult() throws Exception {
        CountDownLatch firstRunning = new CountDownLatch(1);
        CountDownLatch releaseFirst = new CountDownLatch(1);
        List<List<String>> groups = Collections.synchronizedList(new ArrayList<>());
        GroupCommit<String, String> commit = new GroupCommit<>(3, 1, 1, GroupCommitTest::fits, group -> {
            groups.add(group);
            if (group.contains("a1")) {
                firstRunning.countDown();
                waitFor(releaseFirst);
            }
            return group.stream().map(String::toUpperCase).toList();
        });

        CompletableFuture<String> first = submit(commit, "a1");
        assertThat(firstRunning.await(10, TimeUnit.SECONDS)).isTrue();
        // while it runs: b1 and c1 fit together, b2 not with b1, d1 would make four (the most is three)
        List<CompletableFuture<String>> queued = new ArrayList<>();
        for (String item : List.of("b1", "b2", "c1", "d1")) {
            queued.add(submit(commit, item));
            int expected = queued.size();
            await().atMost(Duration.ofSeconds(10)).until(() -> commit.queued() == expected);
        }
        releaseFirst.countDown();

        assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("A1");
        for (int i = 0; i < queued.size(); i++) {
            assertThat(queued.get(i).get(10, TimeUnit.SECONDS))
                    .isEqualTo(List.of("B1", "B2", "C1", "D1").get(i));
        }
        assertThat(groups).containsExactly(List.of("a1"), List.of("b1", "c1", "d1"), List.of("b2"));
        assertThat(commit.queued()).isZero();
    }

    /**
     * With two groups at a time, an item that fits with the running group goes at once in a second one, and one that
     * does not (its letter is in the running group) waits for that group to end, though a slot is free.
     */
    @Test
    void aSecondGroupRunsBesideTheFirstWithWhatFitsWithItOnly() throws Exception {
        CountDownLatch firstRunning = new CountDownLatch(1);
        CountDownLatch releaseFirst = new CountDownLatch(1);
        List<List<String>> groups = Collections.synchronizedList(new ArrayList<>());
        GroupCommit<String, String> commit =
                new GroupCommit<>(8, 2, 1, GroupCommitTest::fits, holdingA1(groups, firstRunning, releaseFirst));
        CompletableFuture<String> first = submit(commit, "a1");
        assertThat(firstRunning.await(10, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<String> a2 = submit(commit, "a2");
        await().atMost(Duration.ofSeconds(10)).until(() -> commit.queued() == 1);
        // b1 fits beside a1's group: it runs now, while a2 stays queued
        assertThat(submit(commit, "b1").get(10, TimeUnit.SECONDS)).isEqualTo("b1");
        assertThat(a2).isNotDone();
        assertThat(commit.queued()).isEqualTo(1);
        releaseFirst.countDown();

        assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("a1");
        assertThat(a2.get(10, TimeUnit.SECONDS)).isEqualTo("a2");
        assertThat(groups).containsExactly(List.of("a1"), List.of("b1"), List.of("a2"));
    }

    /**
     * With a minimum beside running groups, items queue while one group runs until that many wait (a free slot is not
     * enough), then go together in a second group beside it.
     */
    @Test
    void aGroupBesideARunningOneWaitsForEnoughItems() throws Exception {
        CountDownLatch firstRunning = new CountDownLatch(1);
        CountDownLatch releaseFirst = new CountDownLatch(1);
        List<List<String>> groups = Collections.synchronizedList(new ArrayList<>());
        GroupCommit<String, String> commit =
                new GroupCommit<>(8, 2, 3, GroupCommitTest::fits, holdingA1(groups, firstRunning, releaseFirst));
        CompletableFuture<String> first = submit(commit, "a1");
        assertThat(firstRunning.await(10, TimeUnit.SECONDS)).isTrue();
        // one at a time, so that the queue's order (the group's) is b1, c1: two callers started together race
        CompletableFuture<String> b1 = submit(commit, "b1");
        await().atMost(Duration.ofSeconds(10)).until(() -> commit.queued() == 1);
        CompletableFuture<String> c1 = submit(commit, "c1");
        await().atMost(Duration.ofSeconds(10)).until(() -> commit.queued() == 2);
        assertThat(groups).containsExactly(List.of("a1"));
        // the third makes enough: the three go beside a1's group, which still runs
        assertThat(submit(commit, "d1").get(10, TimeUnit.SECONDS)).isEqualTo("d1");
        assertThat(b1.get(10, TimeUnit.SECONDS)).isEqualTo("b1");
        assertThat(c1.get(10, TimeUnit.SECONDS)).isEqualTo("c1");
        assertThat(first).isNotDone();
        releaseFirst.countDown();

        assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("a1");
        assertThat(groups).containsExactly(List.of("a1"), List.of("b1", "c1", "d1"));
    }

    @Test
    void aFailingGroupFailsItsOwnCallersOnly() throws Exception {
        CountDownLatch firstRunning = new CountDownLatch(1);
        CountDownLatch releaseFirst = new CountDownLatch(1);
        GroupCommit<String, String> commit = new GroupCommit<>(8, 1, 1, GroupCommitTest::fits, group -> {
            if (group.contains("a1")) {
                firstRunning.countDown();
                waitFor(releaseFirst);
            }
            if (group.stream().anyMatch(item -> item.startsWith("x"))) {
                throw new IllegalStateException("group of " + group);
            }
            return group;
        });
        CompletableFuture<String> first = submit(commit, "a1");
        assertThat(firstRunning.await(10, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<String> x1 = submit(commit, "x1");
        await().atMost(Duration.ofSeconds(10)).until(() -> commit.queued() == 1);
        CompletableFuture<String> y1 = submit(commit, "y1");
        CompletableFuture<String> x2 = submit(commit, "x2"); // not with x1: in the group after
        await().atMost(Duration.ofSeconds(10)).until(() -> commit.queued() == 3);
        releaseFirst.countDown();

        assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("a1");
        for (CompletableFuture<String> failed : List.of(x1, y1)) {
            assertThat(failed)
                    .failsWithin(Duration.ofSeconds(10))
                    .withThrowableOfType(ExecutionException.class)
                    .withMessageContaining("group of [x1, y1]");
        }
        // x2 led its own group after the failed one, which threw too (it holds an x): a group of itself only
        assertThat(x2)
                .failsWithin(Duration.ofSeconds(10))
                .withThrowableOfType(ExecutionException.class)
                .withMessageContaining("group of [x2]");
        // and the combiner still works
        assertThat(submit(commit, "z1").get(10, TimeUnit.SECONDS)).isEqualTo("z1");
    }

    /** A group's work: each group recorded, the one holding a1 kept running until released; answers its items. */
    private static java.util.function.Function<List<String>, List<String>> holdingA1(
            List<List<String>> groups, CountDownLatch running, CountDownLatch release) {
        return group -> {
            groups.add(group);
            if (group.contains("a1")) {
                running.countDown();
                waitFor(release);
            }
            return group;
        };
    }

    private CompletableFuture<String> submit(GroupCommit<String, String> commit, String item) {
        return CompletableFuture.supplyAsync(() -> commit.submit(item), callers);
    }

    private static void waitFor(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("never released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

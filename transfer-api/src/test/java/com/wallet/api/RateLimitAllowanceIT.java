package com.wallet.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.wallet.api.web.RateLimitedException;
import com.wallet.api.web.RateLimiter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.datasource.DelegatingDataSource;

/**
 * The rate limiter's local allowance (RateLimiter's delaying copies): an instance goes to the database once per
 * {@code calls} admitted calls, never for a refusal, tells what it admitted when it stops or a copy goes idle, and two
 * instances together admit at most the budget plus one allowance each. Limiters built here over the test database
 * (budget 20, one more a second), each counting the connections it takes: one per trip to the database.
 */
@ApiIT
class RateLimitAllowanceIT extends ApiIT.Base {

    /**
     * Counts the connections taken (bucket4j takes one per transaction on the bucket's row) and those given back,
     * which it does once the transaction is over.
     */
    static final class Counting extends DelegatingDataSource {
        final AtomicInteger taken = new AtomicInteger();
        final AtomicInteger returned = new AtomicInteger();

        Counting(DataSource target) {
            super(target);
        }

        @Override
        public Connection getConnection() throws SQLException {
            taken.incrementAndGet();
            Connection connection = super.getConnection();
            return (Connection) Proxy.newProxyInstance(
                    Connection.class.getClassLoader(), new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                        try {
                            return method.invoke(connection, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        } finally {
                            if (method.getName().equals("close")) {
                                returned.incrementAndGet();
                            }
                        }
                    });
        }
    }

    private static RateLimiter limiter(DataSource db, int allowance, Duration period) {
        return new RateLimiter(
                new RateLimiter.Settings(
                        20,
                        1,
                        new RateLimiter.Allowance(allowance, period),
                        new RateLimiter.Period(10, Duration.ofHours(1)),
                        new RateLimiter.Period(3, Duration.ofHours(1)),
                        new RateLimiter.Period(5, Duration.ofHours(1))),
                db);
    }

    private static void acquire(RateLimiter limiter, UUID user, int times) {
        for (int i = 0; i < times; i++) {
            limiter.acquire(user);
        }
    }

    /** What the database has left for {@code user}: the calls an instance asking it on every call admits. */
    private int leftInTheDatabase(UUID user) {
        return admittedUntilRefused(limiter(db.getDataSource(), 0, Duration.ofMinutes(1)), user);
    }

    /** Calls {@code limiter} admits for {@code user}, up to the first refusal. */
    private static int admittedUntilRefused(RateLimiter limiter, UUID user) {
        for (int admitted = 0; ; admitted++) {
            try {
                limiter.acquire(user);
            } catch (RateLimitedException e) {
                return admitted;
            }
        }
    }

    @Test
    void anInstanceGoesToTheDatabaseOncePerAllowanceAndTellsWhatItAdmittedWhenItStops() {
        Counting counted = new Counting(db.getDataSource());
        RateLimiter local = limiter(counted, 5, Duration.ofMinutes(1));
        UUID user = UUID.randomUUID();
        long start = System.nanoTime();
        local.acquire(user);
        // a user's first call creates the bucket (bucket4j: not found, created, then spent)
        int first = counted.taken.get();
        acquire(local, user, 11);
        // the next five are answered here, the seventh tells them and takes its own, the last five are answered here
        assertThat(counted.taken)
                .as("trips to the database for the 11 calls after the first")
                .hasValue(first + 1);
        local.flush();
        assertThat(counted.taken)
                .as("what was admitted since, told on stopping")
                .hasValue(first + 2);

        // the database has all 12: an instance asking it on every call admits what is left (and what refilled since)
        int left = leftInTheDatabase(user);
        long refilled = Duration.ofNanos(System.nanoTime() - start).toSeconds() + 1;
        assertThat(left).isBetween(8, 8 + (int) refilled);
    }

    @Test
    void refusalsNeverGoToTheDatabaseAndTwoInstancesOverAdmitAtMostOneAllowanceEach() {
        Counting countedA = new Counting(db.getDataSource());
        Counting countedB = new Counting(db.getDataSource());
        RateLimiter a = limiter(countedA, 5, Duration.ofMinutes(1));
        RateLimiter b = limiter(countedB, 5, Duration.ofMinutes(1));
        UUID user = UUID.randomUUID();
        long start = System.nanoTime();
        int admitted = 0;
        boolean aRefused = false;
        boolean bRefused = false;
        for (int i = 0; !(aRefused && bRefused) && i < 200; i++) {
            RateLimiter next = i % 2 == 0 ? a : b;
            try {
                next.acquire(user);
                admitted++;
            } catch (RateLimitedException e) {
                aRefused |= next == a;
                bRefused |= next == b;
            }
        }
        long refilled = Duration.ofNanos(System.nanoTime() - start).toSeconds() + 1;
        assertThat(aRefused && bRefused).as("both refuse in the end").isTrue();
        assertThat(admitted)
                .as("the budget of 20, one allowance of 5 per instance at most, and what refilled")
                .isBetween(20, 30 + (int) refilled);

        int tripsA = countedA.taken.get();
        for (int i = 0; i < 50; i++) {
            assertThatThrownBy(() -> a.acquire(user)).isInstanceOf(RateLimitedException.class);
        }
        assertThat(countedA.taken).as("50 refusals, no trip to the database").hasValue(tripsA);
    }

    @Test
    void aNewUsersFirstCallsArrivingTogetherAreAllAnswered() throws Exception {
        int calls = 16;
        List<Thread> callers = new ArrayList<>();
        CountDownLatch othersWaiting = new CountDownLatch(1);
        // the first trip to the database (the bucket not found) is held until every other call waits behind it in
        // bucket4j, which then sends them together
        DataSource held = new DelegatingDataSource(db.getDataSource()) {
            private final AtomicInteger taken = new AtomicInteger();

            @Override
            public Connection getConnection() throws SQLException {
                if (taken.getAndIncrement() == 0) {
                    try {
                        othersWaiting.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return super.getConnection();
            }
        };
        RateLimiter local = limiter(held, 5, Duration.ofMinutes(1));
        UUID user = UUID.randomUUID();
        ExecutorService pool = Executors.newFixedThreadPool(calls, task -> {
            Thread thread = new Thread(task);
            synchronized (callers) {
                callers.add(thread);
            }
            return thread;
        });
        try {
            List<Future<?>> answers = new ArrayList<>();
            for (int i = 0; i < calls; i++) {
                answers.add(pool.submit(() -> {
                    local.acquire(user);
                    return null;
                }));
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                synchronized (callers) {
                    return callers.size() == calls
                            && callers.stream()
                                            .filter(t -> t.getState() == Thread.State.WAITING
                                                    || t.getState() == Thread.State.TIMED_WAITING)
                                            .count()
                                    == calls;
                }
            });
            othersWaiting.countDown();
            for (Future<?> answer : answers) {
                // PaymentRequestIT's twenty pays of a new user once failed with bucket4j's "Bucket does not exist"
                // (calls it batched together ahead of the bucket's creation); here it reproduces only sometimes (it
                // did once, through the calls that waited in the batch, whose exception wraps that one)
                answer.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        local.flush();
        int left = leftInTheDatabase(user);
        assertThat(left).as("the 16 calls were all counted").isBetween(4, 4 + 60);
    }

    @Test
    void aCopyLeftIdleForThePeriodTellsTheDatabaseWhatItAdmitted() {
        Counting counted = new Counting(db.getDataSource());
        RateLimiter local = limiter(counted, 5, Duration.ofMillis(300));
        UUID user = UUID.randomUUID();
        long start = System.nanoTime();
        local.acquire(user);
        int first = counted.taken.get();
        acquire(local, user, 3);
        assertThat(counted.taken).as("three calls answered here, untold").hasValue(first);
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(counted.returned)
                        .as("told (and committed) once the copy was idle for the period")
                        .hasValue(first + 1));
        assertThat(counted.taken).hasValue(first + 1);
        int left = leftInTheDatabase(user);
        long refilled = Duration.ofNanos(System.nanoTime() - start).toSeconds() + 1;
        assertThat(left).isBetween(16, 16 + (int) refilled);
    }
}

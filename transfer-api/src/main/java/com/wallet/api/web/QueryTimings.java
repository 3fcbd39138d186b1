package com.wallet.api.web;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import net.ttddyy.dsproxy.ExecutionInfo;
import net.ttddyy.dsproxy.QueryInfo;
import net.ttddyy.dsproxy.QueryType;
import net.ttddyy.dsproxy.listener.QueryExecutionListener;
import net.ttddyy.dsproxy.listener.QueryUtils;
import org.springframework.beans.factory.ObjectProvider;

/**
 * {@code venmo_db_query_duration_seconds{query_type}}: every statement the API sends to PostgreSQL, timed from the
 * driver's call to its return (datasource-proxy's listener around the pool's connections), as a histogram by kind of
 * statement ({@code select}, {@code insert}, {@code update}, {@code delete}, {@code other}). A batch counts as one
 * execution of its first statement's kind.
 *
 * <p>The kind of a statement text is worked out once (datasource-proxy's own parser strips comments with regular
 * expressions) and remembered for the texts the API sends, which are a few hundred fixed strings.
 */
public final class QueryTimings implements QueryExecutionListener {

    private static final int REMEMBERED_TEXTS = 4_096;

    private final ObjectProvider<MeterRegistry> registry;
    private final Map<String, QueryType> kinds = new ConcurrentHashMap<>();
    private final ThreadLocal<long[]> started = ThreadLocal.withInitial(() -> new long[1]);
    private volatile Map<QueryType, Timer> timers;
    private volatile boolean enabled = true;

    QueryTimings(ObjectProvider<MeterRegistry> registry) {
        this.registry = registry;
    }

    /** Turns the timing on or off at run time (for the benchmark's A/B of what it costs). */
    public void enabled(boolean on) {
        this.enabled = on;
    }

    @Override
    public void beforeQuery(ExecutionInfo execution, List<QueryInfo> queries) {
        if (enabled) {
            started.get()[0] = System.nanoTime();
        }
    }

    @Override
    public void afterQuery(ExecutionInfo execution, List<QueryInfo> queries) {
        if (!enabled) {
            return;
        }
        long[] startedAt = started.get();
        long start = startedAt[0];
        if (start == 0) {
            return; // turned on between the two calls
        }
        startedAt[0] = 0;
        String sql = queries.isEmpty() ? "" : queries.get(0).getQuery();
        timers().get(kind(sql)).record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    }

    private QueryType kind(String sql) {
        QueryType kind = kinds.get(sql);
        if (kind == null) {
            kind = QueryUtils.getQueryType(sql);
            if (kinds.size() < REMEMBERED_TEXTS) {
                kinds.put(sql, kind);
            }
        }
        return kind;
    }

    private Map<QueryType, Timer> timers() {
        Map<QueryType, Timer> t = timers;
        if (t == null) {
            MeterRegistry meters = registry.getObject();
            t = new EnumMap<>(QueryType.class);
            for (QueryType type : QueryType.values()) {
                t.put(
                        type,
                        Timer.builder("venmo.db.query.duration")
                                .description("time PostgreSQL statements take, from the API's call to the answer")
                                .tag("query_type", type.name().toLowerCase(java.util.Locale.ROOT))
                                .publishPercentileHistogram()
                                .minimumExpectedValue(Duration.ofNanos(50_000))
                                .maximumExpectedValue(Duration.ofSeconds(10))
                                .register(meters));
            }
            timers = t;
        }
        return t;
    }
}

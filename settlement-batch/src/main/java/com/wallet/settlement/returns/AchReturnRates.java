package com.wallet.settlement.returns;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.LocalDate;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The return rates of our debit entries that NACHA holds an originator to (Operating Rules, return rate levels), over
 * the {@value #DAYS} days up to a business date: returns of debit entries received in those days against the debit
 * entries originated in them (every presentment an entry). Unauthorized (R05, R07, R10, R11, R29, R51: the holder
 * disputes the debit) above 0.5% is the threshold that brings the ODFI's inquiry and fines; administrative (R02, R03,
 * R04: the account does not exist or cannot be found) above 3% and all returns above 15% are the levels that bring an
 * inquiry. Reconciliation reports them each run (its report, the gauge {@code settlement_ach_debit_return_rate} by
 * {@code kind}, a warning in its log above a limit): they are not findings about the books, and the job's outcome does
 * not depend on them.
 */
@Component
public class AchReturnRates {

    /** The window NACHA measures return rates over. */
    public static final int DAYS = 60;

    /** A rate NACHA limits, with its limit. */
    public enum Kind {
        UNAUTHORIZED(0.005, ReturnKind.NOT_AUTHORIZED),
        ADMINISTRATIVE(0.03, Set.of("R02", "R03", "R04")),
        OVERALL(0.15, Set.of());

        private final double limit;
        private final Set<String> codes;

        Kind(double limit, Set<String> codes) {
            this.limit = limit;
            this.codes = codes;
        }

        /** NACHA's limit, as a ratio of debit entries. */
        public double limit() {
            return limit;
        }

        /** The name in reports and metrics: {@code unauthorized}, ... */
        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The debits originated and returned in a window, {@code from} exclusive, {@code to} inclusive. */
    public record Rates(LocalDate from, LocalDate to, long debits, Map<Kind, Long> returned) {

        /** Returned of this kind per debit originated; 0 without debits. */
        public double rate(Kind kind) {
            return debits == 0 ? 0 : (double) returned.get(kind) / debits;
        }

        /** The kinds whose rate is above NACHA's limit. */
        public List<Kind> aboveLimit() {
            return java.util.Arrays.stream(Kind.values())
                    .filter(k -> rate(k) > k.limit())
                    .toList();
        }

        /** As the report holds it. */
        public Map<String, Object> toMap() {
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("days", DAYS);
            map.put("through", to.toString());
            map.put("debit_entries", debits);
            for (Kind kind : Kind.values()) {
                map.put(
                        kind.key(),
                        Map.of(
                                "returned", returned.get(kind),
                                "rate", rate(kind),
                                "limit", kind.limit(),
                                "above_limit", rate(kind) > kind.limit()));
            }
            return map;
        }
    }

    private final JdbcClient jdbc;
    private final AtomicReference<Rates> last = new AtomicReference<>();

    AchReturnRates(JdbcClient jdbc, MeterRegistry meters) {
        this.jdbc = jdbc;
        for (Kind kind : Kind.values()) {
            Gauge.builder("settlement.ach.debit.return.rate", last, l -> {
                        Rates rates = l.get();
                        return rates == null ? Double.NaN : rates.rate(kind);
                    })
                    .tag("kind", kind.key())
                    .description("returns of our debit entries per debit entry originated over the last " + DAYS
                            + " days, as the last reconciliation counted them (NaN before one)")
                    .register(meters);
        }
    }

    /** The rates over the {@value #DAYS} days up to {@code businessDate}. */
    public Rates of(LocalDate businessDate) {
        LocalDate from = businessDate.minusDays(DAYS);
        // debit entries by their file's date, counted per file when it was collected (settlement V11: a few file rows,
        // not 60 days of entries); returns by the day the returns job received them
        return jdbc.sql("""
                        WITH returned AS (
                            SELECT r.return_code FROM ach_returns r
                              JOIN ach_entries e ON e.file_id = r.file_id AND e.trace_number = r.trace_number
                             WHERE e.transaction_code = 27
                               AND coalesce(r.received_on, r.processed_at::date) > :from
                               AND coalesce(r.received_on, r.processed_at::date) <= :to)
                        SELECT (SELECT coalesce(sum(debit_count), 0) FROM ach_files WHERE status = 'submitted'
                                   AND business_date > :from AND business_date <= :to),
                               count(*) FILTER (WHERE return_code = ANY(:unauthorized)),
                               count(*) FILTER (WHERE return_code = ANY(:administrative)),
                               count(*)
                          FROM returned
                        """)
                .param("from", from)
                .param("to", businessDate)
                .param("unauthorized", Kind.UNAUTHORIZED.codes.toArray(String[]::new))
                .param("administrative", Kind.ADMINISTRATIVE.codes.toArray(String[]::new))
                .query((rs, n) -> {
                    Map<Kind, Long> returned = new EnumMap<>(Kind.class);
                    returned.put(Kind.UNAUTHORIZED, rs.getLong(2));
                    returned.put(Kind.ADMINISTRATIVE, rs.getLong(3));
                    returned.put(Kind.OVERALL, rs.getLong(4));
                    return new Rates(from, businessDate, rs.getLong(1), Map.copyOf(returned));
                })
                .single();
    }

    /** Makes {@code rates} what the gauges show. */
    public void publish(Rates rates) {
        last.set(rates);
    }
}

package com.wallet.sim;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How each kind of call misbehaves, changeable while the simulator runs. A call first waits {@code latency}; then, in
 * this order: during an {@code outage} it is refused with 503 and not processed; with probability {@code errorRate}
 * it fails with 500 and is not processed; with {@code timeout} on it is processed but answered only after
 * {@code hang} (long after any sane client timeout), so the caller cannot know the outcome. Otherwise it is processed
 * and answered.
 */
public final class Knobs {

    /**
     * @param errorRate from 0 to 1
     * @param badGateway process the call, then answer 502 (a gateway that lost the upstream's answer): the caller
     *     cannot know the call was processed
     */
    public record Knob(Duration latency, double errorRate, boolean timeout, boolean outage, boolean badGateway) {

        public static final Knob NORMAL = new Knob(Duration.ZERO, 0, false, false, false);

        public Knob {
            if (latency.isNegative()) {
                throw new IllegalArgumentException("latency must not be negative, was " + latency);
            }
            if (!(errorRate >= 0 && errorRate <= 1)) {
                throw new IllegalArgumentException("error_rate must be from 0 to 1, was " + errorRate);
            }
        }

        public Knob withOutage(boolean on) {
            return new Knob(latency, errorRate, timeout, on, badGateway);
        }

        public Knob withTimeout(boolean on) {
            return new Knob(latency, errorRate, on, outage, badGateway);
        }

        public Knob withLatency(Duration value) {
            return new Knob(value, errorRate, timeout, outage, badGateway);
        }

        public Knob withErrorRate(double value) {
            return new Knob(latency, value, timeout, outage, badGateway);
        }

        public Knob withBadGateway(boolean on) {
            return new Knob(latency, errorRate, timeout, outage, on);
        }
    }

    private final Map<CallType, Knob> knobs = new ConcurrentHashMap<>();
    private final Map<CallType, AtomicLong> calls = new EnumMap<>(CallType.class);
    private final Map<CallType, Gate> gates = new EnumMap<>(CallType.class);
    private volatile Duration hang = Duration.ofSeconds(30);

    Knobs() {
        for (CallType type : CallType.values()) {
            knobs.put(type, Knob.NORMAL);
            calls.put(type, new AtomicLong());
            gates.put(type, new Gate());
        }
    }

    /** The gate of one call type (open unless a test closes it). */
    public Gate gate(CallType type) {
        return gates.get(type);
    }

    public Knob get(CallType type) {
        return knobs.get(type);
    }

    public void set(CallType type, Knob knob) {
        knobs.put(type, knob);
    }

    /** Back to normal behaviour for every call type, gates open (counters are kept). */
    public void reset() {
        for (CallType type : CallType.values()) {
            knobs.put(type, Knob.NORMAL);
            gates.get(type).open();
        }
    }

    /** How long a call under the {@code timeout} knob is held before it is answered. */
    public Duration hang() {
        return hang;
    }

    public void hang(Duration value) {
        this.hang = value;
    }

    /** How many calls of this type reached the simulator (whatever their outcome). */
    public long calls(CallType type) {
        return calls.get(type).get();
    }

    void count(CallType type) {
        calls.get(type).incrementAndGet();
    }
}

package com.wallet.api.transfer;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.BiPredicate;
import java.util.function.Function;

/**
 * Group commit (issue 16): callers hand in work and get its result back, and the work of callers that arrive while
 * earlier work is running is done together, as one group, by one of them. No timer and no wait added: a caller
 * arriving when no group runs leads a group at once (of itself, and of whatever else is queued); callers arriving
 * while {@code maxRunning} groups run queue up (or, with {@code minBeside}, while fewer than that many wait beside a
 * running group), and the first of them to find a free slot leads the next group: the queued items that fit together,
 * oldest first (up to {@code maxMembers}). So groups are as large as the load makes them, items are taken in the order
 * they came, and one caller alone is served as it would be without grouping.
 *
 * <p>{@code fits} says whether an item may join the group taken so far, given also the items of the groups running (a
 * payment whose sender is already in one may not); one that does not fit stays queued, in its place, for a later
 * group, and a caller whose item fits nowhere while groups run waits for one of them to end. A caller waits until its
 * item is done and leaves with its result; a caller whose item was taken by another's group waits for that group even
 * when interrupted (its work may be committing), and gets its interrupt back afterwards.
 *
 * <p>By hand: the libraries that batch (the LMAX Disruptor, Reactor's buffers) hand batches to threads of their own
 * and to timers; here the callers are the request threads, the leader is one of them, and a batch takes only the
 * items that fit together, which none of them does.
 */
final class GroupCommit<T, R> {

    private static final class Slot<T, R> {
        final T item;
        boolean taken;
        boolean done;
        R result;
        RuntimeException failure;

        Slot(T item) {
            this.item = item;
        }
    }

    private final int maxMembers;
    private final int maxRunning;
    private final int minBeside;
    private final BiPredicate<List<T>, T> fits;
    private final Function<List<T>, List<R>> run;
    private final Object monitor = new Object();
    private final ArrayDeque<Slot<T, R>> queue = new ArrayDeque<>();
    /** The items of the groups running: a queued item must fit with them too. */
    private final List<Slot<T, R>> inFlight = new ArrayList<>();

    private int running;

    /**
     * @param minBeside a group starts beside running ones only once this many items are queued (1: as soon as a slot
     *     is free); with none running, at once
     * @param run does a group's work and answers one result per item, in their order; what it throws is thrown to
     *     every caller of the group
     */
    GroupCommit(
            int maxMembers,
            int maxRunning,
            int minBeside,
            BiPredicate<List<T>, T> fits,
            Function<List<T>, List<R>> run) {
        if (maxMembers < 1 || maxRunning < 1 || minBeside < 1) {
            throw new IllegalArgumentException("a group of 1+ members, 1+ groups at a time, 1+ queued beside");
        }
        this.maxMembers = maxMembers;
        this.maxRunning = maxRunning;
        this.minBeside = minBeside;
        this.fits = fits;
        this.run = run;
    }

    /** How many items wait for a group (a gauge). */
    int queued() {
        synchronized (monitor) {
            return queue.size();
        }
    }

    /** Does {@code item}'s work, alone or in a group, and answers its result. */
    R submit(T item) {
        Slot<T, R> mine = new Slot<>(item);
        boolean interrupted = false;
        try {
            synchronized (monitor) {
                queue.add(mine);
            }
            while (true) {
                List<Slot<T, R>> group;
                synchronized (monitor) {
                    while (true) {
                        if (mine.done) {
                            if (mine.failure != null) {
                                throw mine.failure;
                            }
                            return mine.result;
                        }
                        if (!mine.taken && running < maxRunning && (running == 0 || queue.size() >= minBeside)) {
                            // a slot free: lead a group of the oldest queued items that fit together and with the
                            // groups running (none may fit while they run: wait for one to end)
                            group = take();
                            if (!group.isEmpty()) {
                                running++;
                                inFlight.addAll(group);
                                break;
                            }
                        }
                        try {
                            monitor.wait();
                        } catch (InterruptedException e) {
                            interrupted = true;
                            if (!mine.taken && !mine.done) {
                                queue.remove(mine);
                                throw new IllegalStateException("interrupted while waiting for a group", e);
                            }
                        }
                    }
                }
                lead(group);
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Under the monitor: the queued items that fit together and with the items of the groups running, oldest first
     * (up to {@code maxMembers}), out of the queue. The leader's own item goes too if it fits; if not, its caller
     * leads or joins a later group.
     */
    private List<Slot<T, R>> take() {
        List<Slot<T, R>> group = new ArrayList<>();
        List<T> items = new ArrayList<>();
        inFlight.forEach(slot -> items.add(slot.item));
        for (Iterator<Slot<T, R>> it = queue.iterator(); it.hasNext() && group.size() < maxMembers; ) {
            Slot<T, R> next = it.next();
            if (items.isEmpty() || fits.test(items, next.item)) {
                it.remove();
                next.taken = true;
                group.add(next);
                items.add(next.item);
            }
        }
        return group;
    }

    private void lead(List<Slot<T, R>> group) {
        List<R> results = null;
        RuntimeException failure = null;
        try {
            results = run.apply(group.stream().map(s -> s.item).toList());
            if (results.size() != group.size()) {
                failure = new IllegalStateException(
                        "a group of " + group.size() + " answered " + results.size() + " results");
            }
        } catch (RuntimeException e) {
            failure = e;
        } finally {
            synchronized (monitor) {
                for (int i = 0; i < group.size(); i++) {
                    Slot<T, R> slot = group.get(i);
                    if (failure != null || results == null) {
                        slot.failure = failure != null ? failure : new IllegalStateException("the group failed");
                    } else {
                        slot.result = results.get(i);
                    }
                    slot.done = true;
                    inFlight.remove(slot);
                }
                running--;
                monitor.notifyAll();
            }
        }
    }
}

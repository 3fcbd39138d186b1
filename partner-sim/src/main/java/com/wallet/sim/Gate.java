package com.wallet.sim;

/**
 * Holds calls of one type at the network's door until a test lets them through or drops them: the deterministic way
 * to have a call "in flight" (received, not yet processed) while something else is checked, or a process is killed.
 * Open by default. {@link #open()} lets held calls be processed; {@link #drop()} answers them 503 without processing
 * (as if they never arrived).
 */
public final class Gate {

    private boolean closed;
    private boolean dropHeld;
    private long generation;
    private int waiting;

    public synchronized void close() {
        closed = true;
    }

    /** Held calls go on and are processed; later ones pass. */
    public void open() {
        release(false);
    }

    /** Held calls are answered 503 without being processed; later ones pass. */
    public void drop() {
        release(true);
    }

    /** How many calls are held right now. */
    public synchronized int waiting() {
        return waiting;
    }

    private synchronized void release(boolean drop) {
        closed = false;
        dropHeld = drop;
        generation++;
        notifyAll();
    }

    /** Waits while the gate is closed; false if the call is to be dropped. */
    synchronized boolean pass() throws InterruptedException {
        if (!closed) {
            return true;
        }
        long held = generation;
        waiting++;
        try {
            while (generation == held) {
                wait();
            }
        } finally {
            waiting--;
        }
        return !dropHeld;
    }
}

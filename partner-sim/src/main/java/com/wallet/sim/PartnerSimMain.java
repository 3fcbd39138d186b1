package com.wallet.sim;

import java.util.concurrent.CountDownLatch;

/** Runs the simulator alone: {@code -Dsim.port=18090} (the default). Stops on Ctrl-C. */
public final class PartnerSimMain {

    private PartnerSimMain() {}

    public static void main(String[] args) throws InterruptedException {
        int port =
                Integer.parseInt(System.getProperty("sim.port", System.getenv().getOrDefault("SIM_PORT", "18090")));
        PartnerSimulator sim = PartnerSimulator.start(port);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            sim.close();
            stopped.countDown();
        }));
        System.out.println(
                "partner simulator ready on " + sim.baseUrl() + " (knobs: GET " + sim.baseUrl() + "/control)");
        stopped.await();
    }
}

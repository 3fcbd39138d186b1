package com.wallet.stack;

import java.time.Duration;
import java.util.Locale;

/**
 * The stack of this JVM, started on first use and stopped when the JVM exits, so that every test class shares one
 * set of servers. The system property {@code stack} picks the kind: {@code embedded} (default) or {@code containers};
 * {@code stack.nodes} how many of each server the embedded kind runs: 1 (default) or {@value ClusterStack#NODES}, the
 * {@link ClusterStack} ({@code mvn verify -Dstack.nodes=3} runs the whole suite on the cluster).
 */
public final class SharedStack {

    public static final String PROPERTY = "stack";
    public static final String NODES_PROPERTY = "stack.nodes";

    private static Stack stack;
    private static RuntimeException failure;

    private SharedStack() {}

    public static synchronized Stack get() {
        if (failure != null) {
            throw new IllegalStateException("the shared stack failed to start earlier in this JVM", failure);
        }
        if (stack == null) {
            try {
                stack = switch (kind()) {
                    case "embedded" -> nodes() == 1 ? EmbeddedStack.start(StackConfig.forTests()) : cluster();
                    case "containers" -> ContainersStack.start();
                    default ->
                        throw new IllegalArgumentException(
                                "-D" + PROPERTY + " must be 'embedded' or 'containers', was '" + kind() + "'");
                };
            } catch (RuntimeException e) {
                failure = e;
                throw e;
            }
        }
        return stack;
    }

    /** The number of nodes of each server {@code -Dstack.nodes} asks for: 1 or {@value ClusterStack#NODES}. */
    public static int nodes() {
        String value = System.getProperty(NODES_PROPERTY, "1").trim();
        if (value.isEmpty()) {
            return 1; // an unset Maven property passed through by failsafe
        }
        if (!value.equals("1") && !value.equals(Integer.toString(ClusterStack.NODES))) {
            throw new IllegalArgumentException(
                    "-D" + NODES_PROPERTY + " must be 1 or " + ClusterStack.NODES + ", was '" + value + "'");
        }
        return Integer.parseInt(value);
    }

    private static ClusterStack cluster() {
        ClusterStack cluster = ClusterStack.start(Duration.ofMinutes(4));
        Runtime.getRuntime().addShutdownHook(new Thread(cluster::close, "cluster-shutdown"));
        return cluster;
    }

    public static String kind() {
        return System.getProperty(PROPERTY, "embedded").trim().toLowerCase(Locale.ROOT);
    }
}

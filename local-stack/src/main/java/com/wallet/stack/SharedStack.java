package com.wallet.stack;

import java.util.Locale;

/**
 * The stack of this JVM, started on first use and stopped when the JVM exits, so that every test class shares one
 * set of servers. The system property {@code stack} picks the kind: {@code embedded} (default) or {@code containers}.
 */
public final class SharedStack {

    public static final String PROPERTY = "stack";

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
                    case "embedded" -> EmbeddedStack.start(StackConfig.forTests());
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

    public static String kind() {
        return System.getProperty(PROPERTY, "embedded").trim().toLowerCase(Locale.ROOT);
    }
}

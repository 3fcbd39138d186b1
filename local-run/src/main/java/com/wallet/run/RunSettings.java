package com.wallet.run;

import java.util.function.UnaryOperator;

/**
 * The run command's numeric settings: a system property ({@code -Dapi.port=...}), else its environment variable
 * ({@code API_PORT}), else a default. A value that is not a number in range stops the command before anything starts,
 * saying which setting and what it was (instead of a {@code NumberFormatException}'s stack trace, or a demo that
 * fails after the stack is up).
 */
final class RunSettings {

    private final UnaryOperator<String> properties;
    private final UnaryOperator<String> environment;

    RunSettings(UnaryOperator<String> properties, UnaryOperator<String> environment) {
        this.properties = properties;
        this.environment = environment;
    }

    static RunSettings ofThisProcess() {
        return new RunSettings(System::getProperty, System::getenv);
    }

    /** A whole number from {@code min} to {@code max}. */
    int whole(String property, String env, int fallback, int min, int max) {
        String raw = raw(property, env);
        if (raw == null) {
            return fallback;
        }
        int value;
        try {
            value = Integer.parseInt(raw.trim());
        } catch (NumberFormatException e) {
            throw invalid(property, env, raw, "a whole number from " + min + " to " + max);
        }
        if (value < min || value > max) {
            throw invalid(property, env, raw, "a whole number from " + min + " to " + max);
        }
        return value;
    }

    /** A number above 0 and at most {@code max}. */
    double positive(String property, String env, double fallback, double max) {
        String raw = raw(property, env);
        if (raw == null) {
            return fallback;
        }
        double value;
        try {
            value = Double.parseDouble(raw.trim());
        } catch (NumberFormatException e) {
            throw invalid(property, env, raw, "a number above 0 and at most " + max);
        }
        if (!(value > 0 && value <= max)) {
            throw invalid(property, env, raw, "a number above 0 and at most " + max);
        }
        return value;
    }

    private String raw(String property, String env) {
        String value = properties.apply(property);
        if (value == null && env != null) {
            value = environment.apply(env);
        }
        return value;
    }

    private static IllegalArgumentException invalid(String property, String env, String raw, String expected) {
        return new IllegalArgumentException(
                property + (env == null ? "" : " (" + env + ")") + " must be " + expected + ", was '" + raw + "'");
    }
}

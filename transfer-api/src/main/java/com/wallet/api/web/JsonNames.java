package com.wallet.api.web;

import java.util.Locale;
import org.springframework.http.converter.HttpMessageNotReadableException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.exc.InvalidFormatException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/** Names as clients see them (snake_case), and readable reasons for bodies Jackson could not read. */
final class JsonNames {

    private JsonNames() {}

    static String snake(String javaName) {
        return javaName.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
    }

    /** A clear message without parser internals or stack traces. */
    static String describe(HttpMessageNotReadableException e) {
        Throwable cause = e.getCause();
        if (cause instanceof UnrecognizedPropertyException u) {
            return "unknown field '" + u.getPropertyName() + "'";
        }
        if (cause instanceof InvalidFormatException f) {
            String field = path(f);
            // never echo what may be an account or card number
            return field.contains("number")
                    ? "field '" + field + "' has an invalid value"
                    : "field '" + field + "' has an invalid value: " + String.valueOf(f.getValue());
        }
        if (cause instanceof MismatchedInputException m && !m.getPath().isEmpty()) {
            return "field '" + path(m) + "' has the wrong type";
        }
        if (cause instanceof JacksonException) {
            return "the body is not valid JSON";
        }
        return "the body is missing or not valid JSON";
    }

    private static String path(JacksonException e) {
        return e.getPath().stream()
                .map(ref -> ref.getPropertyName() != null ? ref.getPropertyName() : "[" + ref.getIndex() + "]")
                .reduce((a, b) -> a + "." + b)
                .orElse("?");
    }
}

package com.wallet.api.web;

import java.util.Map;

/**
 * A request broke a rule of the domain. It names the rule and carries the ids that explain it; {@link ProblemAdvice}
 * turns it into a problem+json response. Nothing here knows about HTTP.
 */
public class DomainException extends RuntimeException {

    private final Problem problem;
    private final Map<String, Object> details;

    public DomainException(Problem problem, String message, Map<String, Object> details) {
        super(message);
        this.problem = problem;
        this.details = Map.copyOf(details);
    }

    public DomainException(Problem problem, String message) {
        this(problem, message, Map.of());
    }

    public Problem problem() {
        return problem;
    }

    /** Extra members of the problem body: ids and values the client needs (never secrets). */
    public Map<String, Object> details() {
        return details;
    }
}

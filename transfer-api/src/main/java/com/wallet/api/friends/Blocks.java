package com.wallet.api.friends;

import com.wallet.api.web.DomainException;
import com.wallet.api.web.Problem;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Who blocked whom ({@code user_blocks}, V43), as the calls between two users need to know it. A block works both
 * ways: nothing can be started between the two whoever blocked. The one who blocked is told so ({@code 422
 * user-blocked}); the one blocked is answered as if the blocker did not exist (the same refusal, word for word, as for
 * an unknown user), so a block is not revealed by the API.
 */
@Component
public class Blocks {

    /** Between a caller and another user. */
    public enum Between {
        NONE,
        /** the caller blocked the other */
        BLOCKING,
        /** the other blocked the caller */
        BLOCKED_BY
    }

    private final JdbcClient jdbc;

    Blocks(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Whether a block stands between {@code caller} and {@code other}; the caller's own block first. */
    public Between between(UUID caller, UUID other) {
        return jdbc.sql("SELECT CASE WHEN EXISTS (SELECT 1 FROM user_blocks WHERE blocker_id = :me AND blocked_id = :o)"
                        + " THEN 'BLOCKING' WHEN EXISTS (SELECT 1 FROM user_blocks WHERE blocker_id = :o"
                        + " AND blocked_id = :me) THEN 'BLOCKED_BY' ELSE 'NONE' END")
                .param("me", caller)
                .param("o", other)
                .query(String.class)
                .optional()
                .map(Between::valueOf)
                .orElse(Between.NONE);
    }

    /** Everyone the caller blocked or was blocked by: whose payments the caller's feeds leave out. */
    public Set<UUID> blockedWith(UUID caller) {
        return new HashSet<>(jdbc.sql("SELECT blocked_id FROM user_blocks WHERE blocker_id = :me"
                        + " UNION SELECT blocker_id FROM user_blocks WHERE blocked_id = :me")
                .param("me", caller)
                .query(UUID.class)
                .list());
    }

    /**
     * Refuses a call from {@code caller} that would start something with {@code other}: {@code blockedBy} (the
     * refusal an unknown user gets) when the other blocked the caller, {@code 422 user-blocked} when the caller did.
     */
    public void require(UUID caller, UUID other, DomainException blockedBy) {
        switch (between(caller, other)) {
            case BLOCKING -> throw blocking(other);
            case BLOCKED_BY -> throw blockedBy;
            case NONE -> {}
        }
    }

    public static DomainException blocking(UUID other) {
        return new DomainException(
                Problem.USER_BLOCKED, "you blocked user " + other + "; unblock them first", Map.of("user_id", other));
    }
}

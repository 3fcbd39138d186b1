package com.wallet.api.friends;

import com.wallet.api.audit.AuditLog;
import com.wallet.api.identity.UserService;
import com.wallet.api.web.DomainException;
import com.wallet.api.web.Problem;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Friend requests and friendships. Two people are friends once both asked; the pair is serialized by a transaction
 * advisory lock so that two crossing requests always end as one friendship.
 */
@Service
public class FriendService {

    public enum Status {
        REQUESTED,
        FRIENDS
    }

    public record Person(UUID id, String username, String displayName, Instant since) {}

    public record Friends(List<Person> friends, List<Person> incoming, List<Person> outgoing) {}

    private final JdbcClient jdbc;
    private final UserService users;
    private final AuditLog audit;
    private final Blocks blocks;

    FriendService(JdbcClient jdbc, UserService users, AuditLog audit, Blocks blocks) {
        this.jdbc = jdbc;
        this.users = users;
        this.audit = audit;
        this.blocks = blocks;
    }

    /** Sends a friend request, or accepts the other's: the result says which. */
    @Transactional
    public Status befriend(UUID me, UUID other) {
        if (me.equals(other)) {
            throw new DomainException(Problem.NOT_FRIENDABLE, "you cannot befriend yourself");
        }
        if (!users.lockOpen(other)) {
            throw UserService.notFound(other);
        }
        lockPair(me, other);
        // under the pair's lock, as a block takes it: a block and a request crossing it never both stand
        blocks.require(me, other, UserService.notFound(other));
        if (areFriends(me, other)) {
            return Status.FRIENDS;
        }
        int theirs = jdbc.sql("DELETE FROM friend_requests WHERE requester_id = ? AND addressee_id = ?")
                .params(other, me)
                .update();
        if (theirs > 0) {
            jdbc.sql("INSERT INTO friendships (user_a, user_b) VALUES (?, ?)")
                    .params(low(me, other), high(me, other))
                    .update();
            audit.record(me, "friendship.accepted", "user", other, Map.of());
            return Status.FRIENDS;
        }
        jdbc.sql("INSERT INTO friend_requests (requester_id, addressee_id) VALUES (?, ?) ON CONFLICT DO NOTHING")
                .params(me, other)
                .update();
        audit.record(me, "friendship.requested", "user", other, Map.of());
        return Status.REQUESTED;
    }

    /** Unfriends, or withdraws or declines a request. Idempotent. */
    @Transactional
    public void unfriend(UUID me, UUID other) {
        lockPair(me, other);
        int removed = jdbc.sql("DELETE FROM friendships WHERE user_a = ? AND user_b = ?")
                        .params(low(me, other), high(me, other))
                        .update()
                + jdbc.sql("DELETE FROM friend_requests WHERE (requester_id = ? AND addressee_id = ?)"
                                + " OR (requester_id = ? AND addressee_id = ?)")
                        .params(me, other, other, me)
                        .update();
        if (removed > 0) {
            audit.record(me, "friendship.removed", "user", other, Map.of());
        }
    }

    @Transactional(readOnly = true)
    public Friends list(UUID me) {
        List<Person> friends = jdbc.sql("SELECT u.id, u.username, u.display_name, f.created_at FROM friendships f"
                        + " JOIN users u ON u.id = CASE WHEN f.user_a = :me THEN f.user_b ELSE f.user_a END"
                        + " WHERE f.user_a = :me OR f.user_b = :me ORDER BY u.username")
                .param("me", me)
                .query(FriendService::person)
                .list();
        List<Person> incoming = jdbc.sql("SELECT u.id, u.username, u.display_name, r.created_at FROM friend_requests r"
                        + " JOIN users u ON u.id = r.requester_id WHERE r.addressee_id = ? ORDER BY r.created_at DESC")
                .param(me)
                .query(FriendService::person)
                .list();
        List<Person> outgoing = jdbc.sql("SELECT u.id, u.username, u.display_name, r.created_at FROM friend_requests r"
                        + " JOIN users u ON u.id = r.addressee_id WHERE r.requester_id = ? ORDER BY r.created_at DESC")
                .param(me)
                .query(FriendService::person)
                .list();
        return new Friends(friends, incoming, outgoing);
    }

    public boolean areFriends(UUID a, UUID b) {
        return jdbc.sql("SELECT count(*) FROM friendships WHERE user_a = ? AND user_b = ?")
                        .params(low(a, b), high(a, b))
                        .query(Long.class)
                        .single()
                > 0;
    }

    /** The pair's transaction lock: friend requests, unfriending and blocking of one pair happen one at a time. */
    void lockPair(UUID a, UUID b) {
        jdbc.sql("SELECT pg_advisory_xact_lock(hashtextextended(?, 0))")
                .param(low(a, b) + "/" + high(a, b))
                .query()
                .listOfRows();
    }

    // PostgreSQL orders uuids as unsigned bytes, UUID.compareTo as signed longs: compare the canonical text instead.
    private static UUID low(UUID a, UUID b) {
        return a.toString().compareTo(b.toString()) < 0 ? a : b;
    }

    private static UUID high(UUID a, UUID b) {
        return a.toString().compareTo(b.toString()) < 0 ? b : a;
    }

    private static Person person(java.sql.ResultSet rs, int row) throws java.sql.SQLException {
        return new Person(
                rs.getObject("id", UUID.class),
                rs.getString("username"),
                rs.getString("display_name"),
                rs.getTimestamp("created_at").toInstant());
    }
}

package com.wallet.api.feed;

import com.wallet.api.feed.FeedStore.FeedRow;
import com.wallet.api.web.DomainException;
import com.wallet.api.web.PageCursor;
import com.wallet.api.web.Problem;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * The feeds, read from Cassandra, newest first, with keyset cursors. The friends feed is the reader's own partition
 * merged with the author timelines of their high-degree friends (hybrid fan-out); a user's feed is that user's own
 * items, filtered by what the caller may see. Likes and comments are counted from PostgreSQL.
 */
@Service
public class FeedService {

    /**
     * The feed tables' clustering order, (created_at, transfer_id) descending, with transfer ids ordered as Cassandra
     * orders them (not as {@link UUID#compareTo}, which compares signed halves): the merged page and the cursor's
     * {@code (created_at, transfer_id) < (?, ?)} then agree even for items created in the same millisecond.
     */
    static final Comparator<FeedRow> NEWEST_FIRST = Comparator.comparing(FeedRow::createdAt)
            .thenComparing(FeedRow::transferId, FeedService::compareAsCassandra)
            .reversed();

    /**
     * Cassandra's {@code uuid} order: by version, then (version 1) by timestamp, then byte by byte, unsigned.
     */
    static int compareAsCassandra(UUID a, UUID b) {
        if (a.version() != b.version()) {
            return Integer.compare(a.version(), b.version());
        }
        if (a.version() == 1 && a.timestamp() != b.timestamp()) {
            return Long.compare(a.timestamp(), b.timestamp());
        }
        int high = Long.compareUnsigned(a.getMostSignificantBits(), b.getMostSignificantBits());
        return high != 0 ? high : Long.compareUnsigned(a.getLeastSignificantBits(), b.getLeastSignificantBits());
    }

    private final FeedStore store;
    private final FeedSettings settings;
    private final JdbcClient jdbc;

    FeedService(FeedStore store, FeedSettings settings, JdbcClient jdbc) {
        this.store = store;
        this.settings = settings;
        this.jdbc = jdbc;
    }

    public PageCursor.Page<FeedItemView> friendsFeed(UUID caller, int limit, String cursor) {
        PageCursor after = PageCursor.decode(cursor);
        Map<UUID, FeedRow> merged = new LinkedHashMap<>();
        store.userFeed(caller, after, limit + 1).forEach(r -> merged.putIfAbsent(r.transferId(), r));
        for (UUID author : highDegreeFriends(caller)) {
            store.authorFeed(author, after, limit + 1).forEach(r -> merged.putIfAbsent(r.transferId(), r));
        }
        List<FeedRow> rows = new ArrayList<>(merged.values());
        rows.sort(NEWEST_FIRST);
        return page(caller, rows, limit);
    }

    public PageCursor.Page<FeedItemView> publicFeed(UUID caller, int limit, String cursor) {
        PageCursor after = PageCursor.decode(cursor);
        Instant newest =
                after == PageCursor.START || after.time().isAfter(Instant.now()) ? Instant.now() : after.time();
        Instant bucket = newest.truncatedTo(ChronoUnit.HOURS);
        List<FeedRow> rows = new ArrayList<>();
        for (int hour = 0; hour < settings.publicLookbackHours() && rows.size() <= limit; hour++) {
            rows.addAll(store.publicBucket(bucket.minus(hour, ChronoUnit.HOURS), after, limit + 1 - rows.size()));
        }
        return page(caller, rows, limit);
    }

    /** The target's own payments that the caller may see. */
    public PageCursor.Page<FeedItemView> userFeed(UUID caller, UUID target, int limit, String cursor) {
        Set<UUID> callersFriends = friendsOf(caller);
        PageCursor after = PageCursor.decode(cursor);
        List<FeedRow> rows = new ArrayList<>();
        for (int round = 0; round < 10 && rows.size() <= limit; round++) {
            List<FeedRow> batch = store.userFeed(target, after, 4 * (limit + 1));
            for (FeedRow r : batch) {
                boolean own = r.senderId().equals(target) || r.receiverId().equals(target);
                if (own && maySee(caller, callersFriends, r)) {
                    rows.add(r);
                }
            }
            if (batch.size() < 4 * (limit + 1)) {
                break;
            }
            FeedRow last = batch.get(batch.size() - 1);
            after = new PageCursor(last.createdAt(), last.transferId());
        }
        return page(caller, rows, limit);
    }

    private static boolean maySee(UUID caller, Set<UUID> callersFriends, FeedRow r) {
        if (r.senderId().equals(caller) || r.receiverId().equals(caller)) {
            return true;
        }
        return switch (r.visibility()) {
            case "public" -> true;
            case "friends" -> callersFriends.contains(r.senderId()) || callersFriends.contains(r.receiverId());
            default -> false;
        };
    }

    private record Parties(UUID senderId, UUID receiverId, String visibility) {}

    /** Whether the caller may see this transfer: a party, a public one, or a friends one of a friend. */
    public void checkVisible(UUID caller, UUID transferId) {
        var transfer = jdbc.sql("SELECT sender_id, receiver_id, visibility FROM transfers WHERE id = ?")
                .param(transferId)
                .query((rs, n) ->
                        new Parties(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), rs.getString(3)))
                .optional();
        boolean visible = transfer.isPresent()
                && maySee(
                        caller,
                        friendsOf(caller),
                        new FeedRow(
                                transferId,
                                null,
                                transfer.get().senderId(),
                                null,
                                transfer.get().receiverId(),
                                null,
                                null,
                                transfer.get().visibility(),
                                null));
        if (!visible) {
            throw new DomainException(
                    Problem.NOT_FOUND, "no feed item " + transferId, Map.of("transfer_id", transferId));
        }
    }

    private PageCursor.Page<FeedItemView> page(UUID caller, List<FeedRow> rows, int limit) {
        PageCursor.Page<FeedRow> page = PageCursor.page(rows, limit, FeedRow::createdAt, FeedRow::transferId);
        UUID[] ids = page.items().stream().map(FeedRow::transferId).toArray(UUID[]::new);
        Map<UUID, Long> likes = counts("feed_likes", ids);
        Map<UUID, Long> comments = counts("feed_comments", ids);
        List<FeedItemView> items = page.items().stream()
                .map(r -> new FeedItemView(
                        r.transferId(),
                        new FeedItemView.Party(r.senderId(), r.senderUsername()),
                        new FeedItemView.Party(r.receiverId(), r.receiverUsername()),
                        r.note(),
                        r.visibility(),
                        r.createdAt(),
                        likes.getOrDefault(r.transferId(), 0L),
                        comments.getOrDefault(r.transferId(), 0L),
                        r.senderId().equals(caller) || r.receiverId().equals(caller) ? r.amountCents() : null))
                .toList();
        return new PageCursor.Page<>(items, page.nextCursor());
    }

    private Map<UUID, Long> counts(String table, UUID[] ids) {
        Map<UUID, Long> counts = new HashMap<>();
        if (ids.length == 0) {
            return counts;
        }
        jdbc.sql("SELECT transfer_id, count(*) FROM " + table + " WHERE transfer_id = ANY(?) GROUP BY transfer_id")
                .param(ids)
                .query((rs, n) -> counts.put(rs.getObject(1, UUID.class), rs.getLong(2)))
                .list();
        return counts;
    }

    private Set<UUID> friendsOf(UUID user) {
        return new HashSet<>(jdbc.sql("SELECT CASE WHEN user_a = :u THEN user_b ELSE user_a END FROM friendships"
                        + " WHERE user_a = :u OR user_b = :u")
                .param("u", user)
                .query(UUID.class)
                .list());
    }

    private List<UUID> highDegreeFriends(UUID user) {
        return jdbc.sql("""
                        WITH mine AS (SELECT CASE WHEN user_a = :u THEN user_b ELSE user_a END AS friend
                                        FROM friendships WHERE user_a = :u OR user_b = :u)
                        SELECT m.friend FROM mine m
                         WHERE (SELECT count(*) FROM friendships f WHERE f.user_a = m.friend OR f.user_b = m.friend)
                               > :threshold
                        """)
                .param("u", user)
                .param("threshold", settings.highDegreeThreshold())
                .query(UUID.class)
                .list();
    }
}

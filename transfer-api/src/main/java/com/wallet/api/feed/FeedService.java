package com.wallet.api.feed;

import com.wallet.api.feed.FeedStore.FeedRow;
import com.wallet.api.friends.Blocks;
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
    private final Blocks blocks;

    FeedService(FeedStore store, FeedSettings settings, JdbcClient jdbc, Blocks blocks) {
        this.store = store;
        this.settings = settings;
        this.jdbc = jdbc;
        this.blocks = blocks;
    }

    /**
     * The caller's own partition merged with their high-degree friends' timelines, newest first. Rows are fetched in
     * rounds: a round is complete down to the newest of the last rows of the sources that came back full (older rows
     * of such a source were not fetched yet), and only rows the caller may still see are kept ({@link #current}), so
     * a page is full whenever more items exist, however many were narrowed or unfriended away.
     */
    public PageCursor.Page<FeedItemView> friendsFeed(UUID caller, int limit, String cursor) {
        PageCursor after = PageCursor.decode(cursor);
        Set<UUID> callersFriends = friendsOf(caller);
        Set<UUID> blocked = blocks.blockedWith(caller);
        List<UUID> authors = highDegreeAmong(callersFriends);
        List<FeedRow> kept = new ArrayList<>();
        int fetch = limit + 1;
        for (int round = 0; round < MAX_ROUNDS; round++) {
            List<List<FeedRow>> sources = new ArrayList<>();
            sources.add(store.userFeed(caller, after, fetch));
            for (UUID author : authors) {
                sources.add(store.authorFeed(author, after, fetch));
            }
            Map<UUID, FeedRow> merged = new LinkedHashMap<>();
            FeedRow horizon = null;
            for (List<FeedRow> source : sources) {
                source.forEach(r -> merged.putIfAbsent(r.transferId(), r));
                if (source.size() == fetch) {
                    FeedRow last = source.get(fetch - 1);
                    horizon = horizon == null || NEWEST_FIRST.compare(last, horizon) < 0 ? last : horizon;
                }
            }
            List<FeedRow> rows = new ArrayList<>(merged.values());
            rows.sort(NEWEST_FIRST);
            FeedRow cut = horizon;
            if (cut != null) {
                rows.removeIf(r -> NEWEST_FIRST.compare(r, cut) > 0);
            }
            kept.addAll(current(caller, callersFriends, blocked, rows, false, !settings.hideUnfriended()));
            if (kept.size() > limit || cut == null) {
                break;
            }
            after = new PageCursor(cut.createdAt(), cut.transferId());
            fetch = 4 * (limit + 1);
        }
        return page(caller, kept, limit);
    }

    public PageCursor.Page<FeedItemView> publicFeed(UUID caller, int limit, String cursor) {
        PageCursor after = PageCursor.decode(cursor);
        Instant newest =
                after == PageCursor.START || after.time().isAfter(Instant.now()) ? Instant.now() : after.time();
        Instant bucket = newest.truncatedTo(ChronoUnit.HOURS);
        Set<UUID> blocked = blocks.blockedWith(caller);
        List<FeedRow> rows = new ArrayList<>();
        for (int hour = 0; hour < settings.publicLookbackHours() && rows.size() <= limit; hour++) {
            PageCursor within = after;
            for (int round = 0; round < MAX_ROUNDS && rows.size() <= limit; round++) {
                int want = limit + 1 - rows.size();
                List<FeedRow> batch = store.publicBucket(bucket.minus(hour, ChronoUnit.HOURS), within, want);
                rows.addAll(current(caller, Set.of(), blocked, batch, true, false));
                if (batch.size() < want) {
                    break; // this hour has no more
                }
                FeedRow last = batch.get(batch.size() - 1);
                within = new PageCursor(last.createdAt(), last.transferId());
            }
        }
        return page(caller, rows, limit);
    }

    /**
     * The target's own payments that the caller may see: none when a block stands between them (an empty page, as for
     * a user who does not exist).
     */
    public PageCursor.Page<FeedItemView> userFeed(UUID caller, UUID target, int limit, String cursor) {
        Set<UUID> callersFriends = friendsOf(caller);
        Set<UUID> blocked = blocks.blockedWith(caller);
        PageCursor after = PageCursor.decode(cursor);
        List<FeedRow> rows = new ArrayList<>();
        for (int round = 0; round < MAX_ROUNDS && rows.size() <= limit; round++) {
            List<FeedRow> batch = store.userFeed(target, after, 4 * (limit + 1));
            List<FeedRow> own = batch.stream()
                    .filter(r -> r.senderId().equals(target) || r.receiverId().equals(target))
                    .toList();
            rows.addAll(current(caller, callersFriends, blocked, own, false, false));
            if (batch.size() < 4 * (limit + 1)) {
                break;
            }
            FeedRow last = batch.get(batch.size() - 1);
            after = new PageCursor(last.createdAt(), last.transferId());
        }
        return page(caller, rows, limit);
    }

    /** Rounds of reads a page may take when items are filtered out. */
    private static final int MAX_ROUNDS = 10;

    /**
     * The rows the caller may see now, with the visibility they have now: each payment's current visibility is read
     * from PostgreSQL (a party may have made it more private since it was fanned out) and judged against the caller's
     * current friendships (an unfriended party's friends-only payments are gone); none with a party in {@code
     * blocked} (the caller blocked them or was blocked by them). {@code publicOnly}: the public
     * feed, where only payments still public stay. {@code keepUnfriended}: friends-only payments in the caller's own
     * feed stay after an unfriending ({@code wallet.feed.hide-unfriended: false}).
     */
    private List<FeedRow> current(
            UUID caller,
            Set<UUID> callersFriends,
            Set<UUID> blocked,
            List<FeedRow> rows,
            boolean publicOnly,
            boolean keepUnfriended) {
        if (!blocked.isEmpty()) {
            rows = rows.stream()
                    .filter(r -> !blocked.contains(r.senderId()) && !blocked.contains(r.receiverId()))
                    .toList();
        }
        if (rows.isEmpty()) {
            return rows;
        }
        record Now(String visibility, String senderAvatarUrl, String receiverAvatarUrl) {}
        Map<UUID, Now> now = new HashMap<>();
        // the payments' visibility and their parties' avatars as they are now, in one round trip
        jdbc.sql("SELECT t.id, t.visibility, s.avatar_url, r.avatar_url FROM transfers t"
                        + " JOIN users s ON s.id = t.sender_id JOIN users r ON r.id = t.receiver_id"
                        + " WHERE t.id = ANY(?)")
                .param(rows.stream().map(FeedRow::transferId).toArray(UUID[]::new))
                .query((rs, n) -> now.put(
                        rs.getObject(1, UUID.class), new Now(rs.getString(2), rs.getString(3), rs.getString(4))))
                .list();
        List<FeedRow> kept = new ArrayList<>();
        for (FeedRow r : rows) {
            Now current = now.get(r.transferId());
            if (current == null) {
                continue;
            }
            String visibility = current.visibility();
            FeedRow row = new FeedRow(
                    r.transferId(),
                    r.createdAt(),
                    r.senderId(),
                    r.senderUsername(),
                    r.receiverId(),
                    r.receiverUsername(),
                    r.note(),
                    visibility,
                    r.amountCents(),
                    current.senderAvatarUrl(),
                    current.receiverAvatarUrl());
            boolean visible = publicOnly
                    ? visibility.equals("public")
                    : maySee(caller, callersFriends, row) || (keepUnfriended && visibility.equals("friends"));
            if (visible) {
                kept.add(row);
            }
        }
        return kept;
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

    /**
     * Whether the caller may see this transfer: a party, a public one, or a friends one of a friend, and no block
     * between the caller and a party. Returns the users the caller blocked or was blocked by (whose comments the
     * caller is not shown).
     */
    public Set<UUID> checkVisible(UUID caller, UUID transferId) {
        var transfer = jdbc.sql("SELECT sender_id, receiver_id, visibility FROM transfers WHERE id = ?")
                .param(transferId)
                .query((rs, n) ->
                        new Parties(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), rs.getString(3)))
                .optional();
        Set<UUID> blocked = transfer.isPresent() ? blocks.blockedWith(caller) : Set.of();
        boolean visible = transfer.isPresent()
                && !blocked.contains(transfer.get().senderId())
                && !blocked.contains(transfer.get().receiverId())
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
        return blocked;
    }

    private PageCursor.Page<FeedItemView> page(UUID caller, List<FeedRow> rows, int limit) {
        PageCursor.Page<FeedRow> page = PageCursor.page(rows, limit, FeedRow::createdAt, FeedRow::transferId);
        UUID[] ids = page.items().stream().map(FeedRow::transferId).toArray(UUID[]::new);
        Map<UUID, Long> likes = counts("feed_likes", ids);
        Map<UUID, Long> comments = counts("feed_comments", ids);
        List<FeedItemView> items = page.items().stream()
                .map(r -> new FeedItemView(
                        r.transferId(),
                        new FeedItemView.Party(r.senderId(), r.senderUsername(), r.senderAvatarUrl()),
                        new FeedItemView.Party(r.receiverId(), r.receiverUsername(), r.receiverAvatarUrl()),
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

    /** Those of {@code friends} with more friends than the high-degree threshold (their timelines are merged in). */
    private List<UUID> highDegreeAmong(Set<UUID> friends) {
        if (friends.isEmpty()) {
            return List.of();
        }
        return jdbc.sql("""
                        SELECT m.friend FROM unnest(:friends) AS m (friend)
                         WHERE (SELECT count(*) FROM friendships f WHERE f.user_a = m.friend OR f.user_b = m.friend)
                               > :threshold
                        """)
                .param("friends", friends.toArray(UUID[]::new))
                .param("threshold", settings.highDegreeThreshold())
                .query(UUID.class)
                .list();
    }
}

package com.wallet.api.feed;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.wallet.api.web.PageCursor;
import jakarta.annotation.PreDestroy;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * Reads the feed tables. The session is opened on first use, so the API starts (and serves everything else) while
 * Cassandra is away; feed calls then fail with 503.
 */
@Component
public class FeedStore {

    /**
     * One row of a feed table; {@code amountCents} only in the parties' own rows. The parties' avatars are not in the
     * tables: the feed read fills them in, as they are now, with the payment's current visibility.
     */
    public record FeedRow(
            UUID transferId,
            Instant createdAt,
            UUID senderId,
            String senderUsername,
            UUID receiverId,
            String receiverUsername,
            String note,
            String visibility,
            Long amountCents,
            String senderAvatarUrl,
            String receiverAvatarUrl) {

        public FeedRow(
                UUID transferId,
                Instant createdAt,
                UUID senderId,
                String senderUsername,
                UUID receiverId,
                String receiverUsername,
                String note,
                String visibility,
                Long amountCents) {
            this(
                    transferId,
                    createdAt,
                    senderId,
                    senderUsername,
                    receiverId,
                    receiverUsername,
                    note,
                    visibility,
                    amountCents,
                    null,
                    null);
        }
    }

    private static final String COLUMNS =
            "transfer_id, created_at, sender_id, sender_username, receiver_id, receiver_username, note";

    private final FeedSettings settings;
    private volatile Session session;

    private record Session(CqlSession cql, PreparedStatement user, PreparedStatement author, PreparedStatement open) {}

    FeedStore(FeedSettings settings) {
        this.settings = settings;
    }

    public List<FeedRow> userFeed(UUID user, PageCursor before, int limit) {
        return session().cql().execute(session().user().bind(user, before.time(), before.id(), limit)).all().stream()
                .map(r -> row(r, true, true))
                .toList();
    }

    public List<FeedRow> authorFeed(UUID author, PageCursor before, int limit) {
        return session()
                .cql()
                .execute(session().author().bind(author, before.time(), before.id(), limit))
                .all()
                .stream()
                .map(r -> row(r, true, false))
                .toList();
    }

    public List<FeedRow> publicBucket(Instant bucket, PageCursor before, int limit) {
        return session().cql().execute(session().open().bind(bucket, before.time(), before.id(), limit)).all().stream()
                .map(r -> row(r, false, false))
                .toList();
    }

    /** Asks Cassandra for its release version (opening the session if need be): its health. */
    public String ping(java.time.Duration timeout) {
        var statement = com.datastax.oss.driver.api.core.cql.SimpleStatement.newInstance(
                        "SELECT release_version FROM system.local")
                .setTimeout(timeout);
        return session().cql().execute(statement).one().getString(0);
    }

    private static FeedRow row(Row r, boolean hasVisibility, boolean hasAmount) {
        return new FeedRow(
                r.getUuid("transfer_id"),
                r.getInstant("created_at"),
                r.getUuid("sender_id"),
                r.getString("sender_username"),
                r.getUuid("receiver_id"),
                r.getString("receiver_username"),
                r.getString("note"),
                hasVisibility ? r.getString("visibility") : "public",
                hasAmount && !r.isNull("amount_cents") ? r.getLong("amount_cents") : null);
    }

    private Session session() {
        Session s = session;
        if (s == null) {
            synchronized (this) {
                if (session == null) {
                    String[] hostPort = settings.contactPoint().split(":");
                    CqlSession cql = CqlSession.builder()
                            .addContactPoint(new InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1])))
                            .withLocalDatacenter(settings.datacenter())
                            .withConfigLoader(DriverConfigLoader.programmaticBuilder()
                                    .withString(DefaultDriverOption.REQUEST_CONSISTENCY, settings.consistency())
                                    .build())
                            .build();
                    String ks = settings.keyspace();
                    String page = " AND (created_at, transfer_id) < (?, ?) LIMIT ?";
                    session = new Session(
                            cql,
                            cql.prepare("SELECT " + COLUMNS + ", visibility, amount_cents FROM " + ks
                                    + ".feed_by_user WHERE user_id = ?" + page),
                            cql.prepare("SELECT " + COLUMNS + ", visibility FROM " + ks
                                    + ".feed_by_author WHERE author_id = ?" + page),
                            cql.prepare("SELECT " + COLUMNS + " FROM " + ks + ".public_feed_by_hour WHERE bucket = ?"
                                    + page));
                }
                s = session;
            }
        }
        return s;
    }

    @PreDestroy
    void close() {
        Session s = session;
        if (s != null) {
            s.cql().close();
        }
    }
}

package com.wallet.api.feed;

import com.wallet.api.identity.CurrentUser;
import com.wallet.api.web.DomainException;
import com.wallet.api.web.Notes;
import com.wallet.api.web.PageCursor;
import com.wallet.api.web.Problem;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

@RestController
class FeedController {

    record CommentRequest(@NotNull String text) {}

    record CommentView(UUID id, UUID transferId, UUID userId, String text, Instant createdAt) {}

    record Comments(List<CommentView> items) {}

    private final FeedService feed;
    private final JdbcClient jdbc;
    private final com.wallet.api.web.RateLimiter rateLimiter;

    FeedController(FeedService feed, JdbcClient jdbc, com.wallet.api.web.RateLimiter rateLimiter) {
        this.feed = feed;
        this.jdbc = jdbc;
        this.rateLimiter = rateLimiter;
    }

    @GetMapping("/v1/me/feed")
    PageCursor.Page<FeedItemView> mine(
            @AuthenticationPrincipal Jwt token,
            @RequestParam(defaultValue = "20") @Min(1) @Max(100) int limit,
            @RequestParam(required = false) String cursor) {
        return feed.friendsFeed(CurrentUser.id(token), limit, cursor);
    }

    @GetMapping("/v1/feed/public")
    PageCursor.Page<FeedItemView> open(
            @AuthenticationPrincipal Jwt token,
            @RequestParam(defaultValue = "20") @Min(1) @Max(100) int limit,
            @RequestParam(required = false) String cursor) {
        return feed.publicFeed(CurrentUser.id(token), limit, cursor);
    }

    @GetMapping("/v1/users/{id}/feed")
    PageCursor.Page<FeedItemView> user(
            @AuthenticationPrincipal Jwt token,
            @PathVariable UUID id,
            @RequestParam(defaultValue = "20") @Min(1) @Max(100) int limit,
            @RequestParam(required = false) String cursor) {
        return feed.userFeed(CurrentUser.id(token), id, limit, cursor);
    }

    /** Liking twice is liking once. */
    @PostMapping("/v1/feed/{transferId}/likes")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Transactional
    void like(@AuthenticationPrincipal Jwt token, @PathVariable UUID transferId) {
        UUID me = CurrentUser.id(token);
        feed.checkVisible(me, transferId);
        jdbc.sql("INSERT INTO feed_likes (transfer_id, user_id) VALUES (?, ?) ON CONFLICT DO NOTHING")
                .params(transferId, me)
                .update();
    }

    @DeleteMapping("/v1/feed/{transferId}/likes")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Transactional
    void unlike(@AuthenticationPrincipal Jwt token, @PathVariable UUID transferId) {
        UUID me = CurrentUser.id(token);
        feed.checkVisible(me, transferId);
        jdbc.sql("DELETE FROM feed_likes WHERE transfer_id = ? AND user_id = ?")
                .params(transferId, me)
                .update();
    }

    /** Rate limited with the user's other writes (before any connection is taken for the comment itself). */
    @PostMapping("/v1/feed/{transferId}/comments")
    @ResponseStatus(HttpStatus.CREATED)
    CommentView comment(
            @AuthenticationPrincipal Jwt token,
            @PathVariable UUID transferId,
            @Valid @RequestBody CommentRequest body) {
        UUID me = CurrentUser.id(token);
        rateLimiter.acquire(me);
        feed.checkVisible(me, transferId);
        if (body.text().isBlank()) {
            throw new DomainException(Problem.INVALID_REQUEST, "text must not be blank", Map.of());
        }
        Notes.check(body.text());
        UUID id = UUID.randomUUID();
        return jdbc.sql("INSERT INTO feed_comments (id, transfer_id, user_id, text) VALUES (?, ?, ?, ?)"
                        + " RETURNING id, transfer_id, user_id, text, created_at")
                .params(id, transferId, me, body.text())
                .query(FeedController::comment)
                .single();
    }

    private static CommentView comment(java.sql.ResultSet rs, int row) throws java.sql.SQLException {
        return new CommentView(
                rs.getObject(1, UUID.class),
                rs.getObject(2, UUID.class),
                rs.getObject(3, UUID.class),
                rs.getString(4),
                rs.getTimestamp(5).toInstant());
    }

    /** The comments, less those of anyone the caller blocked or was blocked by. */
    @GetMapping("/v1/feed/{transferId}/comments")
    Comments comments(@AuthenticationPrincipal Jwt token, @PathVariable UUID transferId) {
        Set<UUID> blocked = feed.checkVisible(CurrentUser.id(token), transferId);
        return new Comments(jdbc.sql("SELECT id, transfer_id, user_id, text, created_at FROM feed_comments"
                        + " WHERE transfer_id = ? AND user_id <> ALL(?) ORDER BY created_at, id LIMIT 500")
                .params(transferId, blocked.toArray(UUID[]::new))
                .query(FeedController::comment)
                .list());
    }
}

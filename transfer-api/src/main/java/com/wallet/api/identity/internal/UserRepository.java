package com.wallet.api.identity.internal;

import com.wallet.api.identity.User;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
public class UserRepository {

    private static final String COLUMNS =
            "id, username, email, phone, display_name, status, default_visibility, created_at, avatar_url, closed_at";

    private final JdbcClient jdbc;

    public UserRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public void insert(User user, String passwordHash) {
        jdbc.sql("INSERT INTO users (id, username, email, password_hash, phone, display_name, created_at)"
                        + " VALUES (:id, :username, :email, :hash, :phone, :display, :created)")
                .param("id", user.id())
                .param("username", user.username())
                .param("email", user.email())
                .param("hash", passwordHash)
                .param("phone", user.phone())
                .param("display", user.displayName())
                .param("created", java.sql.Timestamp.from(user.createdAt()))
                .update();
    }

    public Optional<User> find(UUID id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM users WHERE id = ?")
                .param(id)
                .query(UserRepository::map)
                .optional();
    }

    /**
     * Whether the account exists and is not closed, its row locked {@code FOR SHARE} until the transaction ends: a
     * closure (which takes the row {@code FOR NO KEY UPDATE}) waits for what the transaction makes, and ends it;
     * one that committed first leaves nothing to find.
     */
    public boolean lockOpen(UUID id) {
        return jdbc.sql("SELECT 1 FROM users WHERE id = ? AND status <> 'closed' FOR SHARE")
                .param(id)
                .query(Integer.class)
                .optional()
                .isPresent();
    }

    /** An open account by its username (a closed account's name stays reserved but finds nobody). */
    public Optional<User> findByUsername(String username) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM users WHERE lower(username) = lower(?) AND status <> 'closed'")
                .param(username)
                .query(UserRepository::map)
                .optional();
    }

    /**
     * The id, password hash and generation of tokens ({@code token_generations}, 0 without a row) for a username, for
     * checking a password; none for a closed account.
     */
    public Optional<Credentials> credentials(String username) {
        return jdbc.sql("SELECT u.id, u.password_hash, coalesce(g.generation, 0) FROM users u"
                        + " LEFT JOIN token_generations g ON g.user_id = u.id"
                        + " WHERE lower(u.username) = lower(?) AND u.status <> 'closed'")
                .param(username)
                .query((rs, n) -> new Credentials(rs.getObject(1, UUID.class), rs.getString(2), rs.getInt(3)))
                .optional();
    }

    public boolean usernameTaken(String username) {
        return jdbc.sql("SELECT count(*) FROM users WHERE lower(username) = lower(?)")
                        .param(username)
                        .query(Long.class)
                        .single()
                > 0;
    }

    public boolean emailTaken(String email) {
        return jdbc.sql("SELECT count(*) FROM users WHERE lower(email) = lower(?)")
                        .param(email)
                        .query(Long.class)
                        .single()
                > 0;
    }

    /** The user's PIN hash, if they have set a PIN. */
    public Optional<String> pinHash(UUID userId) {
        return jdbc.sql("SELECT pin_hash FROM user_pins WHERE user_id = ?")
                .param(userId)
                .query(String.class)
                .optional();
    }

    /** Sets or replaces the user's PIN hash. */
    public void setPinHash(UUID userId, String pinHash) {
        jdbc.sql("INSERT INTO user_pins (user_id, pin_hash) VALUES (?, ?)"
                        + " ON CONFLICT (user_id) DO UPDATE SET pin_hash = excluded.pin_hash, updated_at = now()")
                .params(userId, pinHash)
                .update();
    }

    public record Credentials(UUID userId, String passwordHash, int tokenGeneration) {}

    static User map(ResultSet rs, int row) throws SQLException {
        return new User(
                rs.getObject("id", UUID.class),
                rs.getString("username"),
                rs.getString("email"),
                rs.getString("phone"),
                rs.getString("display_name"),
                rs.getString("status"),
                rs.getString("default_visibility"),
                rs.getTimestamp("created_at").toInstant(),
                rs.getString("avatar_url"),
                Optional.ofNullable(rs.getTimestamp("closed_at"))
                        .map(java.sql.Timestamp::toInstant)
                        .orElse(null));
    }

    /** Sets the user's avatar (null: none). */
    public void setAvatar(UUID id, String url) {
        jdbc.sql("UPDATE users SET avatar_url = ? WHERE id = ?").params(url, id).update();
    }
}

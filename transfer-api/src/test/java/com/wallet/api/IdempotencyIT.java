package com.wallet.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.wallet.api.idempotency.IdempotencyKeyPurge;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

@ApiIT
class IdempotencyIT extends ApiIT.Base {

    @Autowired
    IdempotencyKeyPurge purge;

    @Test
    void aRetryGetsTheFirstResponseAgainAndMovesNothing() {
        Api.Person alice = api.newUser("alice");
        Api.Person bob = api.newUser("bob");
        api.fund(alice, 1_000);
        String key = UUID.randomUUID().toString();

        Api.Response first = api.transfer(alice, bob.id(), 400, key);
        Api.Response retry = api.transfer(alice, bob.id(), 400, key);

        assertThat(first.status()).isEqualTo(201);
        assertThat(retry.status()).isEqualTo(201);
        assertThat(retry.raw()).isEqualTo(first.raw());
        assertThat(retry.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(first.header("Idempotent-Replayed")).isNull();
        assertThat(api.balance(alice)).isEqualTo(600);
    }

    @Test
    void theSameKeyWithADifferentBodyIsRefused() {
        Api.Person alice = api.newUser("alice");
        Api.Person bob = api.newUser("bob");
        api.fund(alice, 1_000);
        String key = UUID.randomUUID().toString();
        api.transfer(alice, bob.id(), 400, key);

        Api.Response reuse = api.transfer(alice, bob.id(), 401, key);

        assertThat(reuse.status()).isEqualTo(422);
        assertThat(reuse.problemType()).isEqualTo(Api.PROBLEMS + "idempotency-key-reuse");
        assertThat(reuse.json().path("idempotency_key").asString()).isEqualTo(key);
        assertThat(api.balance(alice)).isEqualTo(600);
    }

    @Test
    void aRefusalIsReplayedTooEvenAfterTheMoneyArrives() {
        Api.Person alice = api.newUser("alice");
        Api.Person bob = api.newUser("bob");
        String key = UUID.randomUUID().toString();

        Api.Response refused = api.transfer(alice, bob.id(), 500, key);
        api.fund(alice, 1_000);
        Api.Response again = api.transfer(alice, bob.id(), 500, key);

        assertThat(refused.status()).isEqualTo(422);
        assertThat(again.status()).isEqualTo(422);
        assertThat(again.raw()).isEqualTo(refused.raw());
        assertThat(api.balance(alice)).isEqualTo(1_000);
        // a new key is a new request
        assertThat(api.transfer(alice, bob.id(), 500, UUID.randomUUID().toString())
                        .status())
                .isEqualTo(201);
    }

    @Test
    void keysOlderThanTheRetentionArePurgedAndNewerOnesKept() {
        Api.Person alice = api.newUser("alice");
        db.update(
                "INSERT INTO idempotency_keys (user_id, key, request_hash, created_at) VALUES (?, 'old', 'h', now() - interval '25 hours')",
                alice.id());
        db.update(
                "INSERT INTO idempotency_keys (user_id, key, request_hash, created_at) VALUES (?, 'fresh', 'h', now() - interval '23 hours')",
                alice.id());

        assertThat(purge.purge()).isGreaterThanOrEqualTo(1);

        assertThat(db.queryForList("SELECT key FROM idempotency_keys WHERE user_id = ?", String.class, alice.id()))
                .containsExactly("fresh");
    }

    @Test
    void aCallerOverItsBudgetIsToldWhenToComeBack() {
        Api.Person eager = api.newUser("eager");
        Api.Person bob = api.newUser("bob");
        int limited = 0;
        String retryAfter = null;
        for (int i = 0; i < 130; i++) {
            Api.Response r = api.transfer(eager, bob.id(), 1, UUID.randomUUID().toString());
            if (r.status() == 429) {
                limited++;
                retryAfter = r.header("Retry-After");
                assertThat(r.problemType()).isEqualTo(Api.PROBLEMS + "rate-limited");
            } else {
                assertThat(r.status()).isEqualTo(422); // no money: refused, but counted against the budget
            }
        }
        assertThat(limited).isPositive();
        assertThat(retryAfter).isNotNull();
        assertThat(Integer.parseInt(retryAfter)).isBetween(1, 5);
        assertThat(Map.of()).isEmpty();
    }
}

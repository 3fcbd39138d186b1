package com.wallet.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Sign-ups are throttled per client address, in the shared buckets: an instance allowing 3 sign-ups per address an
 * hour refuses the fourth from one address (429 with Retry-After, no account created) while another address still
 * signs up. The addresses come through X-Forwarded-For, which the test profile trusts from loopback.
 */
@ApiIT
class SignUpThrottleIT extends ApiIT.Base {

    private static Api.Response signUp(Api api, String username, String address) {
        return api.postFrom(
                address,
                "/v1/users",
                Map.of("username", username, "email", username + "@example.com", "password", "correct horse 1"));
    }

    @Test
    void oneAddressCannotMintAccountsInBulk() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String address = "203.0.113." + (1 + Math.floorMod(run.hashCode(), 250));
        String other = "192.0.2." + (1 + Math.floorMod(run.hashCode(), 250));
        try (ConfigurableApplicationContext strict = anotherInstance(
                "--wallet.rate-limit.sign-up.capacity=3", "--wallet.rate-limit.sign-up.refill-period=PT1H")) {
            Api strictApi = new Api(portOf(strict), db, sim);
            // the address's bucket is new to this run: the 3 sign-ups of the hour, then refusals
            db.update("DELETE FROM rate_limit_buckets WHERE id IN (?, ?)", "sign-up:" + address, "sign-up:" + other);
            for (int i = 0; i < 3; i++) {
                assertThat(signUp(strictApi, "su" + run + "_" + i, address).status())
                        .isEqualTo(201);
            }
            Api.Response refused = signUp(strictApi, "su" + run + "_x", address);
            assertThat(refused.status()).isEqualTo(429);
            assertThat(refused.problemType()).isEqualTo(Api.PROBLEMS + "rate-limited");
            assertThat(Long.parseLong(refused.header("Retry-After"))).isBetween(1L, 3600L);
            assertThat(db.queryForObject(
                            "SELECT count(*) FROM users WHERE username = ?", Integer.class, "su" + run + "_x"))
                    .as("no account created by a refused sign-up")
                    .isZero();
            // the budget is the address's: another address signs up
            assertThat(signUp(strictApi, "su" + run + "_y", other).status()).isEqualTo(201);
        }
    }
}

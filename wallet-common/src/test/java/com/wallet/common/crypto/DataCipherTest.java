package com.wallet.common.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class DataCipherTest {

    private static final String KEY = Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes());
    private final DataCipher cipher = new DataCipher(KEY, 7);

    @Test
    void roundTripsWithAFreshNonceEachTime() {
        UUID owner = UUID.randomUUID();
        byte[] a = cipher.encrypt("4242424242424242", owner);
        byte[] b = cipher.encrypt("4242424242424242", owner);
        assertThat(a).isNotEqualTo(b);
        assertThat(new String(a, StandardCharsets.ISO_8859_1)).doesNotContain("4242");
        assertThat(a[1]).isEqualTo((byte) 7);
        assertThat(cipher.decrypt(a, owner)).isEqualTo("4242424242424242");
    }

    @Test
    void aCiphertextMovedToAnotherRowOrAlteredDoesNotDecrypt() {
        byte[] sealed = cipher.encrypt("000123456789", UUID.randomUUID());
        assertThatThrownBy(() -> cipher.decrypt(sealed, UUID.randomUUID())).hasMessageContaining("does not decrypt");
        UUID owner = UUID.randomUUID();
        byte[] altered = cipher.encrypt("000123456789", owner);
        altered[altered.length - 1] ^= 1;
        assertThatThrownBy(() -> cipher.decrypt(altered, owner)).hasMessageContaining("does not decrypt");
    }

    @Test
    void aMissingOrShortKeyStopsTheStartWithAClearMessage() {
        assertThatThrownBy(() -> new DataCipher("", 1)).hasMessageContaining("WALLET_CRYPTO_DATA_KEY");
        assertThatThrownBy(() -> new DataCipher(Base64.getEncoder().encodeToString(new byte[16]), 1))
                .hasMessageContaining("32 bytes");
    }

    @Test
    void fingerprintsAreKeyedAndStable() throws Exception {
        byte[] one = cipher.fingerprint("091000019:123456789");
        assertThat(cipher.fingerprint("091000019:123456789")).isEqualTo(one);
        assertThat(one).hasSize(32);
        assertThat(cipher.fingerprint("091000019:123456780")).isNotEqualTo(one);
        // another key gives another fingerprint, and none is the plain SHA-256 of the number
        String other = Base64.getEncoder().encodeToString("fedcba9876543210fedcba9876543210".getBytes());
        assertThat(new DataCipher(other, 7).fingerprint("091000019:123456789")).isNotEqualTo(one);
        assertThat(java.security.MessageDigest.getInstance("SHA-256")
                        .digest("091000019:123456789".getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .isNotEqualTo(one);
    }

    private static final String NEXT =
            Base64.getEncoder().encodeToString("fedcba9876543210fedcba9876543210".getBytes());

    @Test
    void aCiphertextUnderAPreviousKeyOpensAndIsSealedAgainUnderTheCurrentOne() {
        UUID owner = UUID.randomUUID();
        byte[] old = cipher.encrypt("000123456789", owner);
        DataCipher rotated = new DataCipher(NEXT, 8, "7:" + KEY);

        assertThat(rotated.isCurrent(old)).isFalse();
        assertThat(rotated.canOpen(old)).isTrue();
        assertThat(rotated.decrypt(old, owner)).isEqualTo("000123456789");
        byte[] resealed = rotated.reseal(old, owner);
        assertThat(resealed[1]).isEqualTo((byte) 8);
        assertThat(rotated.isCurrent(resealed)).isTrue();
        // once every row is sealed again the previous key can go; the old key alone cannot open the new ciphertext
        assertThat(new DataCipher(NEXT, 8).decrypt(resealed, owner)).isEqualTo("000123456789");
        assertThatThrownBy(() -> cipher.decrypt(resealed, owner)).hasMessageContaining("key id 8, which is not");
        assertThat(rotated.encrypt("x", owner)[1]).isEqualTo((byte) 8);
        assertThat(rotated.previousKeyIds()).containsExactly(7);
        assertThat(rotated.currentKeyId()).isEqualTo(8);
    }

    @Test
    void aCiphertextUnderAKeyNoLongerConfiguredIsRefusedNamingTheKeysThereAre() {
        UUID owner = UUID.randomUUID();
        byte[] old = cipher.encrypt("000123456789", owner);
        DataCipher withoutIt = new DataCipher(NEXT, 8);
        assertThat(withoutIt.canOpen(old)).isFalse();
        assertThatThrownBy(() -> withoutIt.decrypt(old, owner))
                .hasMessageContaining("under key id 7, which is not configured (current 8, previous [])");
    }

    @Test
    void previousKeysAreCheckedAndNeverEchoed() {
        String shortKey = Base64.getEncoder().encodeToString("sixteen-byte-key".getBytes());
        for (String bad : List.of(KEY, "x:" + KEY, "0:" + KEY, "256:" + KEY, "7:" + NEXT, "3:" + KEY + ",3:" + NEXT)) {
            assertThatThrownBy(() -> new DataCipher(NEXT, 7, bad))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("WALLET_CRYPTO_PREVIOUS_KEYS")
                    .hasMessageNotContaining(KEY)
                    .hasMessageNotContaining(NEXT);
        }
        assertThatThrownBy(() -> new DataCipher(NEXT, 7, "3:" + shortKey))
                .hasMessageContaining("32 bytes")
                .hasMessageNotContaining(shortKey);
        assertThatThrownBy(() -> new DataCipher(NEXT, 7, "3:not base64!"))
                .hasMessageContaining("not valid base64")
                .hasMessageNotContaining("not base64!");
        assertThat(new DataCipher(NEXT, 7, " 3:" + KEY + " , 5:" + KEY + " ").previousKeyIds())
                .containsExactly(3, 5);
        assertThat(new DataCipher(NEXT, 7, null).previousKeyIds()).isEmpty();
    }

    @Test
    void aSecretIsLookedUpByItsFingerprintsUnderEveryKeyTheCurrentOneFirst() {
        DataCipher rotated = new DataCipher(NEXT, 8, "7:" + KEY);
        byte[][] all = rotated.fingerprints("091000019:123456789");
        assertThat(all).hasNumberOfRows(2);
        assertThat(all[0]).isEqualTo(rotated.fingerprint("091000019:123456789"));
        assertThat(all[1]).isEqualTo(cipher.fingerprint("091000019:123456789"));
        assertThat(all[0]).isNotEqualTo(all[1]);
        assertThat(cipher.fingerprints("091000019:123456789")).hasNumberOfRows(1);
    }

    @Test
    void threadsSealAndOpenAtOnceEachWithItsOwnCipher() throws Exception {
        DataCipher rotated = new DataCipher(NEXT, 8, "7:" + KEY);
        var pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<Integer>> done = new java.util.ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    int ok = 0;
                    for (int i = 0; i < 2_000; i++) {
                        UUID owner = UUID.randomUUID();
                        String number = thread + "-" + i;
                        // both keys in turn: each call initialises the thread's cipher with the key it needs
                        byte[] sealed = (i % 2 == 0 ? cipher : rotated).encrypt(number, owner);
                        if (rotated.decrypt(sealed, owner).equals(number)) {
                            ok++;
                        }
                    }
                    return ok;
                }));
            }
            for (var f : done) {
                assertThat(f.get()).isEqualTo(2_000);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}

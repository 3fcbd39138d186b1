package com.wallet.common.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
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
}

package com.wallet.api.crypto;

import com.wallet.common.crypto.DataCipher;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * The key that encrypts account and card numbers at rest: {@code dataKey} is base64 of 32 random bytes (AES-256),
 * {@code keyId} is stored with every ciphertext; {@code previousKeys} ({@code id:base64}, comma-separated) are the
 * keys older ciphertexts may still be under while {@link KeyRotation} seals them again. No default for the key: set
 * {@code WALLET_CRYPTO_DATA_KEY}; the local and test profiles set development keys.
 */
@Validated
@ConfigurationProperties("wallet.crypto")
public record CryptoSettings(
        String dataKey, @Min(1) @Max(255) int keyId, String previousKeys) {

    /** The cipher under this key (checks the key: a missing or short one stops the start with a clear message). */
    public DataCipher cipher() {
        return new DataCipher(dataKey, keyId, previousKeys);
    }

    @Override
    public String toString() {
        return "CryptoSettings[dataKey=<hidden>, keyId=" + keyId + ", previousKeys=<hidden>]";
    }
}

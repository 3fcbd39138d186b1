package com.wallet.common.crypto;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.UUID;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM for account and card numbers. A ciphertext is {@code version(1) keyId(1) nonce(12) ciphertext+tag};
 * the owning row's id is the associated data, so a ciphertext copied onto another row does not decrypt.
 */
public final class DataCipher {

    private static final byte VERSION = 1;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final SecretKey key;
    private final SecretKey fingerprintKey;
    private final byte keyId;
    private final SecureRandom random = new SecureRandom();

    /**
     * @param dataKey base64 of 32 random bytes
     * @param keyId 1-255, stored with every ciphertext
     */
    public DataCipher(String dataKey, int keyId) {
        if (keyId < 1 || keyId > 255) {
            throw new IllegalStateException("the data key id must be from 1 to 255, was " + keyId);
        }
        if (dataKey == null || dataKey.isBlank()) {
            throw new IllegalStateException("wallet.crypto.data-key is not set: give WALLET_CRYPTO_DATA_KEY the base64"
                    + " of 32 random bytes (e.g. openssl rand -base64 32)");
        }
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(dataKey.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("wallet.crypto.data-key is not valid base64");
        }
        if (raw.length != 32) {
            throw new IllegalStateException(
                    "wallet.crypto.data-key must decode to 32 bytes (AES-256), it decodes to " + raw.length);
        }
        this.key = new SecretKeySpec(raw, "AES");
        // a subkey of its own for fingerprints (HMAC(data key, label)), so the data key never serves two purposes
        this.fingerprintKey =
                new SecretKeySpec(hmac(new SecretKeySpec(raw, "HmacSHA256"), "fingerprint-v1"), "HmacSHA256");
        this.keyId = (byte) keyId;
    }

    /**
     * A keyed fingerprint of a secret (HMAC-SHA256 under a subkey of the data key): equal secrets have equal
     * fingerprints, so the same bank account can be recognised across links and users without storing its number in
     * a form anyone without the key could test guesses against.
     */
    public byte[] fingerprint(String secret) {
        return hmac(fingerprintKey, secret);
    }

    private static byte[] hmac(SecretKey key, String message) {
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(message.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable", e);
        }
    }

    public byte[] encrypt(String plaintext, UUID owner) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(aad(owner));
            byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.allocate(2 + NONCE_BYTES + sealed.length)
                    .put(VERSION)
                    .put(keyId)
                    .put(nonce)
                    .put(sealed)
                    .array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM encryption failed", e);
        }
    }

    public String decrypt(byte[] ciphertext, UUID owner) {
        if (ciphertext.length < 2 + NONCE_BYTES + TAG_BITS / 8 || ciphertext[0] != VERSION) {
            throw new IllegalStateException("not a ciphertext of this application (owner " + owner + ")");
        }
        if (ciphertext[1] != keyId) {
            throw new IllegalStateException("ciphertext of owner " + owner + " is under key id "
                    + (ciphertext[1] & 0xff) + ", not the configured " + (keyId & 0xff));
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, ciphertext, 2, NONCE_BYTES));
            cipher.updateAAD(aad(owner));
            byte[] plain = cipher.doFinal(ciphertext, 2 + NONCE_BYTES, ciphertext.length - 2 - NONCE_BYTES);
            return new String(plain, StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(
                    "ciphertext of owner " + owner + " does not decrypt (wrong key or altered)");
        }
    }

    private static byte[] aad(UUID owner) {
        return owner.toString().getBytes(StandardCharsets.US_ASCII);
    }
}

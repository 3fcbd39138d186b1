package com.wallet.common.crypto;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM for account and card numbers. A ciphertext is {@code version(1) keyId(1) nonce(12) ciphertext+tag};
 * the owning row's id is the associated data, so a ciphertext copied onto another row does not decrypt.
 *
 * <p>Keys rotate: new ciphertexts are sealed under the current key; a ciphertext is opened under the key its id names,
 * the current one or one of the previous keys still configured, until transfer-api's key rotation has sealed every
 * row again under the current key ({@link #isCurrent}, {@link #reseal}) and the previous key can be dropped. A
 * fingerprint is under the current key too; during a rotation a secret is looked up by its fingerprints under every
 * configured key ({@link #fingerprints}).
 *
 * <p>Each thread keeps its {@link Cipher} (a {@code Cipher} is not thread-safe): made once, with the provider
 * look-up, and initialised per call, which expands the AES key schedule only when the key differs from the last
 * call's. Origination decrypts an account number per ACH entry; a {@code Cipher} made per call was about half of what
 * it allocated.
 */
public final class DataCipher {

    private static final byte VERSION = 1;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    /** A data key: its id, the AES key and the fingerprints' subkey (HMAC(data key, label)). */
    private record Key(byte id, SecretKey aes, SecretKey fingerprint) {}

    private final Key current;

    /** The previous keys' ids, ascending (read only). */
    private final List<Integer> previousIds;

    /** Every configured key by its id (0-255), current and previous; null where none. */
    private final Key[] byId = new Key[256];

    private final SecureRandom random = new SecureRandom();

    private final ThreadLocal<Cipher> ciphers = ThreadLocal.withInitial(() -> {
        try {
            return Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/GCM/NoPadding is unavailable", e);
        }
    });

    /**
     * @param dataKey base64 of 32 random bytes
     * @param keyId 1-255, stored with every ciphertext
     */
    public DataCipher(String dataKey, int keyId) {
        this(dataKey, keyId, "");
    }

    /**
     * @param dataKey base64 of 32 random bytes, the current key: every new ciphertext and fingerprint is under it
     * @param keyId 1-255, stored with every ciphertext
     * @param previousKeys the keys earlier ciphertexts may still be under, {@code id:base64} separated by commas
     *     ({@code WALLET_CRYPTO_PREVIOUS_KEYS}); empty or null for none
     */
    public DataCipher(String dataKey, int keyId, String previousKeys) {
        if (keyId < 1 || keyId > 255) {
            throw new IllegalStateException("the data key id must be from 1 to 255, was " + keyId);
        }
        if (dataKey == null || dataKey.isBlank()) {
            throw new IllegalStateException("wallet.crypto.data-key is not set: give WALLET_CRYPTO_DATA_KEY the base64"
                    + " of 32 random bytes (e.g. openssl rand -base64 32)");
        }
        this.current = key(keyId, dataKey, "wallet.crypto.data-key");
        byId[keyId] = current;
        if (previousKeys != null && !previousKeys.isBlank()) {
            int n = 0;
            for (String entry : previousKeys.split(",")) {
                n++;
                // the entry's text is never echoed: it holds a key
                String where = "previous data key " + n + " (WALLET_CRYPTO_PREVIOUS_KEYS)";
                int colon = entry.indexOf(':');
                int id;
                try {
                    id = colon < 0
                            ? -1
                            : Integer.parseInt(entry.substring(0, colon).trim());
                } catch (NumberFormatException e) {
                    id = -1;
                }
                if (id < 1 || id > 255) {
                    throw new IllegalStateException(where + " is not <id>:<base64 key> with an id from 1 to 255");
                }
                if (byId[id] != null) {
                    throw new IllegalStateException(where + " has id " + id + ", which "
                            + (id == keyId ? "is the current key's" : "an earlier previous key has"));
                }
                byId[id] = key(id, entry.substring(colon + 1), where);
            }
        }
        List<Integer> ids = new ArrayList<>();
        for (int id = 1; id < byId.length; id++) {
            if (byId[id] != null && byId[id] != current) {
                ids.add(id);
            }
        }
        this.previousIds = List.copyOf(ids);
    }

    private static Key key(int id, String base64, String where) {
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(base64.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(where + " is not valid base64");
        }
        if (raw.length != 32) {
            throw new IllegalStateException(where + " must decode to 32 bytes (AES-256), it decodes to " + raw.length);
        }
        // a subkey of its own for fingerprints, so the data key never serves two purposes
        SecretKey fingerprint =
                new SecretKeySpec(hmac(new SecretKeySpec(raw, "HmacSHA256"), "fingerprint-v1"), "HmacSHA256");
        return new Key((byte) id, new SecretKeySpec(raw, "AES"), fingerprint);
    }

    /** The current key's id: every new ciphertext carries it. */
    public int currentKeyId() {
        return current.id() & 0xff;
    }

    /** The ids of the previous keys configured (read only), ascending. */
    public List<Integer> previousKeyIds() {
        return previousIds;
    }

    /**
     * A keyed fingerprint of a secret (HMAC-SHA256 under a subkey of the current data key): equal secrets have equal
     * fingerprints, so the same bank account can be recognised across links and users without storing its number in
     * a form anyone without the key could test guesses against.
     */
    public byte[] fingerprint(String secret) {
        return hmac(current.fingerprint(), secret);
    }

    /**
     * The secret's fingerprints under every configured key, the current key's first: what a stored fingerprint may be
     * while a rotation has not rewritten every row yet.
     */
    public byte[][] fingerprints(String secret) {
        List<byte[]> all = new ArrayList<>();
        all.add(fingerprint(secret));
        for (int id : previousKeyIds()) {
            all.add(hmac(byId[id].fingerprint(), secret));
        }
        return all.toArray(byte[][]::new);
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
            Cipher cipher = ciphers.get();
            cipher.init(Cipher.ENCRYPT_MODE, current.aes(), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(aad(owner));
            byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.allocate(2 + NONCE_BYTES + sealed.length)
                    .put(VERSION)
                    .put(current.id())
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
        Key key = byId[ciphertext[1] & 0xff];
        if (key == null) {
            throw new IllegalStateException("ciphertext of owner " + owner + " is under key id "
                    + (ciphertext[1] & 0xff) + ", which is not configured (current " + currentKeyId() + ", previous "
                    + previousKeyIds() + ")");
        }
        try {
            Cipher cipher = ciphers.get();
            cipher.init(Cipher.DECRYPT_MODE, key.aes(), new GCMParameterSpec(TAG_BITS, ciphertext, 2, NONCE_BYTES));
            cipher.updateAAD(aad(owner));
            byte[] plain = cipher.doFinal(ciphertext, 2 + NONCE_BYTES, ciphertext.length - 2 - NONCE_BYTES);
            return new String(plain, StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(
                    "ciphertext of owner " + owner + " does not decrypt (wrong key or altered)");
        }
    }

    /** Whether the ciphertext is under the current key (else a rotation still has to seal it again). */
    public boolean isCurrent(byte[] ciphertext) {
        return ciphertext.length > 1 && ciphertext[1] == current.id();
    }

    /** Whether the ciphertext names a key this cipher has (current or previous). */
    public boolean canOpen(byte[] ciphertext) {
        return ciphertext.length > 1 && byId[ciphertext[1] & 0xff] != null;
    }

    /** The same plaintext sealed again under the current key (a fresh nonce), for the same owner. */
    public byte[] reseal(byte[] ciphertext, UUID owner) {
        return encrypt(decrypt(ciphertext, owner), owner);
    }

    private static byte[] aad(UUID owner) {
        return owner.toString().getBytes(StandardCharsets.US_ASCII);
    }
}

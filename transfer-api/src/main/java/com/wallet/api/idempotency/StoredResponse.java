package com.wallet.api.idempotency;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/** A response as first sent, kept with its idempotency key so that a retry gets the very same status and bytes. */
public record StoredResponse(int status, String contentType, String body, boolean replayed) {

    public static final String REPLAYED_HEADER = "Idempotent-Replayed";

    public StoredResponse asReplay() {
        return new StoredResponse(status, contentType, body, true);
    }

    public ResponseEntity<String> toResponseEntity() {
        HttpHeaders headers = new HttpHeaders();
        headers.setContentType(MediaType.parseMediaType(contentType));
        if (replayed) {
            headers.set(REPLAYED_HEADER, "true");
        }
        return ResponseEntity.status(status).headers(headers).body(body);
    }
}

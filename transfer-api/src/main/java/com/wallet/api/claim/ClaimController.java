package com.wallet.api.claim;

import com.wallet.api.identity.CurrentUser;
import com.wallet.api.web.PageCursor;
import com.wallet.api.web.RateLimiter;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

@RestController
class ClaimController {

    record ContactRequest(String email, String phone) {}

    record VerifyRequest(String email, String phone, String code) {}

    private final ClaimService claims;
    private final ContactService contacts;
    private final RateLimiter rateLimiter;

    ClaimController(ClaimService claims, ContactService contacts, RateLimiter rateLimiter) {
        this.claims = claims;
        this.contacts = contacts;
        this.rateLimiter = rateLimiter;
    }

    /** Sends a one-time code to an email address or phone number the caller wants to prove. */
    @PostMapping("/v1/me/contacts")
    @ResponseStatus(HttpStatus.ACCEPTED)
    ContactService.CodeSent sendCode(@AuthenticationPrincipal Jwt token, @Valid @RequestBody ContactRequest body) {
        UUID me = CurrentUser.id(token);
        rateLimiter.acquire(me);
        return contacts.sendCode(me, Contact.of(body.email(), body.phone()));
    }

    /** Proves it with the code; payments waiting for it become the caller's. */
    @PostMapping("/v1/me/contacts/verify")
    ContactService.Verified verify(@AuthenticationPrincipal Jwt token, @Valid @RequestBody VerifyRequest body) {
        UUID me = CurrentUser.id(token);
        rateLimiter.acquire(me);
        return contacts.verify(me, Contact.of(body.email(), body.phone()), body.code());
    }

    @GetMapping("/v1/me/contacts")
    Map<String, List<ContactService.ContactView>> list(@AuthenticationPrincipal Jwt token) {
        return Map.of("items", contacts.list(CurrentUser.id(token)));
    }

    @GetMapping("/v1/me/claims")
    PageCursor.Page<ClaimView> mine(
            @AuthenticationPrincipal Jwt token,
            @RequestParam(defaultValue = "20") @Min(1) @Max(100) int limit,
            @RequestParam(required = false) String cursor) {
        return claims.list(CurrentUser.id(token), limit, cursor);
    }

    @GetMapping("/v1/claims/{id}")
    ClaimView get(@AuthenticationPrincipal Jwt token, @PathVariable UUID id) {
        return claims.get(CurrentUser.id(token), id);
    }

    @PostMapping("/v1/claims/{id}/cancel")
    ClaimView cancel(@AuthenticationPrincipal Jwt token, @PathVariable UUID id) {
        return claims.cancel(CurrentUser.id(token), id);
    }
}

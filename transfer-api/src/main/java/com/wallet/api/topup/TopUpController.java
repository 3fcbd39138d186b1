package com.wallet.api.topup;

import com.wallet.api.idempotency.IdempotentExecutor;
import com.wallet.api.identity.CurrentUser;
import com.wallet.api.identity.Pins;
import com.wallet.api.web.PageCursor;
import com.wallet.api.web.RateLimiter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.util.UUID;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;

@RestController
class TopUpController {

    record TopUpRequest(
            @NotNull @Min(1) Long amountCents, @NotNull UUID paymentMethodId) {}

    private final TopUpService topUps;
    private final IdempotentExecutor idempotency;
    private final RateLimiter rateLimiter;
    private final Pins pins;
    private final JsonMapper json;

    TopUpController(
            TopUpService topUps, IdempotentExecutor idempotency, RateLimiter rateLimiter, Pins pins, JsonMapper json) {
        this.topUps = topUps;
        this.idempotency = idempotency;
        this.rateLimiter = rateLimiter;
        this.pins = pins;
        this.json = json;
    }

    @ApiResponse(
            responseCode = "201",
            description = "the top-up, pending until the bank debit settles",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = TopUpView.class)))
    @PostMapping("/v1/me/wallet/top-ups")
    ResponseEntity<String> topUp(
            @AuthenticationPrincipal Jwt token,
            @RequestHeader("Idempotency-Key") String key,
            @RequestHeader(value = Pins.HEADER, required = false) String pin,
            @Valid @RequestBody TopUpRequest body) {
        UUID me = CurrentUser.id(token);
        rateLimiter.acquire(me);
        pins.requireAbove(me, pin, body.amountCents(), "top_up");
        String request = "POST /v1/me/wallet/top-ups " + json.writeValueAsString(body);
        return idempotency
                .execute(
                        me,
                        key,
                        request,
                        () -> idempotency.json(201, topUps.topUp(me, body.amountCents(), body.paymentMethodId())))
                .toResponseEntity();
    }

    @GetMapping("/v1/me/wallet/top-ups")
    PageCursor.Page<TopUpView> list(
            @AuthenticationPrincipal Jwt token,
            @RequestParam(defaultValue = "20") @Min(1) @Max(100) int limit,
            @RequestParam(required = false) String cursor) {
        return topUps.list(CurrentUser.id(token), limit, cursor);
    }

    @GetMapping("/v1/me/wallet/top-ups/{id}")
    TopUpView get(@AuthenticationPrincipal Jwt token, @PathVariable UUID id) {
        return topUps.get(CurrentUser.id(token), id);
    }
}

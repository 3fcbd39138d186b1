package com.wallet.api.cashout;

import com.wallet.api.domain.CashoutSpeed;
import com.wallet.api.idempotency.IdempotentExecutor;
import com.wallet.api.idempotency.StoredResponse;
import com.wallet.api.identity.CurrentUser;
import com.wallet.api.identity.Pins;
import com.wallet.api.web.RateLimiter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;

@RestController
class CashoutController {

    record CashoutRequest(
            @NotNull @Min(1) Long amountCents,

            @NotNull @Pattern(regexp = "instant|standard", message = "must be instant or standard")
            String speed,

            @NotNull UUID paymentMethodId) {}

    private final CashoutService cashouts;
    private final IdempotentExecutor idempotency;
    private final RateLimiter rateLimiter;
    private final Pins pins;
    private final JsonMapper json;

    CashoutController(
            CashoutService cashouts,
            IdempotentExecutor idempotency,
            RateLimiter rateLimiter,
            JsonMapper json,
            Pins pins) {
        this.pins = pins;
        this.cashouts = cashouts;
        this.idempotency = idempotency;
        this.rateLimiter = rateLimiter;
        this.json = json;
    }

    /** 202 pending (standard, or instant with the outcome still unknown), 201 completed (instant). */
    @ApiResponse(
            responseCode = "201",
            description = "completed (instant)",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = CashoutView.class)))
    @ApiResponse(
            responseCode = "202",
            description = "pending (standard, or instant with the outcome still unknown)",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = CashoutView.class)))
    @PostMapping("/v1/cashouts")
    ResponseEntity<String> cashout(
            @AuthenticationPrincipal Jwt token,
            @RequestHeader("Idempotency-Key") String key,
            @RequestHeader(value = Pins.HEADER, required = false) String pin,
            @Valid @RequestBody CashoutRequest body) {
        UUID me = CurrentUser.id(token);
        rateLimiter.acquire(me);
        pins.require(me, pin, "cashout");
        CashoutSpeed speed = CashoutSpeed.of(body.speed());
        cashouts.checkNetwork(speed);
        AtomicReference<CashoutView> held = new AtomicReference<>();
        StoredResponse response =
                idempotency.execute(me, key, "POST /v1/cashouts " + json.writeValueAsString(body), () -> {
                    CashoutView cashout = cashouts.request(me, body.amountCents(), speed, body.paymentMethodId());
                    held.set(cashout);
                    return idempotency.json(202, cashout);
                });
        if (response.replayed() || held.get() == null || speed != CashoutSpeed.INSTANT) {
            return response.toResponseEntity();
        }
        CashoutService.Payout outcome = cashouts.payOut(held.get().id(), new CashoutService.Recorder() {
            @Override
            public void settled(CashoutService.Payout outcome) {
                idempotency.overwrite(me, key, response(outcome));
            }

            @Override
            public void abandoned() {
                idempotency.forget(me, key);
            }
        });
        return response(outcome).toResponseEntity();
    }

    /** 201 paid, 202 while the outcome is unknown (the key keeps the 202 until then), the problem if declined. */
    private StoredResponse response(CashoutService.Payout outcome) {
        if (outcome instanceof CashoutService.Payout.Paid paid) {
            return idempotency.json(201, paid.cashout());
        }
        if (outcome instanceof CashoutService.Payout.Unknown unknown) {
            return idempotency.json(202, unknown.cashout());
        }
        return idempotency.problem(((CashoutService.Payout.Declined) outcome).problem());
    }

    @GetMapping("/v1/cashouts/{id}")
    CashoutView get(@AuthenticationPrincipal Jwt token, @PathVariable UUID id) {
        return cashouts.get(CurrentUser.id(token), id);
    }
}

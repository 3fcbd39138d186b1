package com.wallet.api.funding;

import com.wallet.api.identity.CurrentUser;
import com.wallet.api.identity.Pins;
import com.wallet.api.web.DomainException;
import com.wallet.api.web.Problem;
import com.wallet.api.web.RateLimiter;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

@RestController
class PaymentMethodController {

    /** Bank: routing and account number. Card: number and expiry. Its string form never shows a number. */
    record LinkRequest(
            @NotNull @Pattern(regexp = "bank|card", message = "must be bank or card")
            String type,

            String routingNumber,
            String accountNumber,
            String cardNumber,
            Integer expMonth,
            Integer expYear) {

        @Override
        public String toString() {
            return "LinkRequest[type=" + type + ", numbers hidden]";
        }
    }

    record VerifyRequest(
            @NotNull @Size(min = 2, max = 2, message = "must hold the two micro-deposit amounts")
            List<@NotNull @Min(1) @Max(99) Long> amountsCents) {}

    record Listing(List<PaymentMethodView> items) {}

    private final PaymentMethodService methods;
    private final RateLimiter rateLimiter;
    private final Pins pins;

    PaymentMethodController(PaymentMethodService methods, RateLimiter rateLimiter, Pins pins) {
        this.pins = pins;
        this.methods = methods;
        this.rateLimiter = rateLimiter;
    }

    @PostMapping("/v1/me/payment-methods")
    @ResponseStatus(HttpStatus.CREATED)
    PaymentMethodView link(
            @AuthenticationPrincipal Jwt token,
            @RequestHeader(value = Pins.HEADER, required = false) String pin,
            @Valid @RequestBody LinkRequest body) {
        UUID me = CurrentUser.id(token);
        rateLimiter.acquire(me);
        pins.require(me, pin, "payment_method.link");
        if (body.type().equals("bank")) {
            require(body.routingNumber() != null && body.accountNumber() != null, "routing_number and account_number");
            require(body.cardNumber() == null && body.expMonth() == null && body.expYear() == null, null);
            return methods.linkBank(me, body.routingNumber(), body.accountNumber());
        }
        require(
                body.cardNumber() != null && body.expMonth() != null && body.expYear() != null,
                "card_number, exp_month and exp_year");
        require(body.routingNumber() == null && body.accountNumber() == null, null);
        return methods.linkCard(me, body.cardNumber(), body.expMonth(), body.expYear());
    }

    @PostMapping("/v1/me/payment-methods/{id}/verify")
    PaymentMethodView verify(
            @AuthenticationPrincipal Jwt token, @PathVariable UUID id, @Valid @RequestBody VerifyRequest body) {
        UUID me = CurrentUser.id(token);
        rateLimiter.acquire(me);
        return methods.verify(me, id, body.amountsCents());
    }

    @PostMapping("/v1/me/payment-methods/{id}/default")
    PaymentMethodView makeDefault(@AuthenticationPrincipal Jwt token, @PathVariable UUID id) {
        return methods.makeDefault(CurrentUser.id(token), id);
    }

    @GetMapping("/v1/me/payment-methods")
    Listing list(@AuthenticationPrincipal Jwt token) {
        return new Listing(methods.list(CurrentUser.id(token)));
    }

    @DeleteMapping("/v1/me/payment-methods/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void unlink(
            @AuthenticationPrincipal Jwt token,
            @RequestHeader(value = Pins.HEADER, required = false) String pin,
            @PathVariable UUID id) {
        UUID me = CurrentUser.id(token);
        rateLimiter.acquire(me);
        pins.require(me, pin, "payment_method.unlink");
        methods.unlink(me, id);
    }

    /** @param fields what is required, or null when the check is that the other type's fields are absent */
    private static void require(boolean ok, String fields) {
        if (!ok) {
            throw new DomainException(
                    Problem.INVALID_REQUEST,
                    fields != null
                            ? fields + " are required for this type"
                            : "a bank takes routing_number and account_number; a card takes card_number, exp_month"
                                    + " and exp_year",
                    Map.of());
        }
    }
}

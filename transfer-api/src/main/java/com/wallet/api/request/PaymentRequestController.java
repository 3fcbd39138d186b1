package com.wallet.api.request;

import com.wallet.api.domain.Visibility;
import com.wallet.api.idempotency.IdempotentExecutor;
import com.wallet.api.identity.CurrentUser;
import com.wallet.api.identity.Pins;
import com.wallet.api.transfer.TransferService;
import com.wallet.api.web.DomainException;
import com.wallet.api.web.Notes;
import com.wallet.api.web.PageCursor;
import com.wallet.api.web.Problem;
import com.wallet.api.web.RateLimiter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

@RestController
class PaymentRequestController {

    /**
     * One payer ({@code payer_id}, {@code amount_cents}), or a split: {@code payers} with their amounts, or {@code
     * split: "equal"} of {@code total_cents} among them (and the requester, with {@code include_requester}).
     */
    record CreateRequest(
            UUID payerId,
            @Min(1) Long amountCents,
            @NotNull String note,

            @Pattern(regexp = "public|friends|private", message = "must be public, friends or private")
            String visibility,

            List<@Valid @NotNull Payer> payers,

            @Pattern(regexp = "equal|custom", message = "must be equal or custom")
            String split,

            @Min(1) Long totalCents,
            Boolean includeRequester) {}

    record Payer(@NotNull UUID userId, @Min(1) Long amountCents) {}

    private final PaymentRequestService requests;
    private final IdempotentExecutor idempotency;
    private final RateLimiter rateLimiter;
    private final Pins pins;
    private final TransferService transfers;

    PaymentRequestController(
            PaymentRequestService requests,
            IdempotentExecutor idempotency,
            RateLimiter rateLimiter,
            TransferService transfers,
            Pins pins) {
        this.pins = pins;
        this.requests = requests;
        this.transfers = transfers;
        this.idempotency = idempotency;
        this.rateLimiter = rateLimiter;
    }

    @PostMapping("/v1/payment-requests")
    @ResponseStatus(HttpStatus.CREATED)
    Object create(@AuthenticationPrincipal Jwt token, @Valid @RequestBody CreateRequest body) {
        rateLimiter.acquire(CurrentUser.id(token));
        Notes.check(body.note());
        Visibility visibility = body.visibility() == null ? null : Visibility.of(body.visibility());
        if (body.payers() == null) {
            if (body.payerId() == null || body.amountCents() == null) {
                throw invalid("give payer_id and amount_cents, or payers");
            }
            if (body.split() != null || body.totalCents() != null || body.includeRequester() != null) {
                throw invalid("split, total_cents and include_requester go with payers");
            }
            return requests.create(CurrentUser.id(token), body.payerId(), body.amountCents(), body.note(), visibility);
        }
        if (body.payerId() != null || body.amountCents() != null) {
            throw invalid("give payer_id and amount_cents, or payers, not both");
        }
        boolean equal = "equal".equals(body.split());
        boolean withMe = Boolean.TRUE.equals(body.includeRequester());
        List<PaymentRequestService.Share> shares = new ArrayList<>();
        long requesterShare = 0;
        if (equal) {
            if (body.totalCents() == null || body.payers().stream().anyMatch(p -> p.amountCents() != null)) {
                throw invalid("an equal split takes total_cents and payers without amounts");
            }
            List<Long> parts = PaymentRequestService.equalShares(
                    body.totalCents(), body.payers().size() + (withMe ? 1 : 0));
            for (int i = 0; i < body.payers().size(); i++) {
                shares.add(new PaymentRequestService.Share(body.payers().get(i).userId(), parts.get(i)));
            }
            requesterShare = withMe ? parts.get(parts.size() - 1) : 0;
        } else {
            if (withMe || body.payers().stream().anyMatch(p -> p.amountCents() == null)) {
                throw invalid("a custom split gives each payer's amount_cents (include_requester is for equal splits)");
            }
            body.payers().forEach(p -> shares.add(new PaymentRequestService.Share(p.userId(), p.amountCents())));
            long sum = shares.stream()
                    .mapToLong(PaymentRequestService.Share::amountCents)
                    .sum();
            if (body.totalCents() != null && body.totalCents() != sum) {
                throw invalid("total_cents " + body.totalCents() + " is not the payers' sum " + sum);
            }
        }
        return requests.createGroup(
                CurrentUser.id(token), shares, equal ? "equal" : "custom", requesterShare, body.note(), visibility);
    }

    private static DomainException invalid(String message) {
        return new DomainException(Problem.INVALID_REQUEST, message);
    }

    @GetMapping("/v1/payment-requests/groups/{id}")
    PaymentRequestService.GroupView group(@AuthenticationPrincipal Jwt token, @PathVariable UUID id) {
        return requests.group(CurrentUser.id(token), id);
    }

    @ApiResponse(
            responseCode = "201",
            description = "the payment that paid the request",
            content =
                    @Content(
                            mediaType = "application/json",
                            schema = @Schema(implementation = com.wallet.api.transfer.TransferView.class)))
    @PostMapping("/v1/payment-requests/{id}/pay")
    ResponseEntity<String> pay(
            @AuthenticationPrincipal Jwt token,
            @RequestHeader("Idempotency-Key") String key,
            @RequestHeader(value = Pins.HEADER, required = false) String pin,
            @PathVariable UUID id) {
        UUID me = CurrentUser.id(token);
        rateLimiter.acquire(me);
        Optional<TransferService.SendMoney> payment = requests.payment(me, id);
        if (payment.isPresent()) {
            pins.requireAbove(me, pin, payment.get().amountCents(), "payment_request.pay");
        }
        return transfers
                .execute(
                        me,
                        key,
                        "POST /v1/payment-requests/" + id + "/pay",
                        payment,
                        card -> idempotency.json(201, requests.pay(me, id, card)))
                .toResponseEntity();
    }

    @PostMapping("/v1/payment-requests/{id}/decline")
    PaymentRequestView decline(@AuthenticationPrincipal Jwt token, @PathVariable UUID id) {
        return requests.decline(CurrentUser.id(token), id);
    }

    /** Reminds the payer of a pending request: its requester only, at most once a day ({@code remind-after}). */
    @PostMapping("/v1/payment-requests/{id}/remind")
    PaymentRequestView remind(@AuthenticationPrincipal Jwt token, @PathVariable UUID id) {
        UUID me = CurrentUser.id(token);
        rateLimiter.acquire(me);
        return requests.remind(me, id);
    }

    @PostMapping("/v1/payment-requests/{id}/cancel")
    PaymentRequestView cancel(@AuthenticationPrincipal Jwt token, @PathVariable UUID id) {
        return requests.cancel(CurrentUser.id(token), id);
    }

    @GetMapping("/v1/payment-requests/{id}")
    PaymentRequestView get(@AuthenticationPrincipal Jwt token, @PathVariable UUID id) {
        return requests.get(CurrentUser.id(token), id);
    }

    @GetMapping("/v1/me/payment-requests")
    PageCursor.Page<PaymentRequestView> list(
            @AuthenticationPrincipal Jwt token,
            @RequestParam @Pattern(regexp = "incoming|outgoing", message = "must be incoming or outgoing") String role,
            @RequestParam(required = false) String status,
            @RequestParam(defaultValue = "20") @Min(1) @Max(100) int limit,
            @RequestParam(required = false) String cursor) {
        return requests.list(CurrentUser.id(token), role.equals("incoming"), status, limit, cursor);
    }
}

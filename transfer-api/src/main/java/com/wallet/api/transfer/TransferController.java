package com.wallet.api.transfer;

import com.wallet.api.claim.ClaimService;
import com.wallet.api.claim.Contact;
import com.wallet.api.domain.Visibility;
import com.wallet.api.idempotency.IdempotentExecutor;
import com.wallet.api.identity.CurrentUser;
import com.wallet.api.identity.Pins;
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
import java.util.Optional;
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
class TransferController {

    /** To a user ({@code receiver_id}), or to an email address or phone number (a user who proved it, else a claim). */
    record SendRequest(
            UUID receiverId,
            String receiverEmail,
            String receiverPhone,
            @NotNull @Min(1) Long amountCents,
            @NotNull String note,

            @Pattern(regexp = "public|friends|private", message = "must be public, friends or private")
            String visibility) {}

    record RefundRequest(@NotNull @Min(1) Long amountCents, String note) {}

    private final TransferService transfers;
    private final RefundService refunds;
    private final ClaimService claims;
    private final TransferVisibility visibility;
    private final IdempotentExecutor idempotency;
    private final RateLimiter rateLimiter;
    private final Pins pins;
    private final JsonMapper json;

    TransferController(
            TransferService transfers,
            IdempotentExecutor idempotency,
            RateLimiter rateLimiter,
            JsonMapper json,
            Pins pins,
            TransferVisibility visibility,
            RefundService refunds,
            ClaimService claims) {
        this.claims = claims;
        this.refunds = refunds;
        this.visibility = visibility;
        this.pins = pins;
        this.transfers = transfers;
        this.idempotency = idempotency;
        this.rateLimiter = rateLimiter;
        this.json = json;
    }

    @ApiResponse(
            responseCode = "201",
            description = "the payment made (a claim when the receiver is an email or phone no user has proved)",
            content =
                    @Content(
                            mediaType = "application/json",
                            schema = @Schema(oneOf = {TransferView.class, com.wallet.api.claim.ClaimView.class})))
    @PostMapping("/v1/transfers")
    ResponseEntity<String> send(
            @AuthenticationPrincipal Jwt token,
            @RequestHeader("Idempotency-Key") String key,
            @RequestHeader(value = Pins.HEADER, required = false) String pin,
            @Valid @RequestBody SendRequest body) {
        UUID me = CurrentUser.id(token);
        rateLimiter.acquire(me);
        Notes.check(body.note());
        pins.requireAbove(me, pin, body.amountCents(), "transfer");
        String request = "POST /v1/transfers " + json.writeValueAsString(body);
        Visibility shown = body.visibility() == null ? null : Visibility.of(body.visibility());
        UUID receiver = body.receiverId();
        if (receiver == null) {
            if (body.receiverEmail() == null && body.receiverPhone() == null) {
                throw new DomainException(
                        Problem.INVALID_REQUEST, "give one of receiver_id, receiver_email or receiver_phone");
            }
            Contact contact = Contact.of(body.receiverEmail(), body.receiverPhone());
            Optional<UUID> owner = claims.owner(contact);
            if (owner.isEmpty()) {
                return idempotency
                        .execute(
                                me,
                                key,
                                request,
                                () -> idempotency.json(
                                        201, claims.pay(me, contact, body.amountCents(), body.note(), shown)))
                        .toResponseEntity();
            }
            receiver = owner.get();
        } else if (body.receiverEmail() != null || body.receiverPhone() != null) {
            throw new DomainException(
                    Problem.INVALID_REQUEST, "give one of receiver_id, receiver_email or receiver_phone");
        }
        TransferService.SendMoney payment =
                new TransferService.SendMoney(receiver, body.amountCents(), body.note(), shown, null);
        // the sender's lock goes with the key, the writes with the stored response and the commit
        return transfers.send(me, key, request, payment).toResponseEntity();
    }

    /** The receiver of a payment gives back part or all of it (from the wallet balance) to the payer's wallet. */
    @ApiResponse(
            responseCode = "201",
            description = "the refund, a transfer back to the payer",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = TransferView.class)))
    @PostMapping("/v1/transfers/{id}/refunds")
    ResponseEntity<String> refund(
            @AuthenticationPrincipal Jwt token,
            @RequestHeader("Idempotency-Key") String key,
            @RequestHeader(value = Pins.HEADER, required = false) String pin,
            @PathVariable UUID id,
            @Valid @RequestBody RefundRequest body) {
        UUID me = CurrentUser.id(token);
        rateLimiter.acquire(me);
        if (body.note() != null) {
            Notes.check(body.note());
        }
        pins.requireAbove(me, pin, body.amountCents(), "transfer.refund");
        String request = "POST /v1/transfers/" + id + "/refunds " + json.writeValueAsString(body);
        return idempotency
                .execute(
                        me,
                        key,
                        request,
                        () -> idempotency.json(201, refunds.refund(me, id, body.amountCents(), body.note())))
                .toResponseEntity();
    }

    @GetMapping("/v1/transfers/{id}/refunds")
    RefundService.RefundsView refunds(@AuthenticationPrincipal Jwt token, @PathVariable UUID id) {
        return refunds.refunds(CurrentUser.id(token), id);
    }

    record VisibilityChange(
            @jakarta.validation.constraints.NotNull
            @Pattern(regexp = "public|friends|private", message = "must be public, friends or private")
            String visibility) {}

    /** Either party narrows a payment's visibility; only the sender widens it. */
    @org.springframework.web.bind.annotation.PatchMapping("/v1/transfers/{id}")
    TransferView changeVisibility(
            @AuthenticationPrincipal Jwt token, @PathVariable UUID id, @Valid @RequestBody VisibilityChange body) {
        UUID me = CurrentUser.id(token);
        rateLimiter.acquire(me);
        return visibility.change(me, id, Visibility.of(body.visibility()));
    }

    @GetMapping("/v1/transfers/{id}")
    TransferView get(@AuthenticationPrincipal Jwt token, @PathVariable UUID id) {
        return transfers.get(CurrentUser.id(token), id);
    }

    @GetMapping("/v1/me/transfers")
    PageCursor.Page<TransferView> history(
            @AuthenticationPrincipal Jwt token,
            @RequestParam(defaultValue = "20") @Min(1) @Max(100) int limit,
            @RequestParam(required = false) String cursor) {
        return transfers.history(CurrentUser.id(token), limit, cursor);
    }
}

package com.wallet.api.schedule;

import com.wallet.api.domain.Visibility;
import com.wallet.api.idempotency.IdempotentExecutor;
import com.wallet.api.identity.CurrentUser;
import com.wallet.api.identity.Pins;
import com.wallet.api.web.Notes;
import com.wallet.api.web.PageCursor;
import com.wallet.api.web.RateLimiter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.time.LocalDate;
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
class ScheduledPaymentController {

    record CreateSchedule(
            @NotNull UUID receiverId,
            @NotNull @Min(1) Long amountCents,
            @NotNull String note,

            @Pattern(regexp = "public|friends|private", message = "must be public, friends or private")
            String visibility,

            @NotNull LocalDate startDate,

            @NotNull
            @Pattern(regexp = "none|weekly|biweekly|monthly", message = "must be none, weekly, biweekly or monthly")
            String repeat,

            LocalDate endDate) {}

    private final ScheduledPaymentService schedules;
    private final IdempotentExecutor idempotency;
    private final RateLimiter rateLimiter;
    private final Pins pins;
    private final JsonMapper json;

    ScheduledPaymentController(
            ScheduledPaymentService schedules,
            IdempotentExecutor idempotency,
            RateLimiter rateLimiter,
            Pins pins,
            JsonMapper json) {
        this.schedules = schedules;
        this.idempotency = idempotency;
        this.rateLimiter = rateLimiter;
        this.pins = pins;
        this.json = json;
    }

    /** Each occurrence pays like a transfer made that day, so setting one up asks what a transfer of it would. */
    @ApiResponse(
            responseCode = "201",
            description = "the schedule",
            content =
                    @Content(
                            mediaType = "application/json",
                            schema = @Schema(implementation = ScheduledPaymentView.class)))
    @PostMapping("/v1/scheduled-payments")
    ResponseEntity<String> create(
            @AuthenticationPrincipal Jwt token,
            @RequestHeader("Idempotency-Key") String key,
            @RequestHeader(value = Pins.HEADER, required = false) String pin,
            @Valid @RequestBody CreateSchedule body) {
        UUID me = CurrentUser.id(token);
        rateLimiter.acquire(me);
        Notes.check(body.note());
        pins.requireAbove(me, pin, body.amountCents(), "scheduled_payment");
        ScheduledPaymentService.NewSchedule schedule = new ScheduledPaymentService.NewSchedule(
                body.receiverId(),
                body.amountCents(),
                body.note(),
                body.visibility() == null ? null : Visibility.of(body.visibility()),
                body.startDate(),
                Repeat.of(body.repeat()),
                body.endDate());
        return idempotency
                .execute(
                        me,
                        key,
                        "POST /v1/scheduled-payments " + json.writeValueAsString(body),
                        () -> idempotency.json(201, schedules.create(me, schedule)))
                .toResponseEntity();
    }

    @GetMapping("/v1/scheduled-payments")
    PageCursor.Page<ScheduledPaymentView> list(
            @AuthenticationPrincipal Jwt token,
            @RequestParam(defaultValue = "20") @Min(1) @Max(100) int limit,
            @RequestParam(required = false) String cursor) {
        return schedules.list(CurrentUser.id(token), limit, cursor);
    }

    @GetMapping("/v1/scheduled-payments/{id}")
    ScheduledPaymentView get(@AuthenticationPrincipal Jwt token, @PathVariable UUID id) {
        return schedules.get(CurrentUser.id(token), id);
    }

    @PostMapping("/v1/scheduled-payments/{id}/cancel")
    ScheduledPaymentView cancel(@AuthenticationPrincipal Jwt token, @PathVariable UUID id) {
        return schedules.cancel(CurrentUser.id(token), id);
    }
}

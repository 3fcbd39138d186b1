package com.wallet.api.identity;

import com.wallet.api.friends.Blocks;
import com.wallet.api.web.RateLimiter;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

@RestController
class UserController {

    record SignUp(
            @NotBlank @Pattern(regexp = "[A-Za-z0-9_.-]{3,30}", message = "must be 3-30 letters, digits, _ . or -")
            String username,

            @NotBlank @Email @Size(max = 254) String email,

            @NotNull @Size(min = 10, max = 72, message = "must be 10-72 characters")
            String password,

            @Pattern(regexp = "\\+[1-9][0-9]{6,14}", message = "must be in E.164 form, like +14155550123")
            String phone,

            @Size(min = 1, max = 60)
            @Pattern(regexp = "[^\\p{Cntrl}]*", message = "must not contain control characters")
            String displayName,

            @Pattern(regexp = Pins.FORMAT, message = "must be 4 to 6 digits")
            String pin) {}

    record PinChange(
            @NotNull @Pattern(regexp = Pins.FORMAT, message = "must be 4 to 6 digits")
            String pin,

            @NotBlank @Size(max = 72) String password) {}

    record CloseAccount(@NotBlank @Size(max = 72) String password) {}

    record EmailChange(
            @NotBlank @Size(max = 254) String email,

            @NotBlank @Size(max = 72) String password) {}

    record PasswordResetRequest(@NotBlank @Size(max = 254) String email) {}

    record PasswordResetConfirmation(
            @NotBlank @Size(max = 100) String code,

            @NotNull @Size(min = 10, max = 72, message = "must be 10-72 characters")
            String newPassword) {}

    record PasswordChange(
            @NotBlank @Size(max = 72) String password,

            @NotNull @Size(min = 10, max = 72, message = "must be 10-72 characters")
            String newPassword) {}

    record Credentials(
            @NotBlank @Size(max = 30) String username,
            @NotBlank @Size(max = 72) String password) {}

    record UserView(
            UUID id,
            String username,
            String email,
            @Schema(nullable = true) String phone,
            String displayName,
            Instant createdAt,
            @Schema(nullable = true) String avatarUrl) {
        static UserView of(User u) {
            return new UserView(
                    u.id(), u.username(), u.email(), u.phone(), u.displayName(), u.createdAt(), u.avatarUrl());
        }
    }

    record PublicUserView(
            UUID id,
            String username,
            String displayName,
            @Schema(nullable = true) String avatarUrl) {
        static PublicUserView of(User u) {
            return new PublicUserView(u.id(), u.username(), u.displayName(), u.avatarUrl());
        }
    }

    record AvatarChange(
            @jakarta.validation.constraints.NotNull String url) {}

    private final UserService users;
    private final TokenService tokens;
    private final RateLimiter rateLimiter;
    private final Pins pins;
    private final Blocks blocks;
    private final AccountClosure closure;
    private final AccountExport exports;
    private final AccountSecurity security;
    private final PasswordReset resets;

    UserController(
            UserService users,
            TokenService tokens,
            RateLimiter rateLimiter,
            Pins pins,
            Blocks blocks,
            AccountClosure closure,
            AccountExport exports,
            AccountSecurity security,
            PasswordReset resets) {
        this.resets = resets;
        this.security = security;
        this.closure = closure;
        this.exports = exports;
        this.users = users;
        this.tokens = tokens;
        this.rateLimiter = rateLimiter;
        this.pins = pins;
        this.blocks = blocks;
    }

    @PostMapping("/v1/users")
    @ResponseStatus(HttpStatus.CREATED)
    UserView signUp(@Valid @RequestBody SignUp body, jakarta.servlet.http.HttpServletRequest request) {
        rateLimiter.acquireSignUp(request.getRemoteAddr());
        return UserView.of(users.signUp(
                body.username(), body.email(), body.password(), body.phone(), body.displayName(), body.pin()));
    }

    /** Sets or changes the caller's PIN; the password is asked for again (throttled like a login). */
    @PutMapping("/v1/me/pin")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void setPin(
            @AuthenticationPrincipal Jwt token,
            @Valid @RequestBody PinChange body,
            jakarta.servlet.http.HttpServletRequest request) {
        UUID me = CurrentUser.id(token);
        pins.set(me, users.get(me).username(), body.password(), body.pin(), request.getRemoteAddr());
    }

    /**
     * Changes the caller's password: the current one is asked for again (throttled like a login); every token of the
     * account stops working, this one too, and a new token is answered ({@link AccountSecurity}).
     */
    @PutMapping("/v1/me/password")
    TokenService.Token changePassword(
            @AuthenticationPrincipal Jwt token,
            @Valid @RequestBody PasswordChange body,
            jakarta.servlet.http.HttpServletRequest request) {
        UUID me = CurrentUser.id(token);
        rateLimiter.acquire(me);
        return security.changePassword(
                me, users.get(me).username(), body.password(), body.newPassword(), request.getRemoteAddr());
    }

    /**
     * Sends a password reset code to the email address if an open account has it; the same answer either way
     * ({@link PasswordReset}).
     */
    @PostMapping("/v1/auth/password-reset")
    @ResponseStatus(HttpStatus.ACCEPTED)
    void requestPasswordReset(
            @Valid @RequestBody PasswordResetRequest body, jakarta.servlet.http.HttpServletRequest request) {
        resets.request(body.email(), request.getRemoteAddr());
    }

    /** Sets a new password with a reset code; every token of the account is revoked and a new one answered. */
    @PostMapping("/v1/auth/password-reset/confirm")
    TokenService.Token confirmPasswordReset(
            @Valid @RequestBody PasswordResetConfirmation body, jakarta.servlet.http.HttpServletRequest request) {
        return resets.confirm(body.code(), body.newPassword(), request.getRemoteAddr());
    }

    /**
     * Makes a proven email address the account's (the password asked again): the caller as now ({@link
     * AccountSecurity#changeEmail}).
     */
    @PutMapping("/v1/me/email")
    UserView changeEmail(
            @AuthenticationPrincipal Jwt token,
            @Valid @RequestBody EmailChange body,
            jakarta.servlet.http.HttpServletRequest request) {
        UUID me = CurrentUser.id(token);
        rateLimiter.acquire(me);
        security.changeEmail(me, users.get(me).username(), body.password(), body.email(), request.getRemoteAddr());
        return UserView.of(users.get(me));
    }

    /** Revokes every token of the caller's account, this one too ({@link AccountSecurity}). */
    @PostMapping("/v1/me/sign-out-everywhere")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void signOutEverywhere(@AuthenticationPrincipal Jwt token) {
        UUID me = CurrentUser.id(token);
        rateLimiter.acquire(me);
        security.signOutEverywhere(me);
    }

    /**
     * Closes the caller's account for good: the password is asked for again (throttled like a login); 409
     * account-not-empty while it holds, owes or has money in flight ({@link AccountClosure}).
     */
    @PostMapping("/v1/me/close")
    AccountClosure.ClosedAccount close(
            @AuthenticationPrincipal Jwt token,
            @Valid @RequestBody CloseAccount body,
            jakarta.servlet.http.HttpServletRequest request) {
        UUID me = CurrentUser.id(token);
        rateLimiter.acquire(me);
        return closure.close(me, users.get(me).username(), body.password(), request.getRemoteAddr());
    }

    /**
     * The caller's data as one JSON document, to keep ({@link AccountExport}): a download, never cached; export before
     * closing, as a closed account's tokens no longer work.
     */
    @io.swagger.v3.oas.annotations.responses.ApiResponse(
            responseCode = "200",
            description = "the caller's data as one JSON document",
            content =
                    @io.swagger.v3.oas.annotations.media.Content(
                            mediaType = "application/json",
                            schema = @Schema(type = "object")))
    @GetMapping("/v1/me/export")
    org.springframework.http.ResponseEntity<org.springframework.core.io.Resource> export(
            @AuthenticationPrincipal Jwt token) {
        UUID me = CurrentUser.id(token);
        rateLimiter.acquireExport(me);
        String name = "wallet-export-" + users.get(me).username() + ".json";
        AccountExport.Document document = exports.export(me);
        return org.springframework.http.ResponseEntity.ok()
                .contentType(org.springframework.http.MediaType.APPLICATION_JSON)
                .contentLength(document.bytes())
                .cacheControl(org.springframework.http.CacheControl.noStore())
                .header(
                        org.springframework.http.HttpHeaders.CONTENT_DISPOSITION,
                        org.springframework.http.ContentDisposition.attachment()
                                .filename(name)
                                .build()
                                .toString())
                // written and closed by Spring's resource converter, streamed from the export's file
                .body(new org.springframework.core.io.InputStreamResource(document.content()));
    }

    @PostMapping("/v1/auth/token")
    TokenService.Token token(@Valid @RequestBody Credentials body, jakarta.servlet.http.HttpServletRequest request) {
        return tokens.issue(body.username(), body.password(), request.getRemoteAddr());
    }

    /** Sets the caller's avatar (an https URL). */
    @PutMapping("/v1/me/avatar")
    UserView setAvatar(@AuthenticationPrincipal Jwt token, @Valid @RequestBody AvatarChange body) {
        UUID me = CurrentUser.id(token);
        rateLimiter.acquire(me);
        return UserView.of(users.setAvatar(me, body.url()));
    }

    @org.springframework.web.bind.annotation.DeleteMapping("/v1/me/avatar")
    UserView removeAvatar(@AuthenticationPrincipal Jwt token) {
        return UserView.of(users.setAvatar(CurrentUser.id(token), null));
    }

    @GetMapping("/v1/me")
    UserView me(@AuthenticationPrincipal Jwt token) {
        return UserView.of(users.get(CurrentUser.id(token)));
    }

    /** A user by name; one who blocked the caller is not found, as if there were none. */
    @GetMapping("/v1/users")
    PublicUserView lookUp(
            @AuthenticationPrincipal Jwt token,
            @RequestParam @Pattern(regexp = "[A-Za-z0-9_.-]{1,30}", message = "is not a username") String username) {
        User found = users.byUsername(username);
        if (blocks.between(CurrentUser.id(token), found.id()) == Blocks.Between.BLOCKED_BY) {
            throw UserService.notNamed(username);
        }
        return PublicUserView.of(found);
    }
}

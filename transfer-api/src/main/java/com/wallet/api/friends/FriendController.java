package com.wallet.api.friends;

import com.wallet.api.identity.CurrentUser;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

@RestController
class FriendController {

    private final FriendService friends;

    private final com.wallet.api.web.RateLimiter rateLimiter;

    FriendController(FriendService friends, com.wallet.api.web.RateLimiter rateLimiter) {
        this.friends = friends;
        this.rateLimiter = rateLimiter;
    }

    @PutMapping("/v1/me/friends/{userId}")
    Map<String, Object> befriend(@AuthenticationPrincipal Jwt token, @PathVariable UUID userId) {
        rateLimiter.acquire(CurrentUser.id(token));
        FriendService.Status status = friends.befriend(CurrentUser.id(token), userId);
        return Map.of("user_id", userId, "status", status.name().toLowerCase(Locale.ROOT));
    }

    @DeleteMapping("/v1/me/friends/{userId}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void unfriend(@AuthenticationPrincipal Jwt token, @PathVariable UUID userId) {
        friends.unfriend(CurrentUser.id(token), userId);
    }

    @GetMapping("/v1/me/friends")
    FriendService.Friends list(@AuthenticationPrincipal Jwt token) {
        return friends.list(CurrentUser.id(token));
    }
}

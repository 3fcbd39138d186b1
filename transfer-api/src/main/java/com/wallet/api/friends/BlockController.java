package com.wallet.api.friends;

import com.wallet.api.identity.CurrentUser;
import com.wallet.api.web.RateLimiter;
import java.util.List;
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
class BlockController {

    record BlockList(List<BlockService.Blocked> items) {}

    private final BlockService blocks;
    private final RateLimiter rateLimiter;

    BlockController(BlockService blocks, RateLimiter rateLimiter) {
        this.blocks = blocks;
        this.rateLimiter = rateLimiter;
    }

    @PutMapping("/v1/me/blocks/{userId}")
    BlockService.Blocked block(@AuthenticationPrincipal Jwt token, @PathVariable UUID userId) {
        rateLimiter.acquire(CurrentUser.id(token));
        return blocks.block(CurrentUser.id(token), userId);
    }

    @DeleteMapping("/v1/me/blocks/{userId}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void unblock(@AuthenticationPrincipal Jwt token, @PathVariable UUID userId) {
        blocks.unblock(CurrentUser.id(token), userId);
    }

    @GetMapping("/v1/me/blocks")
    BlockList list(@AuthenticationPrincipal Jwt token) {
        return new BlockList(blocks.list(CurrentUser.id(token)));
    }
}

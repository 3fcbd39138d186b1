package com.wallet.api.wallet;

import com.wallet.api.identity.CurrentUser;
import com.wallet.api.identity.UserService;
import com.wallet.api.ledger.WalletReader;
import com.wallet.api.money.Money;
import java.util.UUID;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
class WalletController {

    /**
     * {@code pending_cents} is what is held for money on its way out (cashouts in flight); {@code available_cents} is
     * what can be spent or cashed out now.
     */
    record WalletView(long balanceCents, long pendingCents, long availableCents, String currency) {}

    private final WalletReader wallets;

    WalletController(WalletReader wallets) {
        this.wallets = wallets;
    }

    @GetMapping("/v1/me/wallet")
    WalletView wallet(@AuthenticationPrincipal Jwt token) {
        UUID me = CurrentUser.id(token);
        Money balance = wallets.balance(me).orElseThrow(() -> UserService.notFound(me));
        Money held = Money.ZERO;
        return new WalletView(balance.cents(), held.cents(), balance.minus(held).cents(), "USD");
    }
}

package com.wallet.api.wallet;

import com.wallet.api.cashout.CashoutService;
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
     * {@code balance_cents} is what the wallet holds (its ledger balance); {@code pending_cents} is money on its way
     * out (cashouts not settled yet), already taken from the balance when the cashout was requested;
     * {@code available_cents} is what can be spent or cashed out now (the balance, or 0 while an ACH return left a
     * debt). {@code restricted}: an ACH return left a debt; sending and cashing out are refused until incoming money
     * repays it.
     */
    record WalletView(long balanceCents, long pendingCents, long availableCents, String currency, boolean restricted) {}

    private final WalletReader wallets;
    private final CashoutService cashouts;

    WalletController(WalletReader wallets, CashoutService cashouts) {
        this.wallets = wallets;
        this.cashouts = cashouts;
    }

    @GetMapping("/v1/me/wallet")
    WalletView wallet(@AuthenticationPrincipal Jwt token) {
        UUID me = CurrentUser.id(token);
        WalletReader.Wallet wallet = wallets.wallet(me).orElseThrow(() -> UserService.notFound(me));
        Money balance = wallet.balance();
        return new WalletView(
                balance.cents(), cashouts.inFlightCents(me), balance.max0().cents(), "USD", wallet.restricted());
    }
}

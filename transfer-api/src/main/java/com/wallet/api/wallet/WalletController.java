package com.wallet.api.wallet;

import com.wallet.api.cashout.CashoutService;
import com.wallet.api.identity.CurrentUser;
import com.wallet.api.identity.UserService;
import com.wallet.ledger.Ledger;
import com.wallet.ledger.Ledger.LockedWallet;
import java.util.UUID;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
class WalletController {

    /**
     * {@code balance_cents} is what the wallet holds (its ledger balance); {@code held_cents} is the part of it
     * reserved by holds (instant cashouts waiting for the card network); {@code available_cents} is what can be sent
     * now: the balance less what is held (0 while an ACH return left a debt); {@code unsettled_cents} is the part of
     * the balance that came from bank payments not settled yet; {@code cashable_cents} is what can be cashed out now:
     * the available balance less unsettled money beyond the user's allowance; {@code pending_cents} is money on its
     * way out (cashouts not settled: standard ones already taken from the balance, instant ones held).
     * {@code restricted}: an ACH return left a debt; sending and cashing out are refused until incoming money repays it.
     */
    record WalletView(
            long balanceCents,
            long heldCents,
            long availableCents,
            long unsettledCents,
            long cashableCents,
            long pendingCents,
            String currency,
            boolean restricted) {}

    private final Ledger ledger;
    private final CashoutService cashouts;

    WalletController(Ledger ledger, CashoutService cashouts) {
        this.ledger = ledger;
        this.cashouts = cashouts;
    }

    @GetMapping("/v1/me/wallet")
    WalletView wallet(@AuthenticationPrincipal Jwt token) {
        UUID me = CurrentUser.id(token);
        LockedWallet wallet = ledger.readWallet(me).orElseThrow(() -> UserService.notFound(me));
        return new WalletView(
                wallet.balance().cents(),
                wallet.held().cents(),
                wallet.restricted() ? 0 : wallet.available().cents(),
                wallet.unsettled().cents(),
                cashouts.cashable(wallet).cents(),
                cashouts.inFlightCents(me),
                "USD",
                wallet.restricted());
    }
}

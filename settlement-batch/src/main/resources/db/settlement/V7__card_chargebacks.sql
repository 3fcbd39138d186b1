-- Card chargebacks (reconciliation's first step books them with the rest of the network's settlement): a cardholder's
-- dispute of a charge that funded one of our payments, decided for them by the issuer. The network takes the whole
-- charge back (and a fee) in its settlement of the day; we take the money back from the payer's wallet (which may go
-- negative: the wallet is then restricted, as for a returned bank debit), disable the card and open a case for review
-- (query: SELECT * FROM card_chargebacks WHERE status = 'open' ORDER BY created_at).
ALTER TABLE card_settlement_items DROP CONSTRAINT card_settlement_items_type_check;
ALTER TABLE card_settlement_items ADD CONSTRAINT card_settlement_items_type_check
    CHECK (type IN ('capture', 'void', 'payout', 'chargeback'));
ALTER TABLE card_settlement_items ADD COLUMN reason_code text;   -- a chargeback's, as the network codes it

CREATE TABLE card_chargebacks (
    charge_id          uuid PRIMARY KEY REFERENCES card_charges (id),
    transfer_id        uuid NOT NULL REFERENCES transfers (id),
    user_id            uuid NOT NULL REFERENCES users (id),              -- the payer, whose wallet paid it back
    payment_method_id  uuid NOT NULL REFERENCES payment_methods (id),    -- the card, disabled
    amount_cents       bigint NOT NULL CHECK (amount_cents > 0),
    reason_code        text NOT NULL,
    business_date      date NOT NULL,    -- the network's (UTC) day of the report that listed it
    entry_id           uuid NOT NULL,    -- the ledger entry (card_chargeback) that took it from the wallet
    wallet_short_cents bigint NOT NULL CHECK (wallet_short_cents >= 0),   -- what the wallet lacked (its debt)
    status             text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    created_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX card_chargebacks_open ON card_chargebacks (created_at) WHERE status = 'open';

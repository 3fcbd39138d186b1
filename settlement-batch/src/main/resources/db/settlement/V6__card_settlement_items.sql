-- The card network's settlement, booked (reconciliation's first step): each item of a day's report (a capture, a void
-- of an earlier capture, a payout) once, whatever runs book it and in whatever order. A run books the items of the
-- report not booked yet, as one ledger entry (card_settlement): card funding clearing gets what the network settled of
-- our captures (less its voids), cashout clearing what it paid out for us, card_network_fees its fees, and our
-- settlement bank the net.
CREATE TABLE card_settlement_items (
    type           text NOT NULL CHECK (type IN ('capture', 'void', 'payout')),
    item_id        text NOT NULL,
    business_date  date NOT NULL,    -- the network's (UTC) day of the report that listed it
    amount_cents   bigint NOT NULL CHECK (amount_cents > 0),
    fee_cents      bigint NOT NULL CHECK (fee_cents >= 0),
    entry_id       uuid NOT NULL,    -- the ledger entry that booked it
    booked_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (type, item_id)
);
CREATE INDEX card_settlement_items_by_entry ON card_settlement_items (entry_id);

-- What was set aside from closed accounts' wallets into the ledger's unclaimed funds account (ledger V49): whose, how
-- much, by which entry, when. The list a claim is paid from and the remittance of unclaimed property is made from;
-- reconciliation checks the account's sum against it.
CREATE TABLE unclaimed_funds (
    entry_id      uuid PRIMARY KEY,
    user_id       uuid NOT NULL,
    amount_cents  bigint NOT NULL CHECK (amount_cents > 0),
    set_aside_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX unclaimed_funds_by_user ON unclaimed_funds (user_id);

-- One row per business date the unclaimedRemittance job ran for: what was remitted that day, to which state, and its
-- holder report (a re-run of the date writes the same report again and updates the row).
CREATE TABLE unclaimed_remittances (
    business_date  date PRIMARY KEY,
    state          text NOT NULL CHECK (state ~ '^[A-Z]{2}$'),
    owners         int NOT NULL CHECK (owners >= 0),
    total_cents    bigint NOT NULL CHECK (total_cents >= 0),
    path           text NOT NULL,
    written_at     timestamptz NOT NULL DEFAULT now()
);

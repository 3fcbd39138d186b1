-- Top-ups: money added to a wallet from the user's own verified bank. A top-up is a bank debit (external_charges,
-- kind bank_debit) that funds no transfer: the settlement job originates, settles and takes back returns of it as of
-- any bank debit; its money is unsettled in the wallet until then.
ALTER TABLE external_charges ALTER COLUMN transfer_id DROP NOT NULL;
ALTER TABLE external_charges ADD CONSTRAINT external_charges_top_up_is_bank_debit
    CHECK (transfer_id IS NOT NULL OR kind = 'bank_debit');
CREATE INDEX external_charges_top_ups ON external_charges (user_id, created_at DESC, id DESC) WHERE transfer_id IS NULL;

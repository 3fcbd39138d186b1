-- A chargeback we contested and won (a representment): the network pays it back in its settlement of the day
-- (item chargeback_reversal), and we give the payer back what we took (an entry card_chargeback_reversal).
ALTER TABLE card_settlement_items DROP CONSTRAINT card_settlement_items_type_check;
ALTER TABLE card_settlement_items ADD CONSTRAINT card_settlement_items_type_check
    CHECK (type IN ('capture', 'void', 'payout', 'chargeback', 'chargeback_reversal'));
ALTER TABLE card_chargebacks DROP CONSTRAINT card_chargebacks_status_check;
ALTER TABLE card_chargebacks ADD CONSTRAINT card_chargebacks_status_check
    CHECK (status IN ('open', 'closed', 'reversed'));
ALTER TABLE card_chargebacks ADD COLUMN reversal_entry_id uuid;   -- the entry that gave the payer the money back
ALTER TABLE card_chargebacks ADD CONSTRAINT card_chargebacks_reversed_with_its_entry
    CHECK ((status = 'reversed') = (reversal_entry_id IS NOT NULL));

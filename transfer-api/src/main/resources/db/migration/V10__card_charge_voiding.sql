-- Card charges are made before the money transaction (no lock or connection held while the network answers). Voiding
-- one that no transfer captured is fenced: the row goes to 'voiding' before the network is asked, so a capture that
-- comes late fails (it requires 'started') instead of keeping money whose charge is being voided.
ALTER TABLE card_charges DROP CONSTRAINT card_charges_status_check;
ALTER TABLE card_charges ADD CONSTRAINT card_charges_status_check
    CHECK (status IN ('started', 'captured', 'declined', 'voiding', 'voided'));
DROP INDEX card_charges_started;
CREATE INDEX card_charges_unresolved ON card_charges (created_at) WHERE status IN ('started', 'voiding');

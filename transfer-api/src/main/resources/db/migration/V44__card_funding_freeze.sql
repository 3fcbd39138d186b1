-- A chargeback for fraud (the cardholder says they never made the charge: Visa's 10.x, Mastercard's 4837, 4840, 4849,
-- 4863, 4870, 4871) freezes card funding for the payer, as an unauthorized ACH return freezes bank funding: no card of
-- theirs, even one linked later, funds a payment (the settlement job sets it; lifting it is a decision of the review).
ALTER TABLE users ADD COLUMN card_funding_frozen boolean NOT NULL DEFAULT false;

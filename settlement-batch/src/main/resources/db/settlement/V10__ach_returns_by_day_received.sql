-- Reconciliation reports the return rates of our debit entries over the last 60 days (AchReturnRates): the returns
-- received in those days found by day, not by reading every return ever kept.
CREATE INDEX ach_returns_by_day_received ON ach_returns (received_on);

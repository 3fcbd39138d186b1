-- Reminding a payer of a pending payment request (POST /v1/payment-requests/{id}/remind): how many reminders a
-- request has had and when the last went, so that one goes at most every wallet.payment-requests.remind-after. A
-- table of its own, so that the change stream of payment_requests (captured by the CDC connector, read by the
-- notification rules and the fan-out) never sees a reminder as a change of the request.
CREATE TABLE payment_request_reminders (
    request_id  uuid PRIMARY KEY REFERENCES payment_requests (id),
    reminders   integer     NOT NULL CHECK (reminders > 0),
    reminded_at timestamptz NOT NULL
);

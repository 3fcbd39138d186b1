-- Unauthorized returns (a customer told their bank they did not authorize our debit) and late returns open a review
-- case: a list for the operations team (query: SELECT * FROM ach_review_cases WHERE status = 'open' ORDER BY id).
CREATE TABLE ach_review_cases (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    return_sequence    bigint NOT NULL REFERENCES ach_returns (sequence),
    kind               text NOT NULL CHECK (kind IN ('unauthorized', 'late_return')),
    return_code        text NOT NULL,
    user_id            uuid REFERENCES users (id),
    payment_method_id  uuid REFERENCES payment_methods (id),
    status             text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    created_at         timestamptz NOT NULL DEFAULT now(),
    UNIQUE (return_sequence, kind)
);
ALTER TABLE ach_returns ADD COLUMN late boolean NOT NULL DEFAULT false;

-- Signing out everywhere (PUT /v1/me/password, POST /v1/me/sign-out-everywhere): a token carries the generation of
-- its user's tokens it was issued in (claim "gen", 0 when absent: tokens issued before this table), and a token of an
-- older generation than the user's is refused (TokenStanding). A user who never changed a password or signed out has
-- no row (generation 0). A table of its own, like user_pins, so that the change stream of users (captured by the CDC
-- connector) never carries it and signing out is not a profile change.
CREATE TABLE token_generations (
    user_id    uuid PRIMARY KEY REFERENCES users (id),
    generation integer     NOT NULL CHECK (generation > 0),
    changed_at timestamptz NOT NULL DEFAULT now()
);

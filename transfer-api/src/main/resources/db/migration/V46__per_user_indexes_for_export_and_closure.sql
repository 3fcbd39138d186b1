-- A person's likes, comments and every payment method they linked (removed ones too), found by the person: the data
-- export reads them (GET /v1/me/export) and closing an account deletes or unlinks them; without these, each was a scan
-- of the whole table. None is on a payment's path.
CREATE INDEX feed_likes_by_user ON feed_likes (user_id);
CREATE INDEX feed_comments_by_user ON feed_comments (user_id, created_at);
CREATE INDEX payment_methods_every_by_user ON payment_methods (user_id, created_at);

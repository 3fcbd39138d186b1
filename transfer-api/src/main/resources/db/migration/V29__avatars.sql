-- A user's picture: an https URL the owner sets (the image itself is hosted elsewhere), shown with their payments.
ALTER TABLE users ADD COLUMN avatar_url text
    CHECK (avatar_url IS NULL OR (avatar_url LIKE 'https://%' AND char_length(avatar_url) <= 2048));

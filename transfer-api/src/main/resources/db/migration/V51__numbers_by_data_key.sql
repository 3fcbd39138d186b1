-- Key rotation (KeyRotation): the account and card numbers still under a given data key, found by the key id a
-- ciphertext carries in its second byte (DataCipher's layout), in id order, so a pass seals them again under the
-- current key a batch at a time, and finds in one probe per key id that none is left. substring, not get_byte: it
-- cannot fail on a value shorter than two bytes.
CREATE INDEX payment_methods_by_data_key ON payment_methods (substring(number_encrypted FROM 2 FOR 1), id)
    WHERE number_encrypted IS NOT NULL;

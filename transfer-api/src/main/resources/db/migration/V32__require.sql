-- require(ok, message): true, or the statement fails with message (SQLSTATE P0001). For a check on a statement's
-- answer that must fail the transaction inside the batch that sends it: a batch that ends with COMMIT (SqlBatch.commit,
-- issue 16) cannot be checked by its caller afterwards, as the commit would already have happened.
CREATE FUNCTION require(ok boolean, message text) RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
    IF ok IS NOT TRUE THEN
        RAISE EXCEPTION '%', message;
    END IF;
    RETURN true;
END
$$;

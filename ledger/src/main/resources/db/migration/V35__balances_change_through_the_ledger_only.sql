-- A wallet's balance and held sum change through the ledger's triggers only, never by a statement of a service.
--
-- Until now the service roles (wallet_api, wallet_settlement) could write a wallet's cached balance directly
-- (UPDATE ledger_accounts SET balance_cents = ...), add or remove credits beside it (wallet_credits, V31), open a
-- wallet with a balance, or call the functions that apply a change (wallet_credit(), wallet_apply(): EXECUTE was
-- PUBLIC's): money made or destroyed without a ledger line, which only the invariant checks would have found after the
-- fact. Now the functions that write balances run with the owner's rights when the ledger's triggers call them and
-- cannot be called by anyone else, and the service roles may no longer write those columns and that table
-- (grant_service_privileges(), transfer-api's R__grant_service_privileges: a wallet is opened with nothing, only its
-- debt flag may be set, wallet_credits is read only). LeastPrivilegeIT tries each way.
--
-- The trigger functions that write ledger_accounts or wallet_credits are SECURITY DEFINER (with the search path fixed,
-- as PostgreSQL advises for such functions: no object of another schema can stand in for a table of this one);
-- what they call runs with the same rights.
ALTER FUNCTION apply_lines_to_wallets() SECURITY DEFINER SET search_path = public, pg_temp;
ALTER FUNCTION fold_credits_before_hold() SECURITY DEFINER SET search_path = public, pg_temp;
ALTER FUNCTION hold_lifecycle() SECURITY DEFINER SET search_path = public, pg_temp;
REVOKE EXECUTE ON FUNCTION wallet_apply(bigint, bigint) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION wallet_apply_locked(bigint, bigint) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION wallet_credit(bigint, bigint) FROM PUBLIC;

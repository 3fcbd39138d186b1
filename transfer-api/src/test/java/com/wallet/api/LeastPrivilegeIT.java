package com.wallet.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.wallet.stack.ServiceRoles;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The API connects as {@code wallet_api}, which owns nothing: it cannot change a ledger line or an audit row by any
 * means (no UPDATE, DELETE or TRUNCATE privilege, no trigger to disable or drop, no replication role to skip triggers
 * with, no direct access to an audit partition, no DDL), while everything the API does works (every other IT runs as
 * this role).
 */
@ApiIT
class LeastPrivilegeIT extends ApiIT.Base {

    @Test
    void theApisRoleCannotChangeALedgerLineOrAnAuditRowByAnyMeans() {
        assertThat(db.queryForObject("SELECT current_user", String.class)).isEqualTo(ServiceRoles.API);
        assertThat(db.queryForObject(
                        "SELECT rolsuper OR rolcreaterole OR rolcreatedb OR rolreplication OR rolbypassrls"
                                + " FROM pg_roles WHERE rolname = current_user",
                        Boolean.class))
                .isFalse();
        assertThat(db.queryForObject(
                        "SELECT count(*) FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner"
                                + " WHERE r.rolname = current_user",
                        Integer.class))
                .as("owns no table")
                .isZero();

        Api.Person alice = api.newUser("alice");
        api.fund(alice, 10); // the API's role posts through the ledger module
        String partition = "audit_log_" + YearMonth.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy_MM"));
        long lines = db.queryForObject("SELECT count(*) FROM ledger_lines", Long.class);
        long sum = db.queryForObject("SELECT sum(amount_cents) FROM ledger_lines WHERE amount_cents > 0", Long.class);
        long audit = db.queryForObject("SELECT count(*) FROM audit_log", Long.class);

        for (String attempt : List.of(
                "UPDATE ledger_lines SET amount_cents = amount_cents * 2",
                "DELETE FROM ledger_lines",
                "TRUNCATE ledger_lines",
                "DELETE FROM ledger_entries",
                "UPDATE audit_log SET action = 'nothing'",
                "DELETE FROM audit_log",
                "TRUNCATE audit_log",
                "UPDATE " + partition + " SET action = 'nothing'",
                "DELETE FROM " + partition,
                "INSERT INTO " + partition + " (action, entity_type, entity_id) VALUES ('x', 'x', 'x')",
                "ALTER TABLE ledger_lines DISABLE TRIGGER USER",
                "DROP TRIGGER ledger_lines_append_only ON ledger_lines",
                "ALTER TABLE audit_log DETACH PARTITION " + partition,
                "DROP TABLE " + partition,
                "CREATE RULE sneaky AS ON UPDATE TO ledger_lines DO INSTEAD NOTHING",
                "SET session_replication_role = replica",
                "CREATE FUNCTION public.sneaky() RETURNS int LANGUAGE sql AS 'SELECT 1'",
                "CREATE TABLE public.sneaky (id int)",
                "SELECT grant_service_privileges()",
                "SELECT audit_log_add_partitions_between(now(), now())",
                "SELECT ledger_lines_boundary(10)", // settlement's alone: it makes payments wait (ledger V47)
                "ALTER TABLE audit_log ADD COLUMN sneaky int",
                "SELECT count(*) FROM flyway_schema_history")) {
            assertRefused(db, attempt, "(?s).*(permission denied|must be owner|not allowed|must be superuser).*");
        }
        assertThat(db.queryForObject("SELECT count(*) FROM ledger_lines", Long.class))
                .isEqualTo(lines);
        assertThat(db.queryForObject("SELECT sum(amount_cents) FROM ledger_lines WHERE amount_cents > 0", Long.class))
                .isEqualTo(sum);
        assertThat(db.queryForObject("SELECT count(*) FROM audit_log", Long.class))
                .isGreaterThanOrEqualTo(audit);
        // and the owner gave the role no way around it: the triggers are all enabled
        assertThat(admin().queryForObject(
                                "SELECT count(*) FROM pg_trigger WHERE tgrelid = 'ledger_lines'::regclass AND tgenabled = 'D'",
                                Integer.class))
                .isZero();
        LedgerInvariants.assertHold(db);
    }

    /**
     * Money moves by ledger lines only: the API's role cannot write a wallet's cached balance or held sum, open a wallet
     * with money in it, add or take the credits left beside a wallet, or call the functions the ledger's triggers
     * apply a change with (ledger V35); it can still do what the API does (a payment credits the receiver through
     * those triggers, and the debt flag is set by {@code Ledger.restrict}).
     */
    @Test
    void theApisRoleCannotChangeABalanceButByLedgerLines() {
        Api.Person alice = api.newUser("alice");
        Api.Person bob = api.newUser("bob");
        api.fund(alice, 1_000);
        long account = db.queryForObject(
                "SELECT id FROM ledger_accounts WHERE kind = 'wallet' AND user_id = ?", Long.class, alice.id());
        String balance = "SELECT balance_cents FROM wallet_balances WHERE id = " + account;
        assertThat(db.queryForObject(balance, Long.class)).isEqualTo(1_000L);

        for (String attempt : List.of(
                "UPDATE ledger_accounts SET balance_cents = balance_cents + 100 WHERE id = " + account,
                "UPDATE ledger_accounts SET held_cents = held_cents + 100 WHERE id = " + account,
                "UPDATE ledger_accounts SET balance_cents = balance_cents + 100, restricted = restricted WHERE id = "
                        + account,
                "DELETE FROM ledger_accounts WHERE id = " + account,
                "INSERT INTO ledger_accounts (kind, user_id, balance_cents) VALUES ('wallet', '" + bob.id() + "', 100)",
                "INSERT INTO wallet_credits (account_id, amount_cents) VALUES (" + account + ", 100)",
                "UPDATE wallet_credits SET amount_cents = amount_cents * 2",
                "DELETE FROM wallet_credits",
                "SELECT wallet_credit(" + account + ", 100)",
                "SELECT wallet_apply(" + account + ", 100)",
                "SELECT wallet_apply_locked(" + account + ", 100)")) {
            assertRefused(db, attempt, "(?s).*permission denied.*");
        }
        assertThat(db.queryForObject(balance, Long.class)).isEqualTo(1_000L);

        // what the API does still works as this role: a payment (the receiver credited by the ledger's trigger) and
        // the debt flag
        assertThat(api.transfer(
                                alice,
                                bob.id(),
                                250,
                                java.util.UUID.randomUUID().toString())
                        .status())
                .isEqualTo(201);
        assertThat(db.queryForObject(balance, Long.class)).isEqualTo(750L);
        assertThat(db.update("UPDATE ledger_accounts SET restricted = restricted WHERE id = ?", account))
                .isEqualTo(1);
        LedgerInvariants.assertHold(db);
    }

    @Test
    void theTablesBelongToTheOwnerRoleThatMigrates() {
        assertThat(admin().queryForList(
                                "SELECT DISTINCT r.rolname FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner"
                                        + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public'"
                                        + " AND c.relkind IN ('r', 'p')",
                                String.class))
                .containsExactly(ServiceRoles.OWNER);
    }
}

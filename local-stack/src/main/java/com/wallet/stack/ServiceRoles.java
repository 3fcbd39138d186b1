package com.wallet.stack;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The services' database roles (least privilege; {@code service-roles.sql} beside this class says what each may do):
 * migrations run as {@link #OWNER}, transfer-api connects as {@link #API}, settlement-batch as {@link #SETTLEMENT},
 * the CDC connector as {@link #CDC}. Every stack creates them in its database; on a real cluster a DBA runs the same
 * script.
 */
public final class ServiceRoles {

    public static final String OWNER = "wallet_owner";
    public static final String API = "wallet_api";
    public static final String SETTLEMENT = "wallet_settlement";
    public static final String CDC = "wallet_cdc";

    private ServiceRoles() {}

    /** The script, as a DBA would run it. */
    public static String script() {
        try (InputStream in = ServiceRoles.class.getResourceAsStream("service-roles.sql")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Creates the roles (if missing) in the database of {@code superuser}, hands what the superuser owns there to the
     * owner role, and gives each role {@code password} when not null (the embedded server trusts local connections).
     */
    public static void create(Connection superuser, String password) throws SQLException {
        try (Statement s = superuser.createStatement()) {
            s.execute(script());
            if (password != null) {
                for (String role : new String[] {OWNER, API, SETTLEMENT, CDC}) {
                    s.execute("ALTER ROLE " + role + " PASSWORD '" + password.replace("'", "''") + "'");
                }
            }
        }
    }
}

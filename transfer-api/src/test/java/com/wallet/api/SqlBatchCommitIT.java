package com.wallet.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.wallet.api.funding.CardCharges;
import com.wallet.ledger.SqlBatch;
import com.wallet.stack.ServiceRoles;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.TransactionState;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * {@link SqlBatch#commit}: the transaction's last batch carries its COMMIT (one round trip fewer per idempotent call,
 * issue 16). What it commits is visible to others as soon as the batch returns; a statement that fails in SQL stops
 * the batch before the COMMIT, so nothing of it stays; a batch checked after it cannot commit. Rows go to a scratch
 * table of this test.
 */
@ApiIT
class SqlBatchCommitIT extends ApiIT.Base {

    @Autowired
    TransactionTemplate tx;

    @Autowired
    CardCharges cardCharges;

    /**
     * Owned by the schema's owner, as every table is (another instance's migrations, run as the owner, grant on every
     * table and would be refused one the superuser owns), and dropped afterwards.
     */
    @BeforeAll
    static void scratchTable() {
        admin().execute("CREATE TABLE IF NOT EXISTS sql_batch_it (id uuid PRIMARY KEY)");
        admin().execute("ALTER TABLE sql_batch_it OWNER TO " + ServiceRoles.OWNER);
        admin().execute("GRANT SELECT, INSERT ON sql_batch_it TO " + ServiceRoles.API);
    }

    @AfterAll
    static void dropScratchTable() {
        admin().execute("DROP TABLE IF EXISTS sql_batch_it");
    }

    private boolean stored(UUID id) {
        return admin().queryForObject("SELECT count(*) FROM sql_batch_it WHERE id = ?", Integer.class, id) == 1;
    }

    @Test
    void theLastBatchCommitsAndTheTransactionManagerHasNothingLeftToSend() {
        UUID id = UUID.randomUUID();
        tx.executeWithoutResult(status -> {
            SqlBatch batch = new SqlBatch(db);
            batch.add("INSERT INTO sql_batch_it (id) VALUES (?)", id);
            batch.commit().send();
            assertThat(stored(id))
                    .as("visible to another connection before the transaction manager commits")
                    .isTrue();
            assertThat(db.execute((ConnectionCallback<TransactionState>)
                            c -> c.unwrap(BaseConnection.class).getTransactionState()))
                    .as("the connection is out of its transaction: the manager's commit sends nothing")
                    .isEqualTo(TransactionState.IDLE);
        });
        assertThat(stored(id)).isTrue();
    }

    @Test
    void aStatementFailingInSqlStopsTheBatchBeforeItsCommit() {
        UUID id = UUID.randomUUID();
        assertThatThrownBy(() -> tx.executeWithoutResult(status -> {
                    SqlBatch batch = new SqlBatch(db);
                    batch.add("INSERT INTO sql_batch_it (id) VALUES (?)", id);
                    // a charge that is not 'started' (here: none at all) was resolved while its transfer ran
                    cardCharges.captured(batch, UUID.randomUUID(), UUID.randomUUID());
                    batch.commit().send();
                }))
                .isInstanceOf(DataAccessException.class)
                .hasMessageContaining("was resolved while its transfer ran");
        assertThat(stored(id))
                .as("the insert before the failed statement is rolled back")
                .isFalse();
    }

    @Test
    void aBatchCheckedAfterItIsSentCannotCommit() {
        SqlBatch checked = new SqlBatch(db)
                .add("UPDATE sql_batch_it SET id = id WHERE false")
                .then(() -> {});
        assertThatThrownBy(checked::commit).isInstanceOf(IllegalStateException.class);
        SqlBatch committing = new SqlBatch(db).commit();
        assertThatThrownBy(() -> committing.then(() -> {})).isInstanceOf(IllegalStateException.class);
    }
}

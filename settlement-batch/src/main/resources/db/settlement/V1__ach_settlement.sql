-- settlement-batch's own tables, in its own Flyway history (settlement_schema_history); the core tables are
-- transfer-api's and must exist first. The Spring Batch job repository is Spring Batch 6.0's schema-postgresql.sql.


CREATE TABLE BATCH_JOB_INSTANCE (
	JOB_INSTANCE_ID BIGINT  NOT NULL PRIMARY KEY,
	VERSION BIGINT,
	JOB_NAME VARCHAR(100) NOT NULL,
	JOB_KEY VARCHAR(32) NOT NULL,
	constraint JOB_INST_UN unique (JOB_NAME, JOB_KEY)
) ;

CREATE TABLE BATCH_JOB_EXECUTION (
	JOB_EXECUTION_ID BIGINT  NOT NULL PRIMARY KEY,
	VERSION BIGINT,
	JOB_INSTANCE_ID BIGINT NOT NULL,
	CREATE_TIME TIMESTAMP NOT NULL,
	START_TIME TIMESTAMP DEFAULT NULL,
	END_TIME TIMESTAMP DEFAULT NULL,
	STATUS VARCHAR(10),
	EXIT_CODE VARCHAR(2500),
	EXIT_MESSAGE VARCHAR(2500),
	LAST_UPDATED TIMESTAMP,
	constraint JOB_INST_EXEC_FK foreign key (JOB_INSTANCE_ID)
	references BATCH_JOB_INSTANCE(JOB_INSTANCE_ID)
) ;

CREATE TABLE BATCH_JOB_EXECUTION_PARAMS (
	JOB_EXECUTION_ID BIGINT NOT NULL,
	PARAMETER_NAME VARCHAR(100) NOT NULL,
	PARAMETER_TYPE VARCHAR(100) NOT NULL,
	PARAMETER_VALUE VARCHAR(2500),
	IDENTIFYING CHAR(1) NOT NULL,
	constraint JOB_EXEC_PARAMS_FK foreign key (JOB_EXECUTION_ID)
	references BATCH_JOB_EXECUTION(JOB_EXECUTION_ID)
) ;

CREATE TABLE BATCH_STEP_EXECUTION (
	STEP_EXECUTION_ID BIGINT  NOT NULL PRIMARY KEY,
	VERSION BIGINT NOT NULL,
	STEP_NAME VARCHAR(100) NOT NULL,
	JOB_EXECUTION_ID BIGINT NOT NULL,
	CREATE_TIME TIMESTAMP NOT NULL,
	START_TIME TIMESTAMP DEFAULT NULL,
	END_TIME TIMESTAMP DEFAULT NULL,
	STATUS VARCHAR(10),
	COMMIT_COUNT BIGINT,
	READ_COUNT BIGINT,
	FILTER_COUNT BIGINT,
	WRITE_COUNT BIGINT,
	READ_SKIP_COUNT BIGINT,
	WRITE_SKIP_COUNT BIGINT,
	PROCESS_SKIP_COUNT BIGINT,
	ROLLBACK_COUNT BIGINT,
	EXIT_CODE VARCHAR(2500),
	EXIT_MESSAGE VARCHAR(2500),
	LAST_UPDATED TIMESTAMP,
	constraint JOB_EXEC_STEP_FK foreign key (JOB_EXECUTION_ID)
	references BATCH_JOB_EXECUTION(JOB_EXECUTION_ID)
) ;

CREATE TABLE BATCH_STEP_EXECUTION_CONTEXT (
	STEP_EXECUTION_ID BIGINT NOT NULL PRIMARY KEY,
	SHORT_CONTEXT VARCHAR(2500) NOT NULL,
	SERIALIZED_CONTEXT TEXT,
	constraint STEP_EXEC_CTX_FK foreign key (STEP_EXECUTION_ID)
	references BATCH_STEP_EXECUTION(STEP_EXECUTION_ID)
) ;

CREATE TABLE BATCH_JOB_EXECUTION_CONTEXT (
	JOB_EXECUTION_ID BIGINT NOT NULL PRIMARY KEY,
	SHORT_CONTEXT VARCHAR(2500) NOT NULL,
	SERIALIZED_CONTEXT TEXT,
	constraint JOB_EXEC_CTX_FK foreign key (JOB_EXECUTION_ID)
	references BATCH_JOB_EXECUTION(JOB_EXECUTION_ID)
) ;

CREATE SEQUENCE BATCH_STEP_EXECUTION_SEQ MAXVALUE 9223372036854775807 NO CYCLE;
CREATE SEQUENCE BATCH_JOB_EXECUTION_SEQ MAXVALUE 9223372036854775807 NO CYCLE;
CREATE SEQUENCE BATCH_JOB_INSTANCE_SEQ MAXVALUE 9223372036854775807 NO CYCLE;

-- One NACHA file per origination run that found something to send. Its entries are fixed when the row is created,
-- so the file can be rewritten identically after a crash, and the processor recognises a resubmission by the id.
CREATE TABLE ach_files (
    id                  uuid PRIMARY KEY,
    business_date       date NOT NULL,
    file_id_modifier    char(1) NOT NULL CHECK (file_id_modifier ~ '^[A-Z0-9]$'),
    status              text NOT NULL CHECK (status IN ('created', 'written', 'submitted')),
    entry_count         int NOT NULL CHECK (entry_count >= 0),
    total_debit_cents   bigint NOT NULL CHECK (total_debit_cents >= 0),
    total_credit_cents  bigint NOT NULL CHECK (total_credit_cents >= 0),
    path                text,
    sha256              text,
    ack                 jsonb,
    created_at          timestamptz NOT NULL DEFAULT now(),
    written_at          timestamptz,
    submitted_at        timestamptz,
    UNIQUE (business_date, file_id_modifier)
);
CREATE INDEX ach_files_unfinished ON ach_files (created_at) WHERE status <> 'submitted';

CREATE SEQUENCE ach_trace_seq MINVALUE 1 MAXVALUE 9999999 CYCLE;

-- One entry per bank debit or standard cashout, ever (source_id is unique): nothing is sent twice.
CREATE TABLE ach_entries (
    trace_number       text PRIMARY KEY CHECK (trace_number ~ '^[0-9]{15}$'),
    file_id            uuid NOT NULL REFERENCES ach_files (id),
    seq                int NOT NULL,
    source             text NOT NULL CHECK (source IN ('bank_debit', 'cashout')),
    source_id          uuid NOT NULL UNIQUE,
    user_id            uuid NOT NULL REFERENCES users (id),
    payment_method_id  uuid NOT NULL REFERENCES payment_methods (id),
    transaction_code   int NOT NULL CHECK (transaction_code IN (22, 27)),
    amount_cents       bigint NOT NULL CHECK (amount_cents > 0 AND amount_cents <= 9999999999),
    status             text NOT NULL CHECK (status IN ('created', 'submitted', 'completed', 'returned')),
    submitted_at       timestamptz,
    settled_at         timestamptz,
    UNIQUE (file_id, seq)
);
CREATE INDEX ach_entries_submitted ON ach_entries (submitted_at) WHERE status = 'submitted';

-- Returns as the processor reported them; matched ones were reversed in the ledger in the same transaction.
CREATE TABLE ach_returns (
    sequence      bigint PRIMARY KEY,
    trace_number  text NOT NULL UNIQUE,
    return_code   text NOT NULL,
    amount_cents  bigint NOT NULL,
    matched       boolean NOT NULL,
    processed_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE reconciliation_reports (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    business_date  date NOT NULL,
    ran_at         timestamptz NOT NULL DEFAULT now(),
    clean          boolean NOT NULL,
    findings       jsonb NOT NULL,
    path           text
);

package com.wallet.settlement;

import com.wallet.common.bank.BankingCalendar;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.stereotype.Component;

/**
 * Runs one settlement job at a time per job name across every instance: a PostgreSQL advisory lock, held on its own
 * connection for the whole run, decides who runs; the others skip. Holding the lock also makes any execution of that
 * job still marked running a leftover of a crashed process, which is recovered (marked failed) before the new run.
 * Every run is a new job instance (business date plus a run number); what a crashed run left half done is taken up
 * by the next run from the database state (see README "settlement-batch").
 */
@Component
public class JobRunner {

    public record Result(String job, BatchStatus status, ExitStatus exit, boolean ok) {}

    public static final String MISMATCH = "MISMATCH";
    private static final Logger log = LoggerFactory.getLogger(JobRunner.class);

    private final Map<String, Job> jobs;
    private final JobOperator operator;
    private final JobRepository repository;
    private final DataSource dataSource;
    private final Clock clock;

    JobRunner(
            Map<String, Job> jobs, JobOperator operator, JobRepository repository, DataSource dataSource, Clock clock) {
        this.jobs = jobs;
        this.operator = operator;
        this.repository = repository;
        this.dataSource = dataSource;
        this.clock = clock;
    }

    /** @param businessDate null for today (Eastern time) */
    public Result run(String jobName, LocalDate businessDate) {
        return run(jobName, businessDate, null);
    }

    /**
     * @param businessDate null for today (Eastern time)
     * @param runAt the moment the run counts as made at (null: now): origination compares it with the same-day ACH
     *     cut-offs
     */
    public Result run(String jobName, LocalDate businessDate, Instant runAt) {
        Job job = jobs.get(jobName);
        if (job == null) {
            throw new IllegalArgumentException("no job " + jobName + "; the jobs are " + jobs.keySet());
        }
        // a US originator's business day is Eastern time's
        LocalDate date = businessDate != null ? businessDate : LocalDate.now(clock.withZone(BankingCalendar.EASTERN));
        try (Connection lock = dataSource.getConnection()) {
            if (!tryLock(lock, jobName)) {
                log.info("{} is running in another instance; skipped", jobName);
                return new Result(jobName, BatchStatus.ABANDONED, ExitStatus.NOOP, true);
            }
            try {
                recoverCrashed(jobName);
                JobParameters parameters = new JobParametersBuilder()
                        .addLocalDate("business_date", date)
                        .addLocalDateTime(
                                "run_at",
                                LocalDateTime.ofInstant(runAt != null ? runAt : clock.instant(), ZoneOffset.UTC))
                        .addLong("run", System.currentTimeMillis())
                        .toJobParameters();
                JobExecution execution = operator.start(job, parameters);
                boolean ok = execution.getStatus() == BatchStatus.COMPLETED
                        && !MISMATCH.equals(execution.getExitStatus().getExitCode());
                log.info(
                        "{} for {}: {} ({})",
                        jobName,
                        date,
                        execution.getStatus(),
                        execution.getExitStatus().getExitCode());
                return new Result(jobName, execution.getStatus(), execution.getExitStatus(), ok);
            } finally {
                unlock(lock, jobName);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot take the " + jobName + " lock: " + e.getMessage(), e);
        } catch (Exception e) {
            if (e instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(jobName + " could not be launched: " + e.getMessage(), e);
        }
    }

    private void recoverCrashed(String jobName) {
        for (JobExecution running : repository.findRunningJobExecutions(jobName)) {
            log.warn(
                    "{} execution {} was left running by a process that died; marking it failed",
                    jobName,
                    running.getId());
            operator.recover(running);
        }
    }

    private static boolean tryLock(Connection c, String job) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT pg_try_advisory_lock(hashtext(?))")) {
            s.setString(1, "settlement:" + job);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    private static void unlock(Connection c, String job) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT pg_advisory_unlock(hashtext(?))")) {
            s.setString(1, "settlement:" + job);
            s.execute();
        }
    }
}

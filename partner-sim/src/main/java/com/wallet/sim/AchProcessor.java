package com.wallet.sim;

import com.wallet.common.bank.BankingCalendar;
import java.security.SecureRandom;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An ACH processor: takes NACHA files (a resubmitted file id is recognised and not processed twice), offers the
 * returns of entries to accounts configured to fail and the notifications of change of entries to accounts configured
 * to have changed, and sends micro-deposits for account verification.
 */
public final class AchProcessor {

    /** @param effectiveDate its batch's effective entry date: the day it settles */
    public record Entry(
            String traceNumber,
            int transactionCode,
            String routingNumber,
            String accountNumber,
            long amountCents,
            LocalDate effectiveDate) {

        public boolean credit() {
            return transactionCode == 22 || transactionCode == 32;
        }
    }

    public record Ack(
            String fileId,
            int entryCount,
            long totalDebitCents,
            long totalCreditCents,
            String status,
            boolean duplicate) {}

    /**
     * @param sequence increases by one per return, for paging with {@code after}
     * @param returnDate the banking day the receiving bank returns it; null: at once
     */
    public record Return(
            long sequence,
            String fileId,
            String traceNumber,
            String returnCode,
            long amountCents,
            boolean credit,
            LocalDate returnDate) {}

    /**
     * A notification of change (a COR entry) for an entry that posted: the receiving bank's correction.
     *
     * @param correctedData as the change code defines it (C01 account number, C02 routing number, C03 routing and
     *     account, C04 name, C05 transaction code, C06 account and transaction code, C07 routing, account and code;
     *     parts separated by a space)
     */
    public record Change(long sequence, String fileId, String traceNumber, String changeCode, String correctedData) {}

    public record MicroDeposit(String id, String routingNumber, String accountNumber, List<Long> amountsCents) {}

    /** A file that cannot be processed. */
    public static final class InvalidFile extends RuntimeException {
        InvalidFile(String message) {
            super(message);
        }
    }

    private final SecureRandom random = new SecureRandom();
    private final Map<String, Ack> files = new ConcurrentHashMap<>();
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    /** The latest entry submitted under each trace number (for tests that look one up). */
    private final Map<String, Entry> latest = new ConcurrentHashMap<>();

    private final Map<String, ReturnRule> returnRules = new ConcurrentHashMap<>();
    private final BankingCalendar calendar = new BankingCalendar();
    private final List<Return> returns = new ArrayList<>();
    /** Returns the receiving banks will send on a later banking day: numbered when they come back. */
    private final List<Return> scheduled = new ArrayList<>();

    private final Map<String, ChangeRule> changeRules = new ConcurrentHashMap<>();
    private final List<Change> changes = new ArrayList<>();
    private final List<MicroDeposit> microDeposits = new ArrayList<>();
    /** Told of every change (the simulator's state journal, when it has a data directory). */
    volatile java.util.function.BiConsumer<String, Object> recorder = (type, value) -> {};

    /** A file as received: its acknowledgement, its entries and the returns it caused; for the state journal. */
    record Received(Ack ack, String fileDate, List<Entry> entries, List<Return> returns, List<Change> changes) {}

    /** @param bankingDays banking days after the entry's effective date it comes back on; null: at once */
    record ReturnRule(String accountNumber, String returnCode, Integer bankingDays) {}

    record ChangeRule(String accountNumber, String changeCode, String correctedData) {}

    synchronized void restore(Received file) {
        files.put(file.ack().fileId(), file.ack());
        for (Entry entry : file.entries()) {
            entries.put(file.fileDate() + ":" + entry.traceNumber(), entry);
            latest.put(entry.traceNumber(), entry);
        }
        for (Return r : file.returns()) {
            (r.sequence() == 0 ? scheduled : returns).add(r);
        }
        if (file.changes() != null) {
            changes.addAll(file.changes());
        }
    }

    /** A scheduled return that came back (numbered then), read from the state journal. */
    synchronized void restoreReleased(Return r) {
        scheduled.removeIf(s -> s.fileId().equals(r.fileId()) && s.traceNumber().equals(r.traceNumber()));
        returns.add(r);
    }

    void restore(ChangeRule rule) {
        if (rule.accountNumber() == null) {
            changeRules.clear();
        } else {
            changeRules.put(rule.accountNumber(), rule);
        }
    }

    /**
     * Entries to this account number that post (are not returned) bring a notification of change with this code
     * (C01-C13) and corrected data.
     */
    public void changeEntriesTo(String accountNumber, String changeCode, String correctedData) {
        if (changeCode == null || !changeCode.matches("C[0-9]{2}")) {
            throw new IllegalArgumentException("change code must look like C01, was " + changeCode);
        }
        if (correctedData == null || correctedData.isBlank() || correctedData.length() > 29) {
            throw new IllegalArgumentException("corrected data is 1-29 characters");
        }
        ChangeRule rule = new ChangeRule(accountNumber, changeCode, correctedData);
        changeRules.put(accountNumber, rule);
        recorder.accept("change_rule", rule);
    }

    public void clearChangeRules() {
        changeRules.clear();
        recorder.accept("change_rule", new ChangeRule(null, null, null));
    }

    public synchronized List<Change> changesAfter(long sequence) {
        return changes.stream().filter(c -> c.sequence() > sequence).toList();
    }

    synchronized void restore(MicroDeposit deposit) {
        microDeposits.add(deposit);
    }

    void restore(ReturnRule rule) {
        if (rule.accountNumber() == null) {
            returnRules.clear();
        } else {
            returnRules.put(rule.accountNumber(), rule);
        }
    }

    /** Entries to this account number are returned with this R-code (R01, R02, R03, ...), at once. */
    public void returnEntriesTo(String accountNumber, String returnCode) {
        returnEntriesTo(accountNumber, returnCode, null);
    }

    /**
     * Entries to this account number are returned with this R-code, on the banking day {@code bankingDays} after
     * their effective entry date (null: at once): {@code GET /ach/returns?as_of=} shows a return from that day on.
     */
    public void returnEntriesTo(String accountNumber, String returnCode, Integer bankingDays) {
        if (returnCode == null || !returnCode.matches("R[0-9]{2}")) {
            throw new IllegalArgumentException("return code must look like R01, was " + returnCode);
        }
        if (bankingDays != null && (bankingDays < 0 || bankingDays > 60)) {
            throw new IllegalArgumentException("banking_days must be from 0 to 60, was " + bankingDays);
        }
        ReturnRule rule = new ReturnRule(accountNumber, returnCode, bankingDays);
        returnRules.put(accountNumber, rule);
        recorder.accept("return_rule", rule);
    }

    public void clearReturnRules() {
        returnRules.clear();
        recorder.accept("return_rule", new ReturnRule(null, null, null));
    }

    public synchronized Ack submit(String fileId, String nacha) {
        Ack known = files.get(fileId);
        if (known != null) {
            return new Ack(
                    known.fileId(),
                    known.entryCount(),
                    known.totalDebitCents(),
                    known.totalCreditCents(),
                    known.status(),
                    true);
        }
        List<Entry> parsed = Nacha.entries(nacha);
        // trace numbers are unique per ODFI within a file creation date (the file header's YYMMDD), not for ever
        String fileDate = nacha.length() >= 29 ? nacha.substring(23, 29) : "";
        long debits = 0;
        long credits = 0;
        for (Entry entry : parsed) {
            if (entries.containsKey(fileDate + ":" + entry.traceNumber())) {
                throw new InvalidFile(
                        "trace number " + entry.traceNumber() + " was already submitted on file date " + fileDate);
            }
            if (entry.credit()) {
                credits = Math.addExact(credits, entry.amountCents());
            } else {
                debits = Math.addExact(debits, entry.amountCents());
            }
        }
        List<Return> caused = new ArrayList<>();
        List<Change> noticed = new ArrayList<>();
        for (Entry entry : parsed) {
            entries.put(fileDate + ":" + entry.traceNumber(), entry);
            latest.put(entry.traceNumber(), entry);
            ReturnRule rule = returnRules.get(entry.accountNumber());
            ChangeRule change = changeRules.get(entry.accountNumber());
            if (rule != null) {
                boolean later = rule.bankingDays() != null;
                // a return due later is numbered when it comes back, so paging never waits behind it
                Return r = new Return(
                        later ? 0 : returns.size() + 1L,
                        fileId,
                        entry.traceNumber(),
                        rule.returnCode(),
                        entry.amountCents(),
                        entry.credit(),
                        later ? calendar.plusBankingDays(entry.effectiveDate(), rule.bankingDays()) : null);
                (later ? scheduled : returns).add(r);
                caused.add(r);
            } else if (change != null) {
                Change c = new Change(
                        changes.size() + 1L, fileId, entry.traceNumber(), change.changeCode(), change.correctedData());
                changes.add(c);
                noticed.add(c);
            }
        }
        Ack ack = new Ack(fileId, parsed.size(), debits, credits, "accepted", false);
        files.put(fileId, ack);
        recorder.accept("file", new Received(ack, fileDate, parsed, caused, noticed));
        return ack;
    }

    public Optional<Ack> file(String fileId) {
        return Optional.ofNullable(files.get(fileId));
    }

    private final java.util.concurrent.atomic.AtomicLong lookups = new java.util.concurrent.atomic.AtomicLong();

    /** A file as a client asks about it ({@code GET /ach/files/{id}}), counted in {@link #lookups}. */
    public Optional<Ack> lookUp(String fileId) {
        lookups.incrementAndGet();
        return file(fileId);
    }

    /** How many times clients asked about a file since the simulator started. */
    public long lookups() {
        return lookups.get();
    }

    public Optional<Entry> entry(String traceNumber) {
        return Optional.ofNullable(latest.get(traceNumber));
    }

    public synchronized List<Return> returnsAfter(long sequence) {
        return returnsAfter(sequence, null);
    }

    /**
     * The returns after {@code sequence}; first the scheduled returns due by {@code asOf} (null: every one) come back
     * and are numbered after those already there.
     */
    public synchronized List<Return> returnsAfter(long sequence, LocalDate asOf) {
        List<Return> due = scheduled.stream()
                .filter(r -> asOf == null || !r.returnDate().isAfter(asOf))
                .toList();
        for (Return r : due) {
            Return released = new Return(
                    returns.size() + 1L,
                    r.fileId(),
                    r.traceNumber(),
                    r.returnCode(),
                    r.amountCents(),
                    r.credit(),
                    r.returnDate());
            scheduled.remove(r);
            returns.add(released);
            recorder.accept("return_released", released);
        }
        return returns.stream().filter(r -> r.sequence() > sequence).toList();
    }

    /** Sends two deposits of 1-99 cents to the account and tells the originator the amounts. */
    public synchronized MicroDeposit sendMicroDeposits(String routingNumber, String accountNumber) {
        if (routingNumber == null || !routingNumber.matches("[0-9]{9}")) {
            throw new InvalidFile("routing_number must be 9 digits");
        }
        if (accountNumber == null || !accountNumber.matches("[0-9]{4,17}")) {
            throw new InvalidFile("account_number must be 4-17 digits");
        }
        MicroDeposit deposit = new MicroDeposit(
                "md_" + Long.toHexString(random.nextLong() & Long.MAX_VALUE),
                routingNumber,
                accountNumber,
                List.of(1L + random.nextInt(99), 1L + random.nextInt(99)));
        microDeposits.add(deposit);
        recorder.accept("micro_deposit", deposit);
        return deposit;
    }

    /** What the account holder sees on their statement: the micro-deposits sent to that account. */
    public synchronized List<MicroDeposit> statement(String routingNumber, String accountNumber) {
        return microDeposits.stream()
                .filter(d -> d.routingNumber().equals(routingNumber)
                        && d.accountNumber().equals(accountNumber))
                .toList();
    }
}

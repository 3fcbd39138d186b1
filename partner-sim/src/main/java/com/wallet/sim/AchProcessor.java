package com.wallet.sim;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An ACH processor: takes NACHA files (a resubmitted file id is recognised and not processed twice), offers the
 * returns of entries to accounts configured to fail, and sends micro-deposits for account verification.
 */
public final class AchProcessor {

    public record Entry(
            String traceNumber, int transactionCode, String routingNumber, String accountNumber, long amountCents) {

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

    /** @param sequence increases by one per return, for paging with {@code after} */
    public record Return(
            long sequence, String fileId, String traceNumber, String returnCode, long amountCents, boolean credit) {}

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

    private final Map<String, String> returnRules = new ConcurrentHashMap<>();
    private final List<Return> returns = new ArrayList<>();
    private final List<MicroDeposit> microDeposits = new ArrayList<>();
    /** Told of every change (the simulator's state journal, when it has a data directory). */
    volatile java.util.function.BiConsumer<String, Object> recorder = (type, value) -> {};

    /** A file as received: its acknowledgement, its entries and the returns it caused; for the state journal. */
    record Received(Ack ack, String fileDate, List<Entry> entries, List<Return> returns) {}

    record ReturnRule(String accountNumber, String returnCode) {}

    synchronized void restore(Received file) {
        files.put(file.ack().fileId(), file.ack());
        for (Entry entry : file.entries()) {
            entries.put(file.fileDate() + ":" + entry.traceNumber(), entry);
            latest.put(entry.traceNumber(), entry);
        }
        returns.addAll(file.returns());
    }

    synchronized void restore(MicroDeposit deposit) {
        microDeposits.add(deposit);
    }

    void restore(ReturnRule rule) {
        if (rule.accountNumber() == null) {
            returnRules.clear();
        } else {
            returnRules.put(rule.accountNumber(), rule.returnCode());
        }
    }

    /** Entries to this account number are returned with this R-code (R01, R02, R03, ...). */
    public void returnEntriesTo(String accountNumber, String returnCode) {
        if (!returnCode.matches("R[0-9]{2}")) {
            throw new IllegalArgumentException("return code must look like R01, was " + returnCode);
        }
        returnRules.put(accountNumber, returnCode);
        recorder.accept("return_rule", new ReturnRule(accountNumber, returnCode));
    }

    public void clearReturnRules() {
        returnRules.clear();
        recorder.accept("return_rule", new ReturnRule(null, null));
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
        for (Entry entry : parsed) {
            entries.put(fileDate + ":" + entry.traceNumber(), entry);
            latest.put(entry.traceNumber(), entry);
            String code = returnRules.get(entry.accountNumber());
            if (code != null) {
                Return r = new Return(
                        returns.size() + 1L, fileId, entry.traceNumber(), code, entry.amountCents(), entry.credit());
                returns.add(r);
                caused.add(r);
            }
        }
        Ack ack = new Ack(fileId, parsed.size(), debits, credits, "accepted", false);
        files.put(fileId, ack);
        recorder.accept("file", new Received(ack, fileDate, parsed, caused));
        return ack;
    }

    public Optional<Ack> file(String fileId) {
        return Optional.ofNullable(files.get(fileId));
    }

    public Optional<Entry> entry(String traceNumber) {
        return Optional.ofNullable(latest.get(traceNumber));
    }

    public synchronized List<Return> returnsAfter(long sequence) {
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

package com.wallet.settlement.nacha;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes a NACHA file: 94-character records, a file header and control, batches by direction (service class 225 for
 * debits, SEC code WEB; 220 for credits, PPD), kind and effective entry date, entry hashes and totals, trace numbers, and 9-filled padding to a
 * multiple of the blocking factor 10. Pure: the same input gives the same bytes, so a file can be rewritten after a
 * crash.
 */
public final class NachaFile {

    /** Who we are at our bank (the ODFI) and who the file goes to. */
    public record Originator(
            String immediateDestination,
            String immediateDestinationName,
            String immediateOrigin,
            String immediateOriginName,
            String companyName,
            String companyId,
            String odfiRouting8) {

        public Originator {
            requireDigits("immediate destination", immediateDestination, 9);
            requireDigits("ODFI routing (8 digits)", odfiRouting8, 8);
            if (immediateOrigin.length() != 10 || companyId.length() != 10) {
                throw new IllegalArgumentException("immediate origin and company id are 10 characters");
            }
        }
    }

    /**
     * @param transactionCode 22 checking credit, 27 checking debit, 32 savings credit, 37 savings debit
     * @param rdfiRouting the receiver's 9-digit routing number (8 digits plus check digit)
     * @param effectiveDate the day the entry is to settle: its batch's effective entry date
     * @param retry a re-presentment of a debit returned for insufficient or uncollected funds: it goes in a batch
     *     described {@code RETRY PYMT}, and its individual id is the original entry's trace number
     */
    public record Entry(
            int transactionCode,
            String rdfiRouting,
            String accountNumber,
            long amountCents,
            String individualId,
            String individualName,
            String traceNumber,
            LocalDate effectiveDate,
            boolean retry) {

        public Entry {
            if (transactionCode != 22 && transactionCode != 27 && transactionCode != 32 && transactionCode != 37) {
                throw new IllegalArgumentException(
                        "transaction code 22/32 (credit) or 27/37 (debit), was " + transactionCode);
            }
            requireDigits("RDFI routing number", rdfiRouting, 9);
            requireDigits("trace number", traceNumber, 15);
            if (!accountNumber.matches("[0-9]{1,17}")) {
                throw new IllegalArgumentException("account numbers are 1-17 digits");
            }
            if (amountCents <= 0 || amountCents > 99_999_999_99L) {
                throw new IllegalArgumentException("an entry amount is 1 to 9,999,999,999 cents, was " + amountCents);
            }
            if (retry && transactionCode != 27 && transactionCode != 37) {
                throw new IllegalArgumentException("only debits are re-presented");
            }
        }

        boolean debit() {
            return transactionCode == 27 || transactionCode == 37;
        }

        /** Entries of one batch share direction, description and effective date. */
        private String batchKey() {
            return (debit() ? "0" : "1") + (retry ? "1" : "0") + effectiveDate;
        }
    }

    public static final int RECORD_LENGTH = 94;
    public static final int BLOCKING_FACTOR = 10;
    private static final DateTimeFormatter YYMMDD = DateTimeFormatter.ofPattern("yyMMdd", Locale.ROOT);
    private static final DateTimeFormatter HHMM = DateTimeFormatter.ofPattern("HHmm", Locale.ROOT);

    private NachaFile() {}

    /**
     * The file's records joined by {@code \n}, ending with one. One batch per direction, kind (original or
     * {@code RETRY PYMT}) and effective entry date: debits first, originals before re-presentments, earlier dates
     * first.
     */
    public static String write(
            Originator originator, LocalDateTime createdAt, char fileIdModifier, List<Entry> entries) {
        List<String> records = new ArrayList<>();
        records.add(fileHeader(originator, createdAt, fileIdModifier));
        long fileHash = 0;
        long fileDebits = 0;
        long fileCredits = 0;
        int entryCount = 0;
        int batchNumber = 0;
        Map<String, List<Entry>> batches = new TreeMap<>();
        for (Entry e : entries) {
            batches.computeIfAbsent(e.batchKey(), k -> new ArrayList<>()).add(e);
        }
        for (List<Entry> batch : batches.values()) {
            Entry first = batch.get(0);
            boolean debits = first.debit();
            batchNumber++;
            int serviceClass = debits ? 225 : 220;
            String description = first.retry() ? "RETRY PYMT" : debits ? "FUNDING" : "CASHOUT";
            // debits were authorized online (linking and paying in the app): WEB; credits to consumers: PPD
            String sec = debits ? "WEB" : "PPD";
            records.add(batchHeader(
                    originator,
                    serviceClass,
                    sec,
                    description,
                    createdAt.toLocalDate(),
                    first.effectiveDate(),
                    batchNumber));
            long hash = 0;
            long total = 0;
            for (Entry e : batch) {
                records.add(entry(e, sec));
                hash += Long.parseLong(e.rdfiRouting().substring(0, 8));
                total = Math.addExact(total, e.amountCents());
            }
            records.add(batchControl(
                    originator, serviceClass, batch.size(), hash, debits ? total : 0, debits ? 0 : total, batchNumber));
            fileHash += hash;
            entryCount += batch.size();
            if (debits) {
                fileDebits = Math.addExact(fileDebits, total);
            } else {
                fileCredits = Math.addExact(fileCredits, total);
            }
        }
        int recordsWithControl = records.size() + 1;
        int blocks = (recordsWithControl + BLOCKING_FACTOR - 1) / BLOCKING_FACTOR;
        records.add(fileControl(batchNumber, blocks, entryCount, fileHash, fileDebits, fileCredits));
        while (records.size() % BLOCKING_FACTOR != 0) {
            records.add("9".repeat(RECORD_LENGTH));
        }
        StringBuilder out = new StringBuilder();
        for (String record : records) {
            if (record.length() != RECORD_LENGTH) {
                throw new IllegalStateException("a record of " + record.length() + " characters: " + record);
            }
            out.append(record).append('\n');
        }
        return out.toString();
    }

    /** The entry hash as the control records carry it: the sum of RDFI routing prefixes, last 10 digits. */
    public static long entryHash(long sum) {
        return sum % 10_000_000_000L;
    }

    private static String fileHeader(Originator o, LocalDateTime createdAt, char modifier) {
        return "1" + "01" + " " + o.immediateDestination() + o.immediateOrigin() + createdAt.format(YYMMDD)
                + createdAt.format(HHMM) + modifier + "094" + "10" + "1"
                + alpha(o.immediateDestinationName(), 23) + alpha(o.immediateOriginName(), 23) + alpha("", 8);
    }

    private static String batchHeader(
            Originator o,
            int serviceClass,
            String sec,
            String description,
            LocalDate descriptiveDate,
            LocalDate effective,
            int batchNumber) {
        return "5" + serviceClass + alpha(o.companyName(), 16) + alpha("", 20) + o.companyId() + sec
                + alpha(description, 10) + descriptiveDate.format(YYMMDD) + effective.format(YYMMDD) + "   " + "1"
                + o.odfiRouting8() + numeric(batchNumber, 7);
    }

    /** A WEB entry carries its payment type code ("S " single) where a PPD entry has discretionary data. */
    private static String entry(Entry e, String sec) {
        return "6" + e.transactionCode() + e.rdfiRouting() + alpha(e.accountNumber(), 17)
                + numeric(e.amountCents(), 10) + alpha(e.individualId(), 15) + alpha(e.individualName(), 22)
                + (sec.equals("WEB") ? "S " : "  ") + "0" + e.traceNumber();
    }

    private static String batchControl(
            Originator o, int serviceClass, int count, long hash, long debits, long credits, int batchNumber) {
        return "8" + serviceClass + numeric(count, 6) + numeric(entryHash(hash), 10) + numeric(debits, 12)
                + numeric(credits, 12) + o.companyId() + alpha("", 19) + alpha("", 6) + o.odfiRouting8()
                + numeric(batchNumber, 7);
    }

    private static String fileControl(int batches, int blocks, int entries, long hash, long debits, long credits) {
        return "9" + numeric(batches, 6) + numeric(blocks, 6) + numeric(entries, 8) + numeric(entryHash(hash), 10)
                + numeric(debits, 12) + numeric(credits, 12) + alpha("", 39);
    }

    /** Left-justified, space-filled, upper case, cut to the width; only the characters NACHA allows. */
    static String alpha(String value, int width) {
        String clean = value.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9 .,&'/()-]", " ");
        if (clean.length() > width) {
            clean = clean.substring(0, width);
        }
        return clean + " ".repeat(width - clean.length());
    }

    /** Right-justified, zero-filled. */
    static String numeric(long value, int width) {
        String digits = Long.toString(value);
        if (value < 0 || digits.length() > width) {
            throw new IllegalArgumentException(value + " does not fit " + width + " digits");
        }
        return "0".repeat(width - digits.length()) + digits;
    }

    private static void requireDigits(String what, String value, int length) {
        if (value == null || !value.matches("[0-9]{" + length + "}")) {
            throw new IllegalArgumentException(what + " must be " + length + " digits");
        }
    }
}

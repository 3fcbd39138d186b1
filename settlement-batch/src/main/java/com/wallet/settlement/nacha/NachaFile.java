package com.wallet.settlement.nacha;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Writes a NACHA file: 94-character records, a file header and control, batches by direction (service class 225 for
 * debits, SEC code WEB; 220 for credits, PPD), kind and effective entry date, entry hashes and totals, trace numbers,
 * and 9-filled padding to a multiple of the blocking factor 10. Pure: the same input gives the same bytes, so a file
 * can be rewritten after a crash. Streamed ({@link Writer}) or, for small files, in memory ({@link #write}).
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
            if (!digits(accountNumber, 1, 17)) {
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

        /** Entries of one batch share direction, description and effective date; batches are written in its order. */
        private String batchKey() {
            return (debit() ? "0" : "1") + (retry ? "1" : "0") + effectiveDate;
        }
    }

    // compiled once: a file of a million entries cleans several fields of each
    private static final Pattern NOT_ALLOWED = Pattern.compile("[^A-Z0-9 .,&'/()-]");

    public static final int RECORD_LENGTH = 94;
    public static final int BLOCKING_FACTOR = 10;
    private static final DateTimeFormatter YYMMDD = DateTimeFormatter.ofPattern("yyMMdd", Locale.ROOT);
    private static final DateTimeFormatter HHMM = DateTimeFormatter.ofPattern("HHmm", Locale.ROOT);

    private NachaFile() {}

    /**
     * The file's records joined by {@code \n}, ending with one. One batch per direction, kind (original or
     * {@code RETRY PYMT}) and effective entry date: debits first, originals before re-presentments, earlier dates
     * first (a batch of more than {@link #MAX_BATCH_ENTRIES} goes on in the next). In memory: for tests and small
     * files; origination streams its files through {@link Writer}.
     */
    public static String write(
            Originator originator, LocalDateTime createdAt, char fileIdModifier, List<Entry> entries) {
        StringBuilder out = new StringBuilder();
        Writer writer = new Writer(out, originator, createdAt, fileIdModifier);
        // a stable sort: entries keep their order within a batch
        entries.stream().sorted(Comparator.comparing(Entry::batchKey)).forEach(writer::add);
        writer.finish();
        return out.toString();
    }

    /**
     * The most entries a batch holds: its control record counts them in 6 digits. A longer run of one batch's entries
     * goes on in another batch with the same header.
     */
    public static final int MAX_BATCH_ENTRIES = 999_999;

    /**
     * The most a file's debits, and its credits, may add up to: its control record carries each total in 12 digits
     * ($9,999,999,999.99; a batch's, a part of it, then fits too). An entry that would pass it is refused at once (the
     * writer throws), not when the control record is written after every entry; no wallet's day comes near it.
     */
    public static final long MAX_TOTAL_CENTS = 999_999_999_999L;

    /**
     * The most entries a file may hold: its control record counts blocks of ten records in 6 digits (9,999,990
     * records), and a file of this many entries in batches of at most {@link #MAX_BATCH_ENTRIES}, every batch
     * adding its header and control, stays within it with room to spare.
     */
    public static final int MAX_FILE_ENTRIES = 9_000_000;

    /**
     * Writes a file record by record as its entries come, in batch order ({@link #write}'s: the caller sorts them,
     * say by SQL), so that a file of millions of entries is never held in memory: the header when made, a batch's
     * header at its first entry and its control at the next batch's, the file's control and padding at {@link
     * #finish}. An entry of an earlier batch than the one being written is refused, as it could not be put in its
     * batch any more.
     */
    public static final class Writer {
        private final Appendable out;
        private final Originator originator;
        private final LocalDateTime createdAt;
        private final int maxBatchEntries;
        private long records;
        private int batchNumber;
        private long entryCount;
        private long fileHash;
        private long fileDebits;
        private long fileCredits;
        // the batch being written: null before the first entry
        private String batchKey;
        private int serviceClass;
        private String sec;
        private int batchCount;
        private long batchHash;
        private long batchTotal;
        private boolean finished;

        public Writer(Appendable out, Originator originator, LocalDateTime createdAt, char fileIdModifier) {
            this(out, originator, createdAt, fileIdModifier, MAX_BATCH_ENTRIES);
        }

        /** With batches of at most {@code maxBatchEntries} (tests: NACHA's limit made small). */
        Writer(
                Appendable out,
                Originator originator,
                LocalDateTime createdAt,
                char fileIdModifier,
                int maxBatchEntries) {
            if (maxBatchEntries < 1 || maxBatchEntries > MAX_BATCH_ENTRIES) {
                throw new IllegalArgumentException("a batch holds 1 to " + MAX_BATCH_ENTRIES + " entries");
            }
            this.out = out;
            this.originator = originator;
            this.createdAt = createdAt;
            this.maxBatchEntries = maxBatchEntries;
            record(fileHeader(originator, createdAt, fileIdModifier));
        }

        /** Adds the next entry: in the batch being written, or in a new one. */
        public void add(Entry e) {
            if (finished) {
                throw new IllegalStateException("the file is finished");
            }
            if (entryCount == MAX_FILE_ENTRIES) {
                throw new IllegalStateException("a file holds at most " + MAX_FILE_ENTRIES + " entries");
            }
            String key = e.batchKey();
            if (batchKey != null && key.compareTo(batchKey) < 0) {
                throw new IllegalStateException(
                        "entry " + e.traceNumber() + " belongs to an earlier batch than the one being written");
            }
            if (!key.equals(batchKey) || batchCount == maxBatchEntries) {
                closeBatch();
                openBatch(e, key);
            }
            if (e.debit()) {
                fileDebits = Math.addExact(fileDebits, e.amountCents());
            } else {
                fileCredits = Math.addExact(fileCredits, e.amountCents());
            }
            if (fileDebits > MAX_TOTAL_CENTS || fileCredits > MAX_TOTAL_CENTS) {
                throw new IllegalStateException("a file's debits, and its credits, add up to at most " + MAX_TOTAL_CENTS
                        + " cents (12 digits in its control record)");
            }
            record(entry(e, sec));
            batchCount++;
            batchHash += Long.parseLong(e.rdfiRouting().substring(0, 8));
            batchTotal = Math.addExact(batchTotal, e.amountCents());
            entryCount++;
        }

        /** Closes the last batch and writes the file's control record and the padding to a whole block. */
        public void finish() {
            if (finished) {
                return;
            }
            closeBatch();
            long blocks = (records + 1 + BLOCKING_FACTOR - 1) / BLOCKING_FACTOR;
            record(fileControl(batchNumber, blocks, entryCount, fileHash, fileDebits, fileCredits));
            while (records % BLOCKING_FACTOR != 0) {
                record("9".repeat(RECORD_LENGTH));
            }
            finished = true;
        }

        private void openBatch(Entry first, String key) {
            boolean debits = first.debit();
            batchNumber++;
            batchKey = key;
            serviceClass = debits ? 225 : 220;
            // debits were authorized online (linking and paying in the app): WEB; credits to consumers: PPD
            sec = debits ? "WEB" : "PPD";
            String description = first.retry() ? "RETRY PYMT" : debits ? "FUNDING" : "CASHOUT";
            record(batchHeader(
                    originator,
                    serviceClass,
                    sec,
                    description,
                    createdAt.toLocalDate(),
                    first.effectiveDate(),
                    batchNumber));
            batchCount = 0;
            batchHash = 0;
            batchTotal = 0;
        }

        private void closeBatch() {
            if (batchCount == 0) {
                return;
            }
            boolean debits = serviceClass == 225;
            record(batchControl(
                    originator,
                    serviceClass,
                    batchCount,
                    batchHash,
                    debits ? batchTotal : 0,
                    debits ? 0 : batchTotal,
                    batchNumber));
            fileHash += batchHash;
            batchCount = 0;
        }

        private void record(String record) {
            if (record.length() != RECORD_LENGTH) {
                throw new IllegalStateException("a record of " + record.length() + " characters: " + record);
            }
            try {
                out.append(record).append('\n');
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            records++;
        }
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

    private static String fileControl(int batches, long blocks, long entries, long hash, long debits, long credits) {
        return "9" + numeric(batches, 6) + numeric(blocks, 6) + numeric(entries, 8) + numeric(entryHash(hash), 10)
                + numeric(debits, 12) + numeric(credits, 12) + alpha("", 39);
    }

    /** Left-justified, space-filled, upper case, cut to the width; only the characters NACHA allows. */
    static String alpha(String value, int width) {
        String clean = NOT_ALLOWED.matcher(value.toUpperCase(Locale.ROOT)).replaceAll(" ");
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

    /**
     * Whether {@code value} is {@code min} to {@code max} ASCII digits: a loop, as a regex match allocates a matcher
     * per call (3 per entry: 170 MB for a file of 120,000 entries, the most after decryption).
     */
    private static boolean digits(String value, int min, int max) {
        if (value == null || value.length() < min || value.length() > max) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    private static void requireDigits(String what, String value, int length) {
        if (!digits(value, length, length)) {
            throw new IllegalArgumentException(what + " must be " + length + " digits");
        }
    }
}

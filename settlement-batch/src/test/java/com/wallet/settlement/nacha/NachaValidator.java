package com.wallet.settlement.nacha;

import java.util.ArrayList;
import java.util.List;

/**
 * An independent reading of a NACHA file, written from the record layouts of the NACHA Operating Rules and not from
 * {@link NachaFile}: it recomputes every count, hash and total from the entries and reports each disagreement.
 */
public final class NachaValidator {

    private NachaValidator() {}

    public static List<String> problems(String file) {
        List<String> problems = new ArrayList<>();
        if (!file.endsWith("\n")) {
            problems.add("the file does not end with a line break");
        }
        String[] records = file.split("\n", -1);
        int n = records.length - 1; // after the final line break
        if (n <= 0) {
            return List.of("empty file");
        }
        for (int i = 0; i < n; i++) {
            if (records[i].length() != 94) {
                problems.add("record " + (i + 1) + " is " + records[i].length() + " characters");
            }
        }
        if (!problems.isEmpty()) {
            return problems;
        }
        if (n % 10 != 0) {
            problems.add(n + " records is not a multiple of the blocking factor 10");
        }
        String header = records[0];
        expect(problems, header.charAt(0) == '1', "the first record is not a file header");
        expect(problems, header.substring(1, 3).equals("01"), "priority code is not 01");
        expect(
                problems,
                header.charAt(3) == ' ' && routingValid(header.substring(4, 13)),
                "immediate destination is not a blank and a valid routing number");
        expect(problems, header.substring(34, 37).equals("094"), "record size is not 094");
        expect(problems, header.substring(37, 39).equals("10"), "blocking factor is not 10");
        expect(problems, header.charAt(39) == '1', "format code is not 1");

        int i = 1;
        int batches = 0;
        long fileEntries = 0;
        long fileHash = 0;
        long fileDebit = 0;
        long fileCredit = 0;
        while (i < n && records[i].charAt(0) == '5') {
            String bh = records[i];
            String serviceClass = bh.substring(1, 4);
            String batchNumber = bh.substring(87, 94);
            expect(problems, List.of("200", "220", "225").contains(serviceClass), "service class " + serviceClass);
            String sec = bh.substring(50, 53);
            String description = bh.substring(53, 63);
            expect(
                    problems,
                    Integer.parseInt(batchNumber) == batches + 1,
                    "batch " + batchNumber + " is not numbered after the one before");
            expect(problems, date(bh.substring(69, 75)), "batch " + batchNumber + ": effective entry date");
            // a re-presented debit (R01/R09) goes in a batch described RETRY PYMT, debits only
            boolean retries = description.equals("RETRY PYMT");
            expect(
                    problems,
                    !retries || serviceClass.equals("225"),
                    "batch " + batchNumber + ": RETRY PYMT holds debits only");
            // debits authorized online are WEB; credits to consumers PPD
            expect(
                    problems,
                    serviceClass.equals("225") ? sec.equals("WEB") : sec.equals("PPD"),
                    "batch " + batchNumber + ": SEC code " + sec + " for service class " + serviceClass);
            batches++;
            i++;
            long entries = 0;
            long hash = 0;
            long debit = 0;
            long credit = 0;
            while (i < n && (records[i].charAt(0) == '6' || records[i].charAt(0) == '7')) {
                String r = records[i];
                if (r.charAt(0) == '6') {
                    int code = Integer.parseInt(r.substring(1, 3));
                    expect(problems, routingValid(r.substring(3, 12)), "entry " + (i + 1) + ": RDFI check digit");
                    long amount = Long.parseLong(r.substring(29, 39));
                    boolean isDebit = code == 27 || code == 37;
                    boolean isCredit = code == 22 || code == 32;
                    expect(problems, isDebit || isCredit, "entry " + (i + 1) + ": transaction code " + code);
                    expect(
                            problems,
                            !isDebit || serviceClass.equals("225") || serviceClass.equals("200"),
                            "entry " + (i + 1) + ": a debit in a credits-only batch");
                    expect(
                            problems,
                            !isCredit || serviceClass.equals("220") || serviceClass.equals("200"),
                            "entry " + (i + 1) + ": a credit in a debits-only batch");
                    expect(
                            problems,
                            r.substring(79, 87).equals(bh.substring(79, 87)),
                            "entry " + (i + 1) + ": trace number does not start with the ODFI");
                    expect(
                            problems,
                            !sec.equals("WEB") || List.of("S ", "R ").contains(r.substring(76, 78)),
                            "entry " + (i + 1) + ": a WEB entry needs a payment type code (S or R)");
                    expect(
                            problems,
                            !retries || r.substring(39, 54).matches("[0-9]{15}"),
                            "entry " + (i + 1) + ": a RETRY PYMT entry names the original's trace number");
                    hash += Long.parseLong(r.substring(3, 11));
                    if (isDebit) {
                        debit += amount;
                    } else {
                        credit += amount;
                    }
                }
                entries++;
                i++;
            }
            expect(problems, i < n && records[i].charAt(0) == '8', "batch " + batchNumber + " has no control record");
            if (i >= n) {
                break;
            }
            String bc = records[i];
            expect(problems, bc.substring(1, 4).equals(serviceClass), "batch control service class");
            expect(problems, Long.parseLong(bc.substring(4, 10)) == entries, "batch entry count");
            expect(problems, Long.parseLong(bc.substring(10, 20)) == hash % 10_000_000_000L, "batch entry hash");
            expect(problems, Long.parseLong(bc.substring(20, 32)) == debit, "batch debit total");
            expect(problems, Long.parseLong(bc.substring(32, 44)) == credit, "batch credit total");
            expect(problems, bc.substring(87, 94).equals(batchNumber), "batch control batch number");
            fileEntries += entries;
            fileHash += hash;
            fileDebit += debit;
            fileCredit += credit;
            i++;
        }
        expect(problems, i < n && records[i].charAt(0) == '9', "no file control after the batches");
        if (i >= n) {
            return problems;
        }
        String fc = records[i];
        expect(problems, Long.parseLong(fc.substring(1, 7)) == batches, "file batch count");
        expect(problems, Long.parseLong(fc.substring(7, 13)) == n / 10, "file block count");
        expect(problems, Long.parseLong(fc.substring(13, 21)) == fileEntries, "file entry count");
        expect(problems, Long.parseLong(fc.substring(21, 31)) == fileHash % 10_000_000_000L, "file entry hash");
        expect(problems, Long.parseLong(fc.substring(31, 43)) == fileDebit, "file debit total");
        expect(problems, Long.parseLong(fc.substring(43, 55)) == fileCredit, "file credit total");
        for (int p = i + 1; p < n; p++) {
            expect(problems, records[p].equals("9".repeat(94)), "record " + (p + 1) + " is not 9-filled padding");
        }
        return problems;
    }

    private static boolean date(String yymmdd) {
        try {
            java.time.LocalDate.parse("20" + yymmdd, java.time.format.DateTimeFormatter.BASIC_ISO_DATE);
            return true;
        } catch (java.time.format.DateTimeParseException e) {
            return false;
        }
    }

    static boolean routingValid(String routing) {
        if (!routing.matches("[0-9]{9}")) {
            return false;
        }
        int[] w = {3, 7, 1, 3, 7, 1, 3, 7, 1};
        int sum = 0;
        for (int k = 0; k < 9; k++) {
            sum += w[k] * (routing.charAt(k) - '0');
        }
        return sum % 10 == 0;
    }

    private static void expect(List<String> problems, boolean ok, String what) {
        if (!ok) {
            problems.add(what);
        }
    }
}

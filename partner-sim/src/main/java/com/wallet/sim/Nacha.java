package com.wallet.sim;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/** Just enough NACHA reading for a processor: record lengths, file header and control, and the entry details. */
final class Nacha {

    private Nacha() {}

    static List<AchProcessor.Entry> entries(String file) {
        String[] lines = file.replace("\r", "").split("\n");
        if (lines.length < 2 || !lines[0].startsWith("1")) {
            throw new AchProcessor.InvalidFile("a NACHA file starts with a file header record (type 1)");
        }
        boolean control = false;
        List<AchProcessor.Entry> entries = new ArrayList<>();
        String effective = null;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (line.isEmpty() && i == lines.length - 1) {
                continue;
            }
            if (line.length() != 94) {
                throw new AchProcessor.InvalidFile(
                        "record " + (i + 1) + " has " + line.length() + " characters, not 94");
            }
            if (line.charAt(0) == '9' && !line.startsWith("9999999999")) {
                control = true;
            }
            if (line.charAt(0) == '5') {
                effective = line.substring(69, 75);
            }
            if (line.charAt(0) == '6') {
                try {
                    entries.add(new AchProcessor.Entry(
                            line.substring(79, 94),
                            Integer.parseInt(line.substring(1, 3)),
                            line.substring(3, 12),
                            line.substring(12, 29).trim(),
                            Long.parseLong(line.substring(29, 39)),
                            effectiveDate(effective, i)));
                } catch (NumberFormatException e) {
                    throw new AchProcessor.InvalidFile("entry record " + (i + 1) + " has a malformed number");
                }
            }
        }
        if (!control) {
            throw new AchProcessor.InvalidFile("a NACHA file ends with a file control record (type 9)");
        }
        return entries;
    }

    /** A batch header's effective entry date (YYMMDD). */
    private static LocalDate effectiveDate(String yymmdd, int record) {
        if (yymmdd == null) {
            throw new AchProcessor.InvalidFile("entry record " + (record + 1) + " is in no batch");
        }
        try {
            return LocalDate.parse("20" + yymmdd, DateTimeFormatter.BASIC_ISO_DATE);
        } catch (DateTimeParseException e) {
            throw new AchProcessor.InvalidFile(
                    "the batch of entry record " + (record + 1) + " has no valid effective entry date");
        }
    }
}

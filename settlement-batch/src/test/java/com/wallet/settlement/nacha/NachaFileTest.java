package com.wallet.settlement.nacha;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class NachaFileTest {

    static final NachaFile.Originator US = new NachaFile.Originator(
            "091000019", "WELLS FARGO", "1234567890", "WALLET INC", "WALLET INC", "1234567890", "09100001");

    private static String file(List<NachaFile.Entry> entries) {
        return NachaFile.write(US, LocalDateTime.of(2026, 11, 24, 17, 5), 'A', entries);
    }

    private static final LocalDate NEXT_DAY = LocalDate.of(2026, 11, 25);

    private static NachaFile.Entry entry(int code, String routing, long cents, int seq) {
        return entry(code, routing, cents, seq, NEXT_DAY, null);
    }

    private static NachaFile.Entry entry(
            int code, String routing, long cents, int seq, LocalDate effective, String retryOf) {
        return new NachaFile.Entry(
                code,
                routing,
                "000123456789",
                cents,
                retryOf != null ? retryOf : "ID" + seq,
                "Alice Example",
                "09100001" + String.format("%07d", seq),
                effective,
                retryOf != null);
    }

    @Test
    void entriesAreBatchedByDirectionKindAndEffectiveDate() {
        LocalDate sameDay = LocalDate.of(2026, 11, 24);
        String original = "091000010000042";
        String nacha = file(List.of(
                entry(27, "021000021", 500, 1, sameDay, null),
                entry(37, "021000021", 700, 2, NEXT_DAY, null),
                entry(27, "011000015", 900, 3, NEXT_DAY, original),
                entry(32, "011000015", 300, 4, sameDay, null),
                entry(27, "011000015", 100, 5, sameDay, null)));

        assertThat(NachaValidator.problems(nacha)).isEmpty();
        List<String> headers = nacha.lines().filter(l -> l.startsWith("5")).toList();
        assertThat(headers)
                .extracting(h -> h.substring(1, 4) + " " + h.substring(53, 63).trim() + " " + h.substring(69, 75))
                .containsExactly(
                        "225 FUNDING 261124", "225 FUNDING 261125", "225 RETRY PYMT 261125", "220 CASHOUT 261124");
        String retry = nacha.lines()
                .filter(l -> l.startsWith("6") && l.endsWith("091000010000003"))
                .findFirst()
                .orElseThrow();
        assertThat(retry.substring(39, 54)).as("names the original entry").isEqualTo(original);
        assertThat(nacha).contains("\n637").contains("\n632");
        assertThatThrownBy(() -> entry(22, "021000021", 100, 6, NEXT_DAY, original))
                .hasMessageContaining("only debits");

        String retryAsCredit = nacha.replace("\n5225WALLET INC", "\n5220WALLET INC");
        assertThat(NachaValidator.problems(retryAsCredit)).isNotEmpty();
        String retryWithoutReference = nacha.replace(original, "ID3            ");
        assertThat(NachaValidator.problems(retryWithoutReference)).anyMatch(p -> p.contains("RETRY PYMT"));
    }

    @Test
    void aFileWithDebitsAndCreditsPassesTheIndependentValidation() {
        List<NachaFile.Entry> entries = new ArrayList<>();
        for (int i = 1; i <= 13; i++) {
            entries.add(entry(i % 3 == 0 ? 22 : 27, i % 2 == 0 ? "021000021" : "011000015", 100L * i + 7, i));
        }
        String nacha = file(entries);

        assertThat(NachaValidator.problems(nacha)).isEmpty();
        String[] records = nacha.split("\n");
        assertThat(records.length % 10).isZero();
        assertThat(records).allSatisfy(r -> assertThat(r).hasSize(94));
        assertThat(records[1]).startsWith("5225");
        assertThat(nacha).contains("\n5220");
        assertThat(records[records.length - 1]).isEqualTo("9".repeat(94));
    }

    @Test
    void theValidatorCatchesAWrongHashTotalOrPadding() {
        String nacha = file(List.of(entry(27, "021000021", 500, 1), entry(22, "011000015", 250, 2)));
        assertThat(NachaValidator.problems(nacha)).isEmpty();

        String badAmount = nacha.replaceFirst("(\n627.{26})0000000500", "$10000000501"); // the entry only
        assertThat(NachaValidator.problems(badAmount)).contains("batch debit total", "file debit total");
        String badHash = nacha.replaceFirst("\n8225000001(\\d{10})", "\n82250000010000000001");
        assertThat(NachaValidator.problems(badHash)).contains("batch entry hash");
        String shortPadding = nacha.substring(0, nacha.length() - 95);
        assertThat(NachaValidator.problems(shortPadding)).anyMatch(p -> p.contains("blocking factor"));
    }

    /**
     * A batch's control counts its entries in 6 digits: a longer run of one batch's entries goes on in a new batch with
     * the same header but its number (made small here: 3 for NACHA's 999,999). Origination's file of 1,000,000 debits
     * for one date failed on it ("1000000 does not fit 6 digits") before.
     */
    @Test
    void aBatchOfMoreEntriesThanItsControlCountsGoesOnInAnother() {
        StringBuilder out = new StringBuilder();
        var writer = new NachaFile.Writer(out, US, LocalDateTime.of(2026, 11, 24, 17, 5), 'A', 3);
        for (int i = 1; i <= 7; i++) {
            writer.add(entry(27, i % 2 == 0 ? "021000021" : "011000015", 100L * i, i));
        }
        writer.add(entry(22, "021000021", 50, 8));
        writer.add(entry(22, "021000021", 60, 9));
        writer.finish();
        String nacha = out.toString();

        assertThat(NachaValidator.problems(nacha)).isEmpty();
        List<String> headers = nacha.lines().filter(l -> l.startsWith("5")).toList();
        assertThat(headers)
                .extracting(h -> h.substring(0, 87))
                .containsExactly(
                        headers.get(0).substring(0, 87),
                        headers.get(0).substring(0, 87),
                        headers.get(0).substring(0, 87),
                        headers.get(3).substring(0, 87));
        assertThat(headers)
                .extracting(h -> h.substring(87))
                .containsExactly("0000001", "0000002", "0000003", "0000004");
        assertThat(nacha.lines().filter(l -> l.startsWith("8")))
                .extracting(c -> c.substring(0, 10))
                .containsExactly("8225000003", "8225000003", "8225000001", "8220000002");
        String control =
                nacha.lines().filter(l -> l.startsWith("9")).findFirst().orElseThrow();
        assertThat(control.substring(1, 7)).as("batches").isEqualTo("000004");
        assertThat(control.substring(13, 21)).as("entries").isEqualTo("00000009");
        assertThat(control.substring(31, 43)).as("debits").isEqualTo("000000002800");
        assertThat(control.substring(43, 55)).as("credits").isEqualTo("000000000110");
    }

    /** Entries come in batch order (origination's SQL sorts them): one of a batch already closed is refused. */
    @Test
    void anEntryOfAnEarlierBatchIsRefused() {
        var writer = new NachaFile.Writer(new StringBuilder(), US, LocalDateTime.of(2026, 11, 24, 17, 5), 'A');
        writer.add(entry(27, "021000021", 100, 1, NEXT_DAY, null));
        writer.add(entry(22, "021000021", 100, 2));
        assertThatThrownBy(() -> writer.add(entry(27, "021000021", 100, 3)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("earlier batch");
    }

    /** A file's debits (and its credits) fit the 12 digits of its control record: the entry past them is refused. */
    @Test
    void anEntryThatWouldTakeTheFilesDebitsPastTwelveDigitsIsRefused() {
        var writer = new NachaFile.Writer(new StringBuilder(), US, LocalDateTime.of(2026, 11, 24, 17, 5), 'A');
        long most = 99_999_999_99L; // an entry's most: 10 digits
        for (int i = 1; i <= 100; i++) {
            writer.add(entry(27, "021000021", most, i));
        }
        writer.add(entry(27, "021000021", 99, 101)); // the debits now at 12 nines
        assertThatThrownBy(() -> writer.add(entry(27, "021000021", 1, 102)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("add up to at most 999999999999 cents");
    }

    @Test
    void anEntryHashKeepsOnlyItsLastTenDigits() {
        assertThat(NachaFile.entryHash(123_456_789_012L)).isEqualTo(3_456_789_012L);
        assertThat(NachaFile.numeric(42, 6)).isEqualTo("000042");
        assertThat(NachaFile.alpha("Zoë & co", 10)).isEqualTo("ZO  & CO  ");
        assertThatThrownBy(() -> NachaFile.numeric(1_000_000, 6)).hasMessageContaining("does not fit");
        assertThatThrownBy(() -> entry(27, "021000021", 0, 1)).hasMessageContaining("1 to 9,999,999,999");
        assertThatThrownBy(() -> entry(27, "02100002", 100, 1)).hasMessageContaining("RDFI routing number");
        assertThatThrownBy(() -> entry(27, "02100002x", 100, 1)).hasMessageContaining("RDFI routing number");
        assertThatThrownBy(() -> new NachaFile.Entry(
                        27, "021000021", "12345678901234567x", 100, "ID", "A", "091000010000001", NEXT_DAY, false))
                .hasMessageContaining("1-17 digits");
        assertThatThrownBy(() -> new NachaFile.Entry(
                        27, "021000021", "123456789012345678", 100, "ID", "A", "091000010000001", NEXT_DAY, false))
                .hasMessageContaining("1-17 digits");
        assertThatThrownBy(() ->
                        new NachaFile.Entry(27, "021000021", "", 100, "ID", "A", "091000010000001", NEXT_DAY, false))
                .hasMessageContaining("1-17 digits");
        assertThat(new NachaFile.Entry(
                                27,
                                "021000021",
                                "12345678901234567",
                                100,
                                "ID",
                                "A",
                                "091000010000001",
                                NEXT_DAY,
                                false)
                        .accountNumber())
                .hasSize(17);
    }
}

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
        return NachaFile.write(US, LocalDateTime.of(2026, 11, 24, 17, 5), 'A', LocalDate.of(2026, 11, 25), entries);
    }

    private static NachaFile.Entry entry(int code, String routing, long cents, int seq) {
        return new NachaFile.Entry(
                code,
                routing,
                "000123456789",
                cents,
                "ID" + seq,
                "Alice Example",
                "09100001" + String.format("%07d", seq));
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

    @Test
    void anEntryHashKeepsOnlyItsLastTenDigits() {
        assertThat(NachaFile.entryHash(123_456_789_012L)).isEqualTo(3_456_789_012L);
        assertThat(NachaFile.numeric(42, 6)).isEqualTo("000042");
        assertThat(NachaFile.alpha("Zoë & co", 10)).isEqualTo("ZO  & CO  ");
        assertThatThrownBy(() -> NachaFile.numeric(1_000_000, 6)).hasMessageContaining("does not fit");
        assertThatThrownBy(() -> entry(27, "021000021", 0, 1)).hasMessageContaining("1 to 9,999,999,999");
    }
}

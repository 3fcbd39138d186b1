package com.wallet.api.feed;

import static org.assertj.core.api.Assertions.assertThat;

import com.wallet.api.feed.FeedStore.FeedRow;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class FeedOrderTest {

    /** Cassandra's comparison of two non-time uuids: their 16 bytes, one by one, unsigned. */
    private static int bytewise(UUID a, UUID b) {
        byte[] x = ByteBuffer.allocate(16)
                .putLong(a.getMostSignificantBits())
                .putLong(a.getLeastSignificantBits())
                .array();
        byte[] y = ByteBuffer.allocate(16)
                .putLong(b.getMostSignificantBits())
                .putLong(b.getLeastSignificantBits())
                .array();
        for (int i = 0; i < 16; i++) {
            int c = (x[i] & 0xFF) - (y[i] & 0xFF);
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    @Test
    void randomIdsCompareAsTheirBytesDo() {
        Random random = new Random(1);
        for (int i = 0; i < 10_000; i++) {
            UUID a = new UUID(random.nextLong() & ~0xF000L | 0x4000L, random.nextLong());
            UUID b = new UUID(random.nextLong() & ~0xF000L | 0x4000L, random.nextLong());
            assertThat(Integer.signum(FeedService.compareAsCassandra(a, b))).isEqualTo(Integer.signum(bytewise(a, b)));
        }
    }

    @Test
    void anIdWithItsTopBitSetSortsAfterOneWithout() {
        UUID high = UUID.fromString("f0000000-0000-4000-8000-000000000000");
        UUID low = UUID.fromString("70000000-0000-4000-8000-000000000000");
        assertThat(high.compareTo(low)).isNegative(); // java.util.UUID: signed halves
        assertThat(FeedService.compareAsCassandra(high, low)).isPositive();
    }

    @Test
    void timeBasedIdsCompareByTheirTimestamp() {
        // version 1: time_low | time_mid | version + time_hi; the earlier one has the larger first bytes
        UUID earlier = new UUID(0xFFFFFFFF_0001_1000L, 0x8000000000000000L);
        UUID later = new UUID(0x00000000_0002_1000L, 0x8000000000000000L);
        assertThat(earlier.timestamp()).isLessThan(later.timestamp());
        assertThat(FeedService.compareAsCassandra(earlier, later)).isNegative();
    }

    @Test
    void newestFirstThenTheLargerIdAsCassandraOrdersIt() {
        Instant t = Instant.parse("2026-11-25T10:00:00Z");
        UUID high = UUID.fromString("f0000000-0000-4000-8000-000000000000");
        UUID low = UUID.fromString("70000000-0000-4000-8000-000000000000");
        UUID older = UUID.randomUUID();
        List<FeedRow> rows = new ArrayList<>(List.of(row(low, t), row(older, t.minusMillis(1)), row(high, t)));
        rows.sort(FeedService.NEWEST_FIRST);
        assertThat(rows).extracting(FeedRow::transferId).containsExactly(high, low, older);
    }

    private static FeedRow row(UUID id, Instant createdAt) {
        return new FeedRow(id, createdAt, UUID.randomUUID(), "a", UUID.randomUUID(), "b", "note", "friends", null);
    }
}

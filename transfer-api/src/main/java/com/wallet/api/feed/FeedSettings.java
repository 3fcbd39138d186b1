package com.wallet.api.feed;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Where the feed tables are and how to read them. {@code highDegreeThreshold} must equal fanout-streams': friends of
 * the reader with more friends than this have their items on their own timeline, merged in at read time.
 *
 * @param contactPoint host:port of a Cassandra node
 * @param publicLookbackHours how far back the public feed walks its hourly partitions
 * @param consistency the consistency level of feed reads: {@code LOCAL_QUORUM}, with the fan-out writing at
 *     {@code LOCAL_QUORUM} too, sees every item and deletion acknowledged before the read, with one replica of three
 *     down ({@code LOCAL_ONE} could serve a payment made private a moment ago)
 * @param hideUnfriended whether unfriending hides the other's friends-only payments already in one's feed (going
 *     backward as well as forward); new ones never reach an ex-friend either way
 */
@Validated
@ConfigurationProperties("wallet.feed")
public record FeedSettings(
        @NotBlank String contactPoint,
        @NotBlank String datacenter,
        @NotBlank String keyspace,
        @Min(1) int highDegreeThreshold,
        @Min(1) int publicLookbackHours,

        @org.springframework.boot.context.properties.bind.DefaultValue("true")
        boolean hideUnfriended,

        @org.springframework.boot.context.properties.bind.DefaultValue("LOCAL_QUORUM")
        @jakarta.validation.constraints.Pattern(
                regexp = "ONE|TWO|THREE|QUORUM|ALL|LOCAL_ONE|LOCAL_QUORUM|EACH_QUORUM",
                message = "must be a Cassandra consistency level for reads (LOCAL_QUORUM, LOCAL_ONE, QUORUM, ...)")
        String consistency) {}

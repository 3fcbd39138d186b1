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
        boolean hideUnfriended) {}

package com.wallet.fanout;

import java.util.Objects;

/**
 * The topics of the fan-out, derived from the change-topic prefix, and the degree above which a user's items are not
 * fanned out to each friend but kept on their own timeline (merged at read time).
 */
public record FanoutSettings(String prefix, int highDegreeThreshold) {

    public FanoutSettings {
        Objects.requireNonNull(prefix, "prefix");
        if (highDegreeThreshold < 1) {
            throw new IllegalArgumentException(
                    "the high-degree threshold must be at least 1, was " + highDegreeThreshold);
        }
    }

    public String friendshipsTopic() {
        return prefix + ".public.friendships";
    }

    public String transfersTopic() {
        return prefix + ".public.transfers";
    }

    public String usersTopic() {
        return prefix + ".public.users";
    }

    /** Each user's current friends, keyed by user id (compacted; internal to the fan-out). */
    public String friendGraphTopic() {
        return prefix + ".fanout.friend-graph";
    }

    /** Each user's username, keyed by user id (compacted; internal to the fan-out). */
    public String usernamesTopic() {
        return prefix + ".fanout.usernames";
    }

    /** Curated: one record per feed item, keyed by the reader (or author, or transfer for the public feed). */
    public String feedItemsTopic() {
        return prefix + ".feed-items.v1";
    }

    /** Curated: completed transfers without funding details, keyed by transfer id. */
    public String transfersV1Topic() {
        return prefix + ".transfers.v1";
    }

    /** Records that could not be read, with the error in headers. */
    public String deadLetterTopic() {
        return prefix + ".fanout.dlq";
    }
}

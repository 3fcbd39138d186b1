package com.wallet.fanout;

import java.time.Duration;
import java.util.Objects;

/**
 * The topics of the fan-out, derived from the change-topic prefix, and the degree above which a user's items are not
 * fanned out to each friend but kept on their own timeline (merged at read time), and how long replayed change
 * events are recognised, and whether unfriending removes the other's friends-only items already in each feed.
 */
public record FanoutSettings(String prefix, int highDegreeThreshold, Duration replayWindow, boolean removeOnUnfriend) {

    /**
     * How long a transfer's id is remembered to drop a replayed change event: the connector replays at most what it
     * published since its last offset commit (seconds), so an hour is ample.
     */
    public static final Duration DEFAULT_REPLAY_WINDOW = Duration.ofHours(1);

    public FanoutSettings(String prefix, int highDegreeThreshold) {
        this(prefix, highDegreeThreshold, DEFAULT_REPLAY_WINDOW);
    }

    /** Unfriending removes the other's friends-only items from each feed (the default). */
    public FanoutSettings(String prefix, int highDegreeThreshold, Duration replayWindow) {
        this(prefix, highDegreeThreshold, replayWindow, true);
    }

    public FanoutSettings {
        Objects.requireNonNull(prefix, "prefix");
        if (replayWindow == null || replayWindow.isNegative() || replayWindow.isZero()) {
            throw new IllegalArgumentException("the replay window must be positive, was " + replayWindow);
        }
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

    /** The friend graph, one record per directed edge {@code "user|friend"} (compacted; internal to the fan-out). */
    public String friendEdgesTopic() {
        return prefix + ".fanout.friend-edges";
    }

    /**
     * Before the edges: each user's whole friend set as one record (compacted). Read once to seed the edges when a
     * fan-out that used it is upgraded; never written any more.
     */
    public String friendGraphTopic() {
        return prefix + ".fanout.friend-graph";
    }

    /** Each user's username, keyed by user id (compacted; internal to the fan-out). */
    public String usernamesTopic() {
        return prefix + ".fanout.usernames";
    }

    /** Each user's avatar URL, keyed by user id, a tombstone when removed (compacted; internal to the fan-out). */
    public String avatarsTopic() {
        return prefix + ".fanout.avatars";
    }

    /** The closed accounts, keyed by user id (compacted; internal to the fan-out): feeds it writes no more. */
    public String closedAccountsTopic() {
        return prefix + ".fanout.closed-accounts";
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

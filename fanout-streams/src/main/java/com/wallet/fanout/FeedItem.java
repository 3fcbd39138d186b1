package com.wallet.fanout;

import java.util.UUID;

/**
 * One entry of a feed, as written to the feed-items topic and the feed tables. {@code kind}: {@code reader} (an item
 * in {@code target}'s feed), {@code author} (an item on high-degree {@code target}'s own timeline, merged into their
 * friends' feeds at read time) or {@code public} (the public feed; no target). {@code amountCents} is set only in the
 * two parties' own items. The parties' avatars are as they were when the item was made. {@code retracted}: true when the item is taken back (its payment was made more private):
 * delete what was written for it; null otherwise.
 */
public record FeedItem(
        int version,
        String kind,
        UUID target,
        UUID transferId,
        String createdAt,
        UUID senderId,
        String senderUsername,
        UUID receiverId,
        String receiverUsername,
        String senderAvatarUrl,
        String receiverAvatarUrl,
        String note,
        String visibility,
        Long amountCents,
        Boolean retracted) {

    public static final int VERSION = 1;

    /** The same item, taken back. */
    public FeedItem retraction() {
        return new FeedItem(
                version,
                kind,
                target,
                transferId,
                createdAt,
                senderId,
                senderUsername,
                receiverId,
                receiverUsername,
                senderAvatarUrl,
                receiverAvatarUrl,
                note,
                visibility,
                null,
                true);
    }

    /** Which row of which table the item is: its kind and target. */
    String slot() {
        return kind + "|" + target;
    }

    /** The record key on the feed-items topic: the target, or the transfer for a public item. */
    public String key() {
        return (target != null ? target : transferId).toString();
    }
}

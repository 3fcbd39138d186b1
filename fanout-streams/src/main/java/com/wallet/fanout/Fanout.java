package com.wallet.fanout;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** Who sees a completed transfer: a pure function of the transfer, the parties' friends and the degree threshold. */
public final class Fanout {

    /** A completed transfer with what the fan-out needs to know about its parties. */
    public record Transfer(
            UUID id,
            UUID senderId,
            UUID receiverId,
            long amountCents,
            String note,
            String visibility,
            String createdAt,
            Set<UUID> senderFriends,
            Set<UUID> receiverFriends,
            String senderUsername,
            String receiverUsername,
            UUID refundOf,
            String senderAvatarUrl,
            String receiverAvatarUrl) {

        Transfer withSenderFriends(Set<UUID> friends) {
            return copy(
                    visibility,
                    friends,
                    receiverFriends,
                    senderUsername,
                    receiverUsername,
                    senderAvatarUrl,
                    receiverAvatarUrl);
        }

        Transfer withReceiverFriends(Set<UUID> friends) {
            return copy(
                    visibility,
                    senderFriends,
                    friends,
                    senderUsername,
                    receiverUsername,
                    senderAvatarUrl,
                    receiverAvatarUrl);
        }

        Transfer withSenderUsername(String username) {
            return copy(
                    visibility,
                    senderFriends,
                    receiverFriends,
                    username,
                    receiverUsername,
                    senderAvatarUrl,
                    receiverAvatarUrl);
        }

        Transfer withReceiverUsername(String username) {
            return copy(
                    visibility,
                    senderFriends,
                    receiverFriends,
                    senderUsername,
                    username,
                    senderAvatarUrl,
                    receiverAvatarUrl);
        }

        Transfer withSenderAvatar(String url) {
            return copy(
                    visibility,
                    senderFriends,
                    receiverFriends,
                    senderUsername,
                    receiverUsername,
                    url,
                    receiverAvatarUrl);
        }

        Transfer withReceiverAvatar(String url) {
            return copy(
                    visibility, senderFriends, receiverFriends, senderUsername, receiverUsername, senderAvatarUrl, url);
        }

        Transfer withVisibility(String other) {
            return copy(
                    other,
                    senderFriends,
                    receiverFriends,
                    senderUsername,
                    receiverUsername,
                    senderAvatarUrl,
                    receiverAvatarUrl);
        }

        /** The same transfer with what the fan-out learns about it (its parties) or changes (its visibility). */
        private Transfer copy(
                String visibility,
                Set<UUID> senderFriends,
                Set<UUID> receiverFriends,
                String senderUsername,
                String receiverUsername,
                String senderAvatarUrl,
                String receiverAvatarUrl) {
            return new Transfer(
                    id,
                    senderId,
                    receiverId,
                    amountCents,
                    note,
                    visibility,
                    createdAt,
                    senderFriends,
                    receiverFriends,
                    senderUsername,
                    receiverUsername,
                    refundOf,
                    senderAvatarUrl,
                    receiverAvatarUrl);
        }
    }

    private Fanout() {}

    /**
     * private: the two parties. friends: the parties, and the friends of either (each reader once), except that a
     * party with more friends than the threshold gets one author item instead of an item per friend. public: as
     * friends, plus one public item. Only the parties' items carry the amount.
     */
    public static List<FeedItem> items(Transfer t, int highDegreeThreshold) {
        List<FeedItem> items = new ArrayList<>();
        items.add(item(t, "reader", t.senderId(), t.amountCents()));
        items.add(item(t, "reader", t.receiverId(), t.amountCents()));
        if ("private".equals(t.visibility())) {
            return items;
        }
        Set<UUID> readers = new LinkedHashSet<>();
        for (var party : List.of(
                new Object[] {t.senderId(), t.senderFriends()}, new Object[] {t.receiverId(), t.receiverFriends()})) {
            UUID id = (UUID) party[0];
            @SuppressWarnings("unchecked")
            Set<UUID> friends = (Set<UUID>) party[1];
            if (friends.size() > highDegreeThreshold) {
                items.add(item(t, "author", id, null));
            } else {
                readers.addAll(friends);
            }
        }
        readers.remove(t.senderId());
        readers.remove(t.receiverId());
        for (UUID reader : readers) {
            items.add(item(t, "reader", reader, null));
        }
        if ("public".equals(t.visibility())) {
            items.add(item(t, "public", null, null));
        }
        return items;
    }

    private static FeedItem item(Transfer t, String kind, UUID target, Long amount) {
        return new FeedItem(
                FeedItem.VERSION,
                kind,
                target,
                t.id(),
                t.createdAt(),
                t.senderId(),
                t.senderUsername(),
                t.receiverId(),
                t.receiverUsername(),
                t.senderAvatarUrl(),
                t.receiverAvatarUrl(),
                t.note(),
                t.visibility(),
                amount,
                null);
    }

    /**
     * The feed items of a payment whose visibility changed to {@code t.visibility()}: each item it has now (written
     * again: new rows for a wider audience, the new visibility on the rows that stay), and a retraction of each item
     * it would have had at its widest (public) that it no longer has. (A change event carries no earlier visibility;
     * retracting what was never written is harmless.)
     */
    public static List<FeedItem> changedItems(Transfer t, int highDegreeThreshold) {
        List<FeedItem> now = items(t, highDegreeThreshold);
        Set<String> kept = new java.util.HashSet<>();
        now.forEach(i -> kept.add(i.slot()));
        List<FeedItem> out = new ArrayList<>();
        for (FeedItem widest : items(t.withVisibility("public"), highDegreeThreshold)) {
            if (!kept.contains(widest.slot())) {
                out.add(widest.retraction());
            }
        }
        out.addAll(now);
        return out;
    }
}

package com.wallet.api.transfer;

import com.wallet.api.audit.AuditLog;
import com.wallet.api.domain.Visibility;
import com.wallet.api.web.DomainException;
import com.wallet.api.web.Problem;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Privacy that can be taken back: either party may make a payment more private (public → friends → private); only
 * the sender may make it more visible. The feed reads apply the current visibility (and the current friendships) to
 * every item they serve, so a narrowed payment is gone from every feed at once (README "Feed"). A payment's refunds
 * follow its visibility: changing either changes all of them, by the rule of the payment's sender.
 */
@Service
public class TransferVisibility {

    private final JdbcClient jdbc;
    private final AuditLog audit;
    private final TransferService transfers;

    TransferVisibility(JdbcClient jdbc, AuditLog audit, TransferService transfers) {
        this.jdbc = jdbc;
        this.audit = audit;
        this.transfers = transfers;
    }

    private record Row(UUID id, UUID senderId, UUID receiverId, Visibility visibility) {}

    /** How far a visibility shows a payment: private 0, friends 1, public 2. */
    private static int reach(Visibility v) {
        switch (v) {
            case PRIVATE -> {
                return 0;
            }
            case FRIENDS -> {
                return 1;
            }
            default -> {
                return 2;
            }
        }
    }

    @Transactional
    public TransferView change(UUID caller, UUID transferId, Visibility wanted) {
        // a payment and its refunds share one visibility: the payment's row decides, locked, for all of them
        Row row = jdbc.sql("SELECT p.id, p.sender_id, p.receiver_id, p.visibility FROM transfers t"
                        + " JOIN transfers p ON p.id = coalesce(t.refund_of, t.id) WHERE t.id = ? FOR UPDATE OF p")
                .param(transferId)
                .query((rs, n) -> new Row(
                        rs.getObject(1, UUID.class),
                        rs.getObject(2, UUID.class),
                        rs.getObject(3, UUID.class),
                        Visibility.of(rs.getString(4))))
                .optional()
                .filter(r -> r.senderId().equals(caller) || r.receiverId().equals(caller))
                .orElseThrow(() -> new DomainException(
                        Problem.NOT_FOUND, "no transfer " + transferId, Map.of("transfer_id", transferId)));
        if (reach(wanted) > reach(row.visibility()) && !row.senderId().equals(caller)) {
            throw new DomainException(
                    Problem.FORBIDDEN,
                    "only the sender can make a payment more visible; either party can make it more private",
                    Map.of(
                            "transfer_id",
                            transferId,
                            "visibility",
                            row.visibility().wire()));
        }
        if (wanted != row.visibility()) {
            jdbc.sql("UPDATE transfers SET visibility = ? WHERE id = ? OR refund_of = ?")
                    .params(wanted.wire(), row.id(), row.id())
                    .update();
            audit.record(
                    caller,
                    "transfer.visibility_changed",
                    "transfer",
                    transferId,
                    Map.of("from", row.visibility().wire(), "to", wanted.wire()));
        }
        return transfers.get(caller, transferId);
    }
}

// drivers/infiniband/sw/rxe/rxe_opcode.c (rxe_opcode[]); the in-message order of opcodes as
// drivers/infiniband/sw/rxe/rxe_resp.c (check_op_seq) and rxe_comp.c (check_ack) enforce it
package org.ibmodel.sim.wire;

import static org.ibmodel.sim.wire.Opcode.RC_RDMA_READ_RESPONSE_FIRST;
import static org.ibmodel.sim.wire.Opcode.RC_RDMA_READ_RESPONSE_LAST;
import static org.ibmodel.sim.wire.Opcode.RC_RDMA_READ_RESPONSE_MIDDLE;
import static org.ibmodel.sim.wire.Opcode.RC_RDMA_WRITE_FIRST;
import static org.ibmodel.sim.wire.Opcode.RC_RDMA_WRITE_LAST;
import static org.ibmodel.sim.wire.Opcode.RC_RDMA_WRITE_LAST_WITH_IMMEDIATE;
import static org.ibmodel.sim.wire.Opcode.RC_RDMA_WRITE_MIDDLE;
import static org.ibmodel.sim.wire.Opcode.RC_SEND_FIRST;
import static org.ibmodel.sim.wire.Opcode.RC_SEND_LAST;
import static org.ibmodel.sim.wire.Opcode.RC_SEND_LAST_WITH_IMMEDIATE;
import static org.ibmodel.sim.wire.Opcode.RC_SEND_LAST_WITH_INVALIDATE;
import static org.ibmodel.sim.wire.Opcode.RC_SEND_MIDDLE;
import static org.ibmodel.sim.wire.Opcode.UC_RDMA_WRITE_FIRST;
import static org.ibmodel.sim.wire.Opcode.UC_RDMA_WRITE_LAST;
import static org.ibmodel.sim.wire.Opcode.UC_RDMA_WRITE_LAST_WITH_IMMEDIATE;
import static org.ibmodel.sim.wire.Opcode.UC_RDMA_WRITE_MIDDLE;
import static org.ibmodel.sim.wire.Opcode.UC_SEND_FIRST;
import static org.ibmodel.sim.wire.Opcode.UC_SEND_LAST;
import static org.ibmodel.sim.wire.Opcode.UC_SEND_LAST_WITH_IMMEDIATE;
import static org.ibmodel.sim.wire.Opcode.UC_SEND_MIDDLE;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Lookup of {@link Opcode} rows by their 8-bit value, and the table of which packet may follow
 * which inside one multi-packet message.
 */
public final class OpcodeTable {

    // A message that has started and not ended continues only with one of these. After an END
    // packet (or at the start of a stream) the next packet must be a START packet.
    //   previous packet               may be followed by
    private static final Opcode[][] SUCCESSORS = {
        {RC_SEND_FIRST,                RC_SEND_MIDDLE, RC_SEND_LAST, RC_SEND_LAST_WITH_IMMEDIATE, RC_SEND_LAST_WITH_INVALIDATE},
        {RC_SEND_MIDDLE,               RC_SEND_MIDDLE, RC_SEND_LAST, RC_SEND_LAST_WITH_IMMEDIATE, RC_SEND_LAST_WITH_INVALIDATE},
        {RC_RDMA_WRITE_FIRST,          RC_RDMA_WRITE_MIDDLE, RC_RDMA_WRITE_LAST, RC_RDMA_WRITE_LAST_WITH_IMMEDIATE},
        {RC_RDMA_WRITE_MIDDLE,         RC_RDMA_WRITE_MIDDLE, RC_RDMA_WRITE_LAST, RC_RDMA_WRITE_LAST_WITH_IMMEDIATE},
        {RC_RDMA_READ_RESPONSE_FIRST,  RC_RDMA_READ_RESPONSE_MIDDLE, RC_RDMA_READ_RESPONSE_LAST},
        {RC_RDMA_READ_RESPONSE_MIDDLE, RC_RDMA_READ_RESPONSE_MIDDLE, RC_RDMA_READ_RESPONSE_LAST},
        {UC_SEND_FIRST,                UC_SEND_MIDDLE, UC_SEND_LAST, UC_SEND_LAST_WITH_IMMEDIATE},
        {UC_SEND_MIDDLE,               UC_SEND_MIDDLE, UC_SEND_LAST, UC_SEND_LAST_WITH_IMMEDIATE},
        {UC_RDMA_WRITE_FIRST,          UC_RDMA_WRITE_MIDDLE, UC_RDMA_WRITE_LAST, UC_RDMA_WRITE_LAST_WITH_IMMEDIATE},
        {UC_RDMA_WRITE_MIDDLE,         UC_RDMA_WRITE_MIDDLE, UC_RDMA_WRITE_LAST, UC_RDMA_WRITE_LAST_WITH_IMMEDIATE},
    };

    private static final Opcode[] BY_VALUE = new Opcode[256];
    private static final Map<Opcode, Set<Opcode>> NEXT = new EnumMap<>(Opcode.class);
    private static final Map<Transport, List<Opcode>> BY_TRANSPORT = new EnumMap<>(Transport.class);

    static {
        for (Opcode op : Opcode.values()) {
            if (BY_VALUE[op.value()] != null) {
                throw new IllegalStateException("opcode table: value " + op.value() + " used by "
                    + BY_VALUE[op.value()] + " and " + op);
            }
            BY_VALUE[op.value()] = op;
            NEXT.put(op, Collections.unmodifiableSet(EnumSet.noneOf(Opcode.class)));
        }
        for (Opcode[] row : SUCCESSORS) {
            EnumSet<Opcode> next = EnumSet.noneOf(Opcode.class);
            for (int i = 1; i < row.length; i++) {
                next.add(row[i]);
            }
            NEXT.put(row[0], Collections.unmodifiableSet(next));
        }
        for (Transport t : Transport.values()) {
            List<Opcode> ops = new ArrayList<>();
            for (Opcode op : Opcode.values()) {
                if (op.transport() == t) {
                    ops.add(op);
                }
            }
            BY_TRANSPORT.put(t, Collections.unmodifiableList(ops));
        }
    }

    private OpcodeTable() {
    }

    /** The row for a BTH OpCode, or null when the model does not know it (reserved or RD/XRC). */
    public static Opcode lookup(int value) {
        return value >= 0 && value < BY_VALUE.length ? BY_VALUE[value] : null;
    }

    /** The opcodes that may follow {@code previous} inside the same message; empty after an END. */
    public static Set<Opcode> successors(Opcode previous) {
        return NEXT.get(previous);
    }

    /**
     * Whether {@code next} may be the packet after {@code previous} in one direction of one QP:
     * inside a message it must be a listed successor, between messages (or when {@code previous}
     * is null) it must start a new message of the same transport and direction.
     */
    public static boolean mayFollow(Opcode previous, Opcode next) {
        if (previous == null) {
            return next.isStart();
        }
        if (previous.isEnd()) {
            return next.isStart() && previous.transport() == next.transport()
                && previous.isRequest() == next.isRequest();
        }
        return NEXT.get(previous).contains(next);
    }

    /** The rows of one transport, in OpCode order. */
    public static List<Opcode> of(Transport transport) {
        return BY_TRANSPORT.get(transport);
    }
}

// The directed-route rules of IBA 14.2.2.2 as drivers/infiniband/core/smi.c applies them
package org.ibmodel.core.mad;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.ibmodel.core.mad.Smi.Action;
import org.ibmodel.core.mad.Smi.Forward;
import org.junit.jupiter.api.Test;

class SmiTest {
    private static final int PERMISSIVE = 0xffff;

    /**
     * An SMP with hop count {@code cnt} and hop pointer {@code ptr}, D as given, both DR LIDs
     * permissive unless said otherwise; InitialPath 1, 2, 3 ... and ReturnPath 11, 12, 13 ...
     */
    private static byte[] smp(boolean back, int ptr, int cnt, int drSlid, int drDlid) {
        byte[] m = new byte[Mad.SIZE];
        Mad.status(m, back ? Mad.SMP_DIRECTION : 0);
        Mad.hopPtr(m, ptr);
        m[Mad.HOP_CNT] = (byte) cnt;
        m[Mad.DR_SLID] = (byte) (drSlid >>> 8);
        m[Mad.DR_SLID + 1] = (byte) drSlid;
        m[Mad.DR_DLID] = (byte) (drDlid >>> 8);
        m[Mad.DR_DLID + 1] = (byte) drDlid;
        for (int i = 1; i < Mad.SMP_MAX_PATH_HOPS; i++) {
            m[Mad.INITIAL_PATH + i] = (byte) i;
            m[Mad.RETURN_PATH + i] = (byte) (10 + i);
        }
        return m;
    }

    /** One send or receive case: the SMP, the node, the port, what the SMI decides and the hop pointer after. */
    private record Case(String rule, boolean back, int ptr, int cnt, int drSlid, int drDlid, boolean isSwitch,
            int port, Action action, int ptrAfter) {
    }

    @Test
    void shouldSendByTheInitialPathOutAndTheReturnPathBack() {
        List<Case> cases = List.of(
                new Case("C14-9:1 first hop, right port", false, 0, 3, PERMISSIVE, PERMISSIVE, false, 1,
                        Action.HANDLE, 1),
                new Case("C14-9:1 first hop, wrong port", false, 0, 3, PERMISSIVE, PERMISSIVE, false, 2,
                        Action.DISCARD, 1),
                new Case("C14-9:2 mid-path at a switch", false, 1, 3, PERMISSIVE, PERMISSIVE, true, 2,
                        Action.HANDLE, 2),
                new Case("C14-9:2 mid-path at a CA", false, 1, 3, PERMISSIVE, PERMISSIVE, false, 2,
                        Action.DISCARD, 1),
                new Case("C14-9:3 end of path, DrDLID permissive", false, 3, 3, PERMISSIVE, PERMISSIVE, false, 1,
                        Action.HANDLE, 4),
                new Case("C14-9:3 end of path at a CA, LID-routed part after", false, 3, 3, PERMISSIVE, 7, false,
                        1, Action.DISCARD, 4),
                new Case("C14-9:4 past the path", false, 4, 3, PERMISSIVE, PERMISSIVE, false, 1, Action.HANDLE, 4),
                new Case("C14-9:5 beyond that", false, 5, 3, PERMISSIVE, PERMISSIVE, true, 1, Action.DISCARD, 5),
                new Case("C14-13:1 first hop back, right port", true, 4, 3, PERMISSIVE, PERMISSIVE, false, 13,
                        Action.HANDLE, 3),
                new Case("C14-13:1 first hop back, wrong port", true, 4, 3, PERMISSIVE, PERMISSIVE, false, 1,
                        Action.DISCARD, 3),
                new Case("C14-13:2 back mid-path at a switch", true, 3, 3, PERMISSIVE, PERMISSIVE, true, 12,
                        Action.HANDLE, 2),
                new Case("C14-13:2 back mid-path at a CA", true, 3, 3, PERMISSIVE, PERMISSIVE, false, 12,
                        Action.DISCARD, 3),
                new Case("C14-13:3 end of path, DrSLID permissive", true, 1, 3, PERMISSIVE, PERMISSIVE, false, 1,
                        Action.HANDLE, 0),
                new Case("C14-13:3 at a CA, for an SM behind a LID-routed part", true, 1, 3, 9, PERMISSIVE, false,
                        1, Action.DISCARD, 0),
                new Case("C14-13:4 hop pointer 0", true, 0, 3, PERMISSIVE, PERMISSIVE, false, 1, Action.HANDLE, 0),
                new Case("C14-6 hop count 64", false, 0, 64, PERMISSIVE, PERMISSIVE, true, 1, Action.DISCARD, 0));
        for (Case c : cases) {
            byte[] m = smp(c.back(), c.ptr(), c.cnt(), c.drSlid(), c.drDlid());
            assertEquals(c.action(), Smi.handleDrSmpSend(m, c.isSwitch(), c.port()), c.rule());
            assertEquals(c.ptrAfter(), Mad.hopPtr(m), c.rule() + ": hop pointer after");
        }
    }

    @Test
    void shouldNoteTheInPortOnTheWayOutAndCheckItOnTheWayBack() {
        List<Case> cases = List.of(
                new Case("C14-9:1 hop pointer not moved by the sender", false, 0, 3, PERMISSIVE, PERMISSIVE, true,
                        5, Action.DISCARD, 0),
                new Case("C14-9:2 mid-path at a switch", false, 1, 3, PERMISSIVE, PERMISSIVE, true, 5,
                        Action.HANDLE, 1),
                new Case("C14-9:2 mid-path at a CA", false, 1, 3, PERMISSIVE, PERMISSIVE, false, 5, Action.DISCARD,
                        1),
                new Case("C14-9:3 end of path at a CA", false, 3, 3, PERMISSIVE, PERMISSIVE, false, 5,
                        Action.HANDLE, 3),
                new Case("C14-13:1 back at the path's end", true, 4, 3, PERMISSIVE, PERMISSIVE, true, 13,
                        Action.HANDLE, 3),
                new Case("C14-13:2 back mid-path at a switch", true, 3, 3, PERMISSIVE, PERMISSIVE, true, 5,
                        Action.HANDLE, 3),
                new Case("C14-13:3 back at the SM that began it", true, 1, 3, PERMISSIVE, PERMISSIVE, false, 5,
                        Action.HANDLE, 0),
                new Case("C14-13:3 a CA with a LID-routed part still to go", true, 1, 3, 9, PERMISSIVE, false, 5,
                        Action.DISCARD, 1),
                new Case("C14-13:5 hop pointer past the path", true, 5, 3, PERMISSIVE, PERMISSIVE, true, 5,
                        Action.DISCARD, 5));
        for (Case c : cases) {
            byte[] m = smp(c.back(), c.ptr(), c.cnt(), c.drSlid(), c.drDlid());
            assertEquals(c.action(), Smi.handleDrSmpRecv(m, c.isSwitch(), c.port(), 36), c.rule());
            assertEquals(c.ptrAfter(), Mad.hopPtr(m), c.rule() + ": hop pointer after");
        }
        // The port it came in by goes into ReturnPath at the hop pointer, mid-path and at the end.
        byte[] mid = smp(false, 2, 3, PERMISSIVE, PERMISSIVE);
        Smi.handleDrSmpRecv(mid, true, 7, 36);
        assertEquals(7, Mad.returnPath(mid, 2));
        byte[] end = smp(false, 3, 3, PERMISSIVE, PERMISSIVE);
        Smi.handleDrSmpRecv(end, false, 1, 1);
        assertEquals(1, Mad.returnPath(end, 3));
        // A switch checks the next port out is one it has.
        assertEquals(Action.DISCARD, Smi.handleDrSmpRecv(smp(false, 1, 3, PERMISSIVE, PERMISSIVE), true, 5, 1));
    }

    @Test
    void shouldTellWhetherToHandleSendOnOrRelay() {
        assertEquals(Forward.FORWARD, Smi.checkForwardDrSmp(smp(false, 1, 3, PERMISSIVE, PERMISSIVE)));
        assertEquals(Forward.SEND, Smi.checkForwardDrSmp(smp(false, 3, 3, PERMISSIVE, PERMISSIVE)));
        assertEquals(Forward.LOCAL, Smi.checkForwardDrSmp(smp(false, 3, 3, PERMISSIVE, 7)));
        assertEquals(Forward.SEND, Smi.checkForwardDrSmp(smp(false, 4, 3, PERMISSIVE, PERMISSIVE)));
        assertEquals(Forward.FORWARD, Smi.checkForwardDrSmp(smp(true, 2, 3, PERMISSIVE, PERMISSIVE)));
        assertEquals(Forward.LOCAL, Smi.checkForwardDrSmp(smp(true, 1, 3, PERMISSIVE, PERMISSIVE)));
        assertEquals(Forward.SEND, Smi.checkForwardDrSmp(smp(true, 1, 3, 9, PERMISSIVE)));
        assertEquals(Forward.LOCAL, Smi.checkForwardDrSmp(smp(true, 0, 3, PERMISSIVE, PERMISSIVE)));

        assertEquals(Action.HANDLE, Smi.checkLocalSmp(smp(false, 4, 3, PERMISSIVE, PERMISSIVE), true));
        assertEquals(Action.DISCARD, Smi.checkLocalSmp(smp(false, 4, 3, PERMISSIVE, PERMISSIVE), false));
        assertEquals(Action.DISCARD, Smi.checkLocalSmp(smp(false, 3, 3, PERMISSIVE, PERMISSIVE), true));
        assertEquals(Action.HANDLE, Smi.checkLocalReturningSmp(smp(true, 0, 3, PERMISSIVE, PERMISSIVE), true));
        assertEquals(Action.DISCARD, Smi.checkLocalReturningSmp(smp(false, 0, 3, PERMISSIVE, PERMISSIVE), true));
    }
}

// drivers/infiniband/core/smi.c and smi.h: the directed-route rules of IBA 14.2.2.2
package org.ibmodel.core.mad;

/**
 * What a node's SMI does with a directed-route SMP it sends or receives (IBA C14-9 going out,
 * C14-13 coming back). Each call may move the SMP's hop pointer or note the port it came in by in
 * its return path, as the kernel's functions do in place.
 */
public final class Smi {
    /** enum smi_action. */
    public enum Action { DISCARD, HANDLE }

    /** enum smi_forward_action: handle here, send on (not forward), or relay as a switch. */
    public enum Forward { LOCAL, SEND, FORWARD }

    private Smi() {
    }

    /** smi_handle_dr_smp_send: fix the SMP up for sending out of {@code port}. */
    public static Action handleDrSmpSend(byte[] smp, boolean isSwitch, int port) {
        int hopCnt = Mad.hopCnt(smp);
        int hopPtr = Mad.hopPtr(smp);
        // C14-6: hop counts 0 to 63.
        if (hopCnt >= Mad.SMP_MAX_PATH_HOPS) {
            return Action.DISCARD;
        }
        if (!Mad.direction(smp)) {
            if (hopCnt != 0 && hopPtr == 0) {
                // C14-9:1: the first hop leaves by the initial path's first port.
                Mad.hopPtr(smp, 1);
                return of(Mad.initialPath(smp, 1) == port);
            }
            if (hopPtr != 0 && hopPtr < hopCnt) {
                // C14-9:2: only a switch relays mid-path.
                if (!isSwitch) {
                    return Action.DISCARD;
                }
                Mad.hopPtr(smp, hopPtr + 1);
                return of(Mad.initialPath(smp, hopPtr + 1) == port);
            }
            if (hopPtr == hopCnt) {
                // C14-9:3: the end of the directed part.
                Mad.hopPtr(smp, hopPtr + 1);
                return of(isSwitch || Mad.drDlid(smp) == Mad.LID_PERMISSIVE);
            }
            // C14-9:4 (past the path: for the SMA or SM), C14-9:5 (anything else).
            return of(hopPtr == hopCnt + 1);
        }
        if (hopCnt != 0 && hopPtr == hopCnt + 1) {
            // C14-13:1: the way back starts by the port the request came in by.
            Mad.hopPtr(smp, hopPtr - 1);
            return of(Mad.returnPath(smp, hopPtr - 1) == port);
        }
        if (2 <= hopPtr && hopPtr <= hopCnt) {
            // C14-13:2.
            if (!isSwitch) {
                return Action.DISCARD;
            }
            Mad.hopPtr(smp, hopPtr - 1);
            return of(Mad.returnPath(smp, hopPtr - 1) == port);
        }
        if (hopPtr == 1) {
            // C14-13:3: the end of the directed part; one for the SM should not be here.
            Mad.hopPtr(smp, 0);
            return of(isSwitch || Mad.drSlid(smp) == Mad.LID_PERMISSIVE);
        }
        // C14-13:4 (hop pointer 0: for the SM), C14-13:5.
        return of(hopPtr == 0);
    }

    /**
     * smi_handle_dr_smp_recv: check an SMP received on {@code port} of a node with
     * {@code physPortCnt} ports, noting that port in the return path where the path needs it.
     */
    public static Action handleDrSmpRecv(byte[] smp, boolean isSwitch, int port, int physPortCnt) {
        int hopCnt = Mad.hopCnt(smp);
        int hopPtr = Mad.hopPtr(smp);
        if (hopCnt >= Mad.SMP_MAX_PATH_HOPS) {
            return Action.DISCARD;
        }
        if (!Mad.direction(smp)) {
            // C14-9:1: the sender should have moved the hop pointer.
            if (hopCnt != 0 && hopPtr == 0) {
                return Action.DISCARD;
            }
            if (hopPtr != 0 && hopPtr < hopCnt) {
                // C14-9:2: an intermediate hop, a switch's alone.
                if (!isSwitch) {
                    return Action.DISCARD;
                }
                Mad.returnPath(smp, hopPtr, port);
                return of(Mad.initialPath(smp, hopPtr + 1) <= physPortCnt);
            }
            if (hopPtr == hopCnt) {
                // C14-9:3.
                if (hopCnt != 0) {
                    Mad.returnPath(smp, hopPtr, port);
                }
                return of(isSwitch || Mad.drDlid(smp) == Mad.LID_PERMISSIVE);
            }
            // C14-9:4, C14-9:5.
            return of(hopPtr == hopCnt + 1);
        }
        if (hopCnt != 0 && hopPtr == hopCnt + 1) {
            // C14-13:1.
            Mad.hopPtr(smp, hopPtr - 1);
            return of(Mad.returnPath(smp, hopPtr - 1) == port);
        }
        if (2 <= hopPtr && hopPtr <= hopCnt) {
            // C14-13:2.
            if (!isSwitch) {
                return Action.DISCARD;
            }
            return of(Mad.returnPath(smp, hopPtr - 1) <= physPortCnt);
        }
        if (hopPtr == 1) {
            // C14-13:3: given to the SM here when the path began at it.
            if (Mad.drSlid(smp) == Mad.LID_PERMISSIVE) {
                Mad.hopPtr(smp, 0);
                return Action.HANDLE;
            }
            return of(isSwitch);
        }
        // C14-13:4, C14-13:5.
        return of(hopPtr == 0);
    }

    /** smi_check_forward_dr_smp: what the node does next with a received SMP it keeps. */
    public static Forward checkForwardDrSmp(byte[] smp) {
        int hopCnt = Mad.hopCnt(smp);
        int hopPtr = Mad.hopPtr(smp);
        if (!Mad.direction(smp)) {
            if (hopPtr != 0 && hopPtr < hopCnt) {
                return Forward.FORWARD;
            }
            if (hopPtr == hopCnt) {
                return Mad.drDlid(smp) == Mad.LID_PERMISSIVE ? Forward.SEND : Forward.LOCAL;
            }
            if (hopPtr == hopCnt + 1) {
                return Forward.SEND;
            }
        } else {
            if (2 <= hopPtr && hopPtr <= hopCnt) {
                return Forward.FORWARD;
            }
            if (hopPtr == 1) {
                return Mad.drSlid(smp) != Mad.LID_PERMISSIVE ? Forward.SEND : Forward.LOCAL;
            }
        }
        return Forward.LOCAL;
    }

    /** smi_check_local_smp: an outgoing SMP past the end of its path is for this node's SMA. */
    public static Action checkLocalSmp(byte[] smp, boolean hasProcessMad) {
        return of(hasProcessMad && !Mad.direction(smp) && Mad.hopPtr(smp) == Mad.hopCnt(smp) + 1);
    }

    /** smi_check_local_returning_smp: a returning SMP at hop pointer 0 is for this node's SM. */
    public static Action checkLocalReturningSmp(byte[] smp, boolean hasProcessMad) {
        return of(hasProcessMad && Mad.direction(smp) && Mad.hopPtr(smp) == 0);
    }

    private static Action of(boolean handle) {
        return handle ? Action.HANDLE : Action.DISCARD;
    }
}

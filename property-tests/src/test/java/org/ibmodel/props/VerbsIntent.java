package org.ibmodel.props;

import java.util.ArrayList;
import java.util.List;
import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * A generated step: what kind of verb to try, and a number from which {@link Dice} draws every
 * other choice. {@link VerbsChooser} turns it into a concrete {@link VerbsAction} from the
 * abstract model's state, so the generated sequence stays meaningful as QuickTheories shrinks it.
 */
record VerbsIntent(Kind kind, long dice) {

    /**
     * The kinds and their weights. Legal next-step modifies dominate: uniform choices would
     * rarely take a QP through INIT and RTR to RTS.
     */
    enum Kind {
        /** Does nothing; listed first so that QuickTheories shrinks unneeded steps into it. */
        SKIP(1),
        ALLOC_PD(3),
        CREATE_CQ(4),
        CREATE_AH(2),
        CREATE_SRQ(1),
        CREATE_QP(5),
        MODIFY_NEXT(22),
        MODIFY_ATTRS(2),
        MODIFY_BAD(7),
        MOVE_TO_ERR(2),
        POST_SEND(16),
        POST_RECV(11),
        POST_SRQ_RECV(2),
        PROGRESS(9),
        POLL_CQ(7),
        ARM_CQ(2),
        DRAIN_QP(2),
        DESTROY_QP(2),
        DESTROY_CQ(2),
        DESTROY_SRQ(1),
        DESTROY_AH(1),
        DEALLOC_PD(1);

        final int weight;

        Kind(int weight) {
            this.weight = weight;
        }
    }

    static Gen<VerbsIntent> gen() {
        Gen<Long> dice = Generate.longRange(0, Long.MAX_VALUE);
        List<Pair<Integer, Gen<VerbsIntent>>> choices = new ArrayList<>();
        for (Kind k : Kind.values()) {
            choices.add(Pair.of(k.weight, dice.map(d -> new VerbsIntent(k, d))));
        }
        return Generate.frequency(choices);
    }

    @Override
    public String toString() {
        return kind + "#" + Long.toHexString(dice);
    }
}

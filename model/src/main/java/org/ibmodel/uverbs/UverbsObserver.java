// The recording points of uverbs' objects and of a device's removal, one per action of
// specs/src/main/tla/UverbsDisassociate.tla
package org.ibmodel.uverbs;

/**
 * What a {@link UverbsDevice} tells an observer ({@link UverbsDevice#observer}) about the idr
 * objects of its files (not the completion channels and async event files, which are files
 * themselves) and about its removal; called where uverbs takes the step. An observer only reads
 * what it is given and overrides the steps it watches. The recorder is
 * org.ibmodel.sim.conform.UverbsDisassociateRecorder.
 */
public interface UverbsObserver {
    /** A create command reserved {@code id} in {@code file} (alloc_begin_idr_uobject). */
    default void createBegun(UverbsFile file, int id) {
    }

    /** The driver made the object and its handle was published (rdma_alloc_commit_uobject). */
    default void committed(UverbsFile file, int id) {
    }

    /** A destroy command freed {@code id}; {@code remnant}: what it named went with the device. */
    default void destroyed(UverbsFile file, int id, boolean remnant) {
    }

    /** The file was released (ib_uverbs_release). */
    default void closed(UverbsFile file) {
    }

    /** ib_uverbs_remove_one cleared uverbs_dev->ib_dev. */
    default void deviceCleared() {
    }

    /** synchronize_srcu returned: no command begun before the clearing runs any more. */
    default void readersGone() {
    }

    /** The removal destroyed {@code file}'s objects, {@code hw} of them with a hardware part. */
    default void fileDestroyed(UverbsFile file, int hw) {
    }

    /** ib_uverbs_free_hw_resources is over. */
    default void removed() {
    }
}

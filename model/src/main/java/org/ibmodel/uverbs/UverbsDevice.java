// drivers/infiniband/core/uverbs_main.c: struct ib_uverbs_device, ib_uverbs_open
package org.ibmodel.uverbs;

import java.util.ArrayList;
import java.util.List;
import org.ibmodel.core.IbDevice;
import org.ibmodel.core.ResType;
import org.ibmodel.kernel.Errno;
import org.ibmodel.kernel.Task;

/** /dev/infiniband/uverbsN: the character device uverbs creates for one ib_core device. */
public final class UverbsDevice {
    private final String name;
    private final IbDevice ibDevice;
    private final UobjectPolicy policy;
    /** ib_uverbs_add_one copies the device's num_comp_vectors: it outlives a disassociation. */
    private final int numCompVectors;
    private final List<UverbsFile> files = new ArrayList<>();
    /** uverbs_dev->ib_dev is NULL: the ib_device was removed from under the open files. */
    private boolean disassociated;
    private UverbsObserver observer = NOBODY;

    UverbsDevice(String name, IbDevice ibDevice, UobjectPolicy policy) {
        this.name = name;
        this.ibDevice = ibDevice;
        this.policy = policy;
        this.numCompVectors = ibDevice.numCompVectors();
    }

    /** The completion vectors GET_CONTEXT reports and CREATE_CQ checks against. */
    public int numCompVectors() {
        return numCompVectors;
    }

    public String name() {
        return name;
    }

    public IbDevice ibDevice() {
        return ibDevice;
    }

    /**
     * ib_uverbs_open: a new file with an empty handle table, installed in the task's fd table;
     * -EIO once the ib_device was taken away (a process that still holds the device node).
     */
    public int open(Task task) {
        if (disassociated) {
            return Errno.EIO.negative();
        }
        UverbsFile f = new UverbsFile(this, policy);
        files.add(f);
        return task.install(f);
    }

    public boolean disassociated() {
        return disassociated;
    }

    /** Tells {@code o} each step of UverbsDisassociate.tla this device takes (null: nobody). */
    public void observer(UverbsObserver o) {
        observer = o != null ? o : NOBODY;
    }

    private static final UverbsObserver NOBODY = new UverbsObserver() {
    };

    UverbsObserver observer() {
        return observer;
    }

    /**
     * ib_uverbs_free_hw_resources: the device is taken from every open file, oldest first;
     * the files stay open, and leave this device's list. The model runs one command at a time and
     * none across a removal, so the wait for the ones begun before (synchronize_srcu) is over at
     * once.
     */
    void freeHwResources() {
        disassociated = true;
        observer.deviceCleared();
        observer.readersGone();
        while (!files.isEmpty()) {
            UverbsFile f = files.remove(0);
            observer.fileDestroyed(f, f.disassociate());
        }
        observer.removed();
    }

    void fileClosed(UverbsFile f) {
        files.remove(f);
    }

    /** The files open on this device, oldest first. */
    public List<UverbsFile> openFiles() {
        return List.copyOf(files);
    }

    /** The objects of a kind that open files own, summed; equals the device's count when none leak. */
    public int liveCountOverFiles(ResType type) {
        int n = 0;
        for (UverbsFile f : files) {
            n += f.liveCount(type);
        }
        return n;
    }

    @Override
    public String toString() {
        return name + " (" + ibDevice.name() + ")";
    }
}

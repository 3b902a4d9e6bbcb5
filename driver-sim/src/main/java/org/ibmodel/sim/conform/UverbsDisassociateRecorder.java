// Records the objects of a uverbs device's files and the device's removal as the actions of
// specs/src/main/tla/UverbsDisassociate.tla, matched by UverbsDisassociateTrace.tla
package org.ibmodel.sim.conform;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ibmodel.specs.trace.SpecTrace;
import org.ibmodel.specs.trace.TraceAction;
import org.ibmodel.uverbs.UverbsDevice;
import org.ibmodel.uverbs.UverbsFile;
import org.ibmodel.uverbs.UverbsObserver;

/**
 * Turns what one uverbs device reports into a UverbsDisassociate trace, from a moment its open
 * files hold no idr object and no command runs: those files are "f1", "f2", ... in the order they
 * were opened (the header's {@code files} says how many), and an object's handle is its id plus
 * one. A create is its UvBeginCreate when the id is reserved, and its UvDriverCreate and UvCommit
 * when the handle is published: the driver made the object in between. A file opened later is
 * "f0", which no spec step takes.
 */
public final class UverbsDisassociateRecorder implements UverbsObserver {
    private final UverbsDevice device;
    private final Map<UverbsFile, String> names = new LinkedHashMap<>();
    private final EventLog log = new EventLog("UverbsDisassociate");

    /** Records {@code device}, whose open files must hold no object yet. */
    public UverbsDisassociateRecorder(UverbsDevice device) {
        this.device = device;
        List<UverbsFile> open = device.openFiles();
        for (UverbsFile f : open) {
            names.put(f, "f" + (names.size() + 1));
        }
        device.observer(this);
    }

    /** Stops recording: the device loses its observer. */
    public void detach() {
        device.observer(null);
    }

    /** The trace so far, its header carrying the number of files and {@code extra}. */
    public SpecTrace trace(Map<String, Object> extra) {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("files", (long) names.size());
        h.putAll(extra);
        return log.trace(h);
    }

    @Override
    public void createBegun(UverbsFile file, int id) {
        log.add(TraceAction.UvBeginCreate, "file", name(file), "handle", id + 1L);
    }

    @Override
    public void committed(UverbsFile file, int id) {
        log.add(TraceAction.UvDriverCreate, "file", name(file), "handle", id + 1L);
        log.add(TraceAction.UvCommit, "file", name(file), "handle", id + 1L);
    }

    @Override
    public void destroyed(UverbsFile file, int id, boolean remnant) {
        log.add(TraceAction.UvDestroy, "file", name(file), "handle", id + 1L, "remnant", remnant);
    }

    @Override
    public void closed(UverbsFile file) {
        log.add(TraceAction.UvClose, "file", name(file));
    }

    @Override
    public void deviceCleared() {
        log.add(TraceAction.UvClearDevice);
    }

    @Override
    public void readersGone() {
        log.add(TraceAction.UvSynchronized);
    }

    @Override
    public void fileDestroyed(UverbsFile file, int hw) {
        log.add(TraceAction.UvDestroyFile, "file", name(file), "hw", (long) hw);
    }

    @Override
    public void removed() {
        log.add(TraceAction.UvRemoved);
    }

    private String name(UverbsFile file) {
        return names.getOrDefault(file, "f0");
    }
}

// drivers/infiniband/core/uverbs_main.c: ib_uverbs_event_read, ib_uverbs_comp_handler,
// ib_uverbs_async_handler; struct ib_uverbs_event_queue
package org.ibmodel.uverbs;

import java.util.ArrayDeque;
import java.util.Deque;
import org.ibmodel.core.IbEvent;
import org.ibmodel.core.IbEventHandler;
import org.ibmodel.kernel.Errno;
import org.ibmodel.kernel.OpenFile;
import org.ibmodel.kernel.Task;
import org.ibmodel.uverbs.abi.IbUserVerbs.AsyncEventDesc;
import org.ibmodel.uverbs.abi.IbUserVerbs.CompEventDesc;

/**
 * The async-event file of a uverbs context or a completion channel. read() returns one event
 * struct per call. On an empty queue it sleeps until an event is queued or the queue closes,
 * unless the file is O_NONBLOCK (then -EAGAIN); a closed, empty queue is -EIO. A read that
 * nothing left in the world can end (no event, no wake-up) returns -EINTR, as a signal would end
 * the sleep: the model's tasks take no signals, and a read must not spin for ever. poll() is
 * POLLIN | POLLRDNORM while an event is queued and POLLERR once the queue is closed and empty.
 */
public final class UverbsEventFile implements OpenFile {
    private final UverbsFile ufile;
    private final UObject uobj;
    private final boolean comp;
    private final Deque<UverbsEvent> events = new ArrayDeque<>();
    /** ib_uverbs_event_queue.is_closed */
    private boolean closed;
    private IbEventHandler portHandler;

    UverbsEventFile(UverbsFile ufile, UObject uobj, boolean comp) {
        this.ufile = ufile;
        this.uobj = uobj;
        this.comp = comp;
    }

    public boolean isCompChannel() {
        return comp;
    }

    UverbsFile ufile() {
        return ufile;
    }

    UObject uobject() {
        return uobj;
    }

    public boolean closed() {
        return closed;
    }

    public int queued() {
        return events.size();
    }

    /**
     * ib_uverbs_init_async_event_file: device and port events reach every context's async
     * file through an event handler registered on the device.
     */
    void registerPortEvents() {
        portHandler = this::portEvent;
        ufile.ibDevice().registerEventHandler(portHandler);
    }

    /** ib_unregister_event_handler: device and port events stop; the queue keeps what it has. */
    void unregisterPortEvents() {
        if (portHandler != null) {
            ufile.ibDevice().unregisterEventHandler(portHandler);
            portHandler = null;
        }
    }

    private void portEvent(IbEvent e) {
        long element = e.event().scope() == org.ibmodel.core.IbEventType.Scope.PORT ? e.portNum() : 0;
        async(element, e.event().ordinal(), null);
    }

    /** ib_uverbs_async_handler */
    void async(long element, int eventType, UObject owner) {
        if (closed) {
            return;
        }
        AsyncEventDesc d = new AsyncEventDesc().element(element).eventType(eventType);
        enqueue(new UverbsEvent(d.toBytes(), owner, false));
    }

    /** ib_uverbs_comp_handler */
    void completion(UObject cq) {
        if (closed) {
            return;
        }
        enqueue(new UverbsEvent(new CompEventDesc().cqHandle(cq.userHandle).toBytes(), cq, true));
    }

    private void enqueue(UverbsEvent ev) {
        events.addLast(ev);
        if (ev.owner() != null) {
            ev.owner().queued.add(ev);
        }
    }

    /** Drops the unread events about {@code owner} (ib_uverbs_release_ucq / release_uevent). */
    void forget(UObject owner) {
        events.removeIf(ev -> ev.owner() == owner);
    }

    /**
     * The file is opened O_RDONLY (UVERBS_TYPE_ALLOC_FD in uverbs_std_types.c and
     * uverbs_std_types_async_fd.c), so vfs_write answers -EBADF before looking for a write op.
     */
    @Override
    public long write(Task task, byte[] buf) {
        return Errno.EBADF.negative();
    }

    /** ib_uverbs_event_read */
    @Override
    public ReadResult read(Task task, int count, int fFlags) {
        while (events.isEmpty()) {
            if (closed) {
                return ReadResult.err(Errno.EIO);
            }
            if ((fFlags & O_NONBLOCK) != 0) {
                return ReadResult.err(Errno.EAGAIN);
            }
            // wait_event_interruptible on the queue's poll_wait: the rest of the kernel and the
            // world run until an event or the close wakes the reader.
            if (!ufile.ibDevice().kernel().schedule()) {
                return ReadResult.err(Errno.EINTR);
            }
        }
        UverbsEvent ev = events.peekFirst();
        int size = comp ? CompEventDesc.SIZE : AsyncEventDesc.SIZE;
        if (size > count) {
            return ReadResult.err(Errno.EINVAL);
        }
        events.pollFirst();
        if (ev.owner() != null) {
            if (comp) {
                ev.owner().compEventsReported++;
            } else {
                ev.owner().eventsReported++;
            }
            ev.owner().queued.remove(ev);
        }
        return new ReadResult(size, ev.desc());
    }

    /** ib_uverbs_event_poll */
    @Override
    public int poll(Task task) {
        if (!events.isEmpty()) {
            return POLLIN | POLLRDNORM;
        }
        return closed ? POLLERR : 0;
    }

    /** anon_inode_getfile(..., O_RDONLY) in uverbs_std_types.c and uverbs_std_types_async_fd.c. */
    @Override
    public int accessMode() {
        return O_RDONLY;
    }

    /**
     * The queue closes and its events are freed: a completion channel's when its uobject is
     * destroyed (uverbs_completion_event_file_destroy_uobj), an async file's only when its fd is
     * released (uverbs_async_event_release -> ib_uverbs_free_event_queue).
     */
    void closeQueue() {
        if (closed) {
            return;
        }
        closed = true;
        for (UverbsEvent ev : events) {
            if (ev.owner() != null) {
                ev.owner().queued.remove(ev);
            }
        }
        events.clear();
        unregisterPortEvents();
    }

    /**
     * The device went away from under the context (uverbs_async_event_destroy_uobj with
     * RDMA_REMOVE_DRIVER_REMOVE): no more events from it, and IB_EVENT_DEVICE_FATAL queued
     * after the ones still unread, which stay readable until the fd is closed.
     */
    void deviceGone() {
        unregisterPortEvents();
        async(0, org.ibmodel.core.IbEventType.DEVICE_FATAL.ordinal(), null);
    }

    /**
     * The fd was closed: uverbs_uobject_fd_release destroys the uobject if the context has not;
     * an async file then frees its queue (uverbs_async_event_release).
     */
    @Override
    public void release() {
        ufile.fdReleased(uobj);
        if (!comp) {
            closeQueue();
        }
    }

    @Override
    public String toString() {
        return (comp ? "comp_channel" : "async_event") + " fd " + uobj.id();
    }
}

// include/rdma/ib_verbs.h: struct ib_event_handler and the per-object event_handler callbacks
package org.ibmodel.core;

/** Receives asynchronous events. */
@FunctionalInterface
public interface IbEventHandler {
    void handle(IbEvent event);
}

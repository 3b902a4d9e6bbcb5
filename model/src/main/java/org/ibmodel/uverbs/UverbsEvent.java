// drivers/infiniband/core/uverbs.h: struct ib_uverbs_event
package org.ibmodel.uverbs;

/**
 * One queued event: the bytes read() returns (ib_uverbs_async_event_desc or
 * ib_uverbs_comp_event_desc) and the object whose counter its delivery bumps (null for port
 * and device events).
 */
record UverbsEvent(byte[] desc, UObject owner, boolean comp) {
}

// libibverbs/verbs.h: struct ibv_async_event
package org.ibmodel.verbs;

/**
 * One async event: its type and the element it names, by {@link IbvEventType.Scope}: an
 * {@link IbvCq}, {@link IbvQp} or {@link IbvSrq}, an {@link Integer} port number, or null for a
 * device event.
 */
public record IbvAsyncEvent(IbvEventType eventType, Object element) {
}

package org.ibmodel.traces.replay;

/**
 * Per kind: created and destroyed count alloc/attach and free/dereg/destroy events; live are
 * objects created in the trace and not destroyed by its end; adopted are objects first seen in
 * use, made before the trace began.
 */
public record ObjectCounts(long created, long destroyed, long live, long adopted) {
}

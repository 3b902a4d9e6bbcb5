// What the trace tests check of a validation
package org.ibmodel.specs.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

final class TraceAsserts {
    private TraceAsserts() {
    }

    /** {@code trace} is a behaviour of the specs it names. */
    static void assertAccepted(String trace) {
        TraceValidator.Verdict v = TraceValidator.validate(SpecTrace.parse("good.ndjson", trace));
        assertNull(v.mismatch(), () -> String.valueOf(v.mismatch()));
    }

    /** {@code spec} rejects {@code trace} at event {@code seq}, an {@code event}. */
    static void assertMismatch(String spec, String trace, long seq, String event) {
        TraceValidator.Verdict v = TraceValidator.validate(SpecTrace.parse("bad.ndjson", trace));
        assertNotNull(v.mismatch(), trace);
        assertEquals(seq, v.mismatch().seq(), String.valueOf(v.mismatch()));
        assertEquals(event, v.mismatch().event());
        assertEquals(spec, v.mismatch().spec());
    }
}

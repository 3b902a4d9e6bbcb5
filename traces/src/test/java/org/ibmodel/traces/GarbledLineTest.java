package org.ibmodel.traces;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Damage that still leaves a {@code -PID [CPU]} somewhere in a line must not make a record of it:
 * the comm ftrace prints is at most TASK_COMM_LEN - 1 (15) characters (trace_print_context in
 * kernel/trace/trace_output.c copies it into a {@code char comm[TASK_COMM_LEN]}).
 */
class GarbledLineTest {
    private static final String GOOD = "            bash-266     [001] .....    82.379682: mr_alloc: pd.id=48 mr.id=88 "
            + "type=MEM_REG max_num_sg=512 rc=0\n";

    @Test
    void shouldNotTakeGarbageBeforeAPidForAComm() {
        String glued = "      >[000] .....    82.770497: cq_process: cq.id=50 wa]ke-up took 4197 [us] from interrupt"
                + GOOD;
        Samples.Read r = Samples.read(glued + GOOD);
        assertEquals(List.of(1), r.unparsed().stream().map(Unparsed::line).toList());
        assertEquals(List.of(2), r.records().stream().map(TraceRecord::line).toList());
    }

    @Test
    void shouldReadACommOfFifteenCharactersWithSpacesButNoLonger() {
        String line = " my worker 12345-266     (    266) [001] .....    82.379682: cq_schedule: cq.id=1\n";
        Samples.Read r = Samples.read(line + "x" + line.substring(1) + line);
        assertEquals(List.of(2), r.unparsed().stream().map(Unparsed::line).toList());
        assertEquals(List.of("my worker 12345", "my worker 12345"),
                r.records().stream().map(x -> x.header().comm()).toList());
    }
}

package org.ibmodel.specs;

/**
 * What one TLC run of one configuration found.
 *
 * @param spec      the specification checked
 * @param cfg       the configuration file
 * @param generated states generated
 * @param distinct  distinct states found
 * @param depth     depth of the state graph (of the search so far when TLC stopped early)
 * @param verdict   ok, violation or error
 * @param property  the violated property, {@code Deadlock} for a deadlock, or null
 * @param seconds   wall-clock time of the run
 * @param error     for an error, one line naming the file and line where known; else null
 * @param specError the error lies in the spec or its cfg (does not parse, file missing), not in
 *                  what TLC found
 * @param output    TLC's output, for diagnosis
 */
public record TlcResult(String spec, String cfg, long generated, long distinct, int depth, Verdict verdict,
        String property, double seconds, String error, boolean specError, String output) {

    /** The {@code result} of each row of {@code ibmodel check --json}. */
    public enum Verdict {
        OK, VIOLATION, ERROR;

        /** The name used in {@code check --json}: ok, violation, error. */
        public String jsonName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public boolean ok() {
        return verdict == Verdict.OK;
    }

    /** A result for a run that never reached TLC, such as a missing cfg file. */
    static TlcResult specError(SpecConfig c, String error) {
        return new TlcResult(c.spec(), c.cfg(), 0, 0, 0, Verdict.ERROR, null, 0, error, true, "");
    }
}

package org.ibmodel.specs;

/**
 * One TLC run: a configuration file of a spec's {@code MC*} wrapper module, with the counts the
 * manifest expects ({@code -1} when it records none) or the property a mutant must violate.
 *
 * @param spec      the specification the configuration checks, e.g. {@code RcTransport}
 * @param module    the root module TLC loads, e.g. {@code MCRcTransport}
 * @param cfg       the configuration file, e.g. {@code MCRcTransport.cfg}
 * @param generated the states TLC must generate
 * @param distinct  the distinct states TLC must find
 * @param depth     the depth of the state graph
 * @param violates  for a mutant, the property TLC must report as violated; null otherwise
 */
public record SpecConfig(String spec, String module, String cfg, long generated, long distinct, int depth,
        String violates) {
}

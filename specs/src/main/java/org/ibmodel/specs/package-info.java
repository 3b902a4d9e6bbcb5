/**
 * The TLA+ specifications' Java side: {@link org.ibmodel.specs.TlcRunner} runs TLC on one
 * configuration of specs/src/main/tla (copied into the jar) and reads its result; the manifest
 * records the state counts each configuration must produce.
 */
package org.ibmodel.specs;

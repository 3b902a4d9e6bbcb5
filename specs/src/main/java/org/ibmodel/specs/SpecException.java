package org.ibmodel.specs;

/** A spec, cfg or manifest that cannot be used; the message is one line naming file and line. */
public final class SpecException extends RuntimeException {
    public SpecException(String message) {
        super(message);
    }
}

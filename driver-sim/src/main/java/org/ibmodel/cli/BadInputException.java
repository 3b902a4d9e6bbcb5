package org.ibmodel.cli;

/** Input the user gave that cannot be used; reported as one line on stderr with exit code 2. */
public final class BadInputException extends RuntimeException {
    public BadInputException(String message) {
        super(message);
    }
}

package org.weightgames.core;

/**
 * A problem the user can fix: a bad argument, a malformed file, a missing data set, an
 * impossible parameter. Its message names what is wrong and how to fix it; the command line
 * prints it alone (no stack trace) and exits with status 2.
 */
public class WgException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public WgException(String message) {
        super(message);
    }

    public WgException(String message, Throwable cause) {
        super(message, cause);
    }
}

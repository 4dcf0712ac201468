package org.pepsal.testbed.scenario;

/**
 * A field of a scenario document that is missing, of the wrong type or impossible, named by its path
 * ({@code link.down.delay}, {@code workload.flows.sizes[2]}). The loader turns the path into a file, line
 * and column.
 */
final class FieldException extends RuntimeException {
    private final String path;
    private final boolean aboutKey;

    /** @param aboutKey the key itself is wrong (an unknown field), not its value */
    FieldException(String path, String message, boolean aboutKey) {
        super(message);
        this.path = path;
        this.aboutKey = aboutKey;
    }

    FieldException(String path, String message) {
        this(path, message, false);
    }

    boolean aboutKey() {
        return aboutKey;
    }

    String path() {
        return path;
    }
}

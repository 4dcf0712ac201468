package org.pepsal.testbed.scenario;

/**
 * A scenario that cannot run, found before anything is built: where (file, line, column — zero when the
 * value came from the command line), which field, and what is wrong with it.
 *
 * @param origin where the offending value was written: the file, or a {@code --set} option
 */
public final class ScenarioException extends Exception {
    private final String origin;
    private final int line;
    private final int column;
    private final String field;
    private final String problem;

    public ScenarioException(String origin, int line, int column, String field, String problem) {
        super(origin + (line > 0 ? ":" + line + ":" + column : "") + ": " + (field.isEmpty() ? "" : field + ": ") + problem);
        this.origin = origin;
        this.line = line;
        this.column = column;
        this.field = field;
        this.problem = problem;
    }

    public String origin() {
        return origin;
    }

    public int line() {
        return line;
    }

    public int column() {
        return column;
    }

    /** The field's path, e.g. {@code link.down.delay}; empty for a file that is not YAML at all. */
    public String field() {
        return field;
    }

    public String problem() {
        return problem;
    }
}

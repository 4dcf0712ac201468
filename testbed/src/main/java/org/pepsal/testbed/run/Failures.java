package org.pepsal.testbed.run;

import java.io.PrintWriter;
import java.io.StringWriter;

/** How a failure is told: its message and its causes' (what the console and the report say), or its stack trace. */
public final class Failures {
    private Failures() {
    }

    /** The error's message and its causes', one per line, each said once. */
    public static String describe(Throwable error) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
            if (text.indexOf(message) < 0) {
                text.append(text.isEmpty() ? "" : "\ncaused by: ").append(message);
            }
        }
        return text.toString();
    }

    public static String stackTrace(Throwable error) {
        StringWriter out = new StringWriter();
        error.printStackTrace(new PrintWriter(out));
        return out.toString();
    }
}

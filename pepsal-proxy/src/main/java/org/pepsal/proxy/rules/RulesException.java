package org.pepsal.proxy.rules;

/** A rule operation that could not be done; the message says what to fix. */
public final class RulesException extends RuntimeException {
    public RulesException(String message) {
        super(message);
    }
}

package org.pepsal.testbed.bench;

/** One check of the soak benchmark: it starts its own proxy, prints nothing itself and returns what it saw. */
interface SoakCheck {
    /** What the check is, as its outcome names it. */
    String name();

    /** When it passes, in words, printed before it runs. */
    String criterion();

    SoakOutcome run(SoakContext context) throws Exception;
}

package org.pepsal.proxy.rules;

/**
 * One piece of the set-up: the command that adds it, the one that takes exactly it away again, how to see
 * whether it is there, and what its absence means in plain words. A check-only step ({@code apply == null})
 * is looked at by {@code rules check} but installed as part of another step.
 */
public record Step(String what, Command apply, Command undo, Probe probe, String whenMissing) {

    public boolean checkOnly() {
        return apply == null;
    }
}

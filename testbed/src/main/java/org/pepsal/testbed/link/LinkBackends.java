package org.pepsal.testbed.link;

import java.util.List;
import java.util.Optional;

/**
 * Picks the backend for a link: netem where the kernel has it and it can realise the spec, else the
 * userspace emulator; or the one asked for. The choice and its reason are recorded with the results.
 */
public final class LinkBackends {
    public static final String AUTOMATIC = "auto";

    private LinkBackends() {
    }

    /** The backend chosen and why. */
    public record Choice(LinkBackend backend, String reason) {
        /** What metadata.json records: the backend, why it was chosen, and how it emulates. */
        public String description() {
            return backend.name() + " (" + reason + "); " + backend.layout();
        }
    }

    /**
     * Why a hop needs the run's emulating backend: the scenario asks for emulation there, or the hop asks for
     * something a plain veth does not give (delay, jitter, loss, a trace, a schedule); empty when a plain veth
     * with the kernel's rate shaping will do ({@link VethBackend}).
     */
    public static Optional<String> emulationNeeded(LinkSpec spec, boolean emulationAsked) {
        if (emulationAsked) {
            return Optional.of("emulated: the scenario asks for emulation there");
        }
        return new VethBackend().cannotRealise(spec).map(why -> "emulated: " + why);
    }

    /**
     * The backend of the terrestrial hop: a plain veth unless {@link #emulationNeeded} says otherwise, then
     * {@code emulator} (the run's link backend, as the satellite link has it).
     */
    public static Choice terrestrial(LinkSpec spec, boolean emulationAsked, LinkBackend emulator) {
        return emulationNeeded(spec, emulationAsked).map(why -> new Choice(emulator, why)).orElseGet(LinkBackends::plainVeth);
    }

    /** A hop that asks only for a rate: a plain veth. */
    public static Choice plainVeth() {
        return new Choice(new VethBackend(), "not emulated: the hop asks only for a rate, which the kernel's tbf gives");
    }

    public static List<LinkBackend> all() {
        return List.of(new NetemBackend(), new UserspaceBackend());
    }

    /** @param requested {@code auto}, {@code netem} or {@code userspace} */
    public static Choice choose(String requested, LinkSpec spec) {
        NetemBackend netem = new NetemBackend();
        UserspaceBackend userspace = new UserspaceBackend();
        switch (requested) {
            case NetemBackend.NAME -> {
                Optional<String> problem = netem.unavailableBecause().or(() -> netem.cannotRealise(spec));
                problem.ifPresent(why -> {
                    throw new IllegalArgumentException("backend netem was asked for, but " + why);
                });
                return new Choice(netem, "asked for");
            }
            case UserspaceBackend.NAME -> {
                userspace.unavailableBecause().ifPresent(why -> {
                    throw new IllegalArgumentException("backend userspace was asked for, but " + why);
                });
                return new Choice(userspace, "asked for");
            }
            case AUTOMATIC -> {
                Optional<String> netemProblem = netem.unavailableBecause().or(() -> netem.cannotRealise(spec));
                if (netemProblem.isEmpty()) {
                    return new Choice(netem, "automatic: a probe netem link delayed pings as set");
                }
                userspace.unavailableBecause().ifPresent(why -> {
                    throw new IllegalStateException("no link backend works here: netem: " + netemProblem.get()
                            + "; userspace: " + why);
                });
                return new Choice(userspace, "automatic: " + netemProblem.get());
            }
            default -> throw new IllegalArgumentException("unknown link backend '" + requested
                    + "' (auto, netem, userspace)");
        }
    }
}

package org.pepsal.testbed.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * How a point runs its variant, as data: a name, whether the PEPs run, and the fields it sets on the variant
 * (exactly as {@code --set} would, e.g. {@code hosts.server.congestionControl: bbr} for end-to-end BBR). Two
 * modes of one repetition share the link's random seed, so they see the same loss pattern and can be compared
 * in pairs. Adding a mode is one entry in {@link #BUILT_IN}, or one mapping in a scenario's {@code modes}.
 *
 * @param overrides field path → the YAML value this mode sets; empty for a mode that changes nothing else
 */
public record Mode(String name, String description, boolean runsPeps, Map<String, JsonNode> overrides) {
    /** The reference every other mode is compared with, in pairs. */
    public static final Mode PLAIN = new Mode("plain",
            "no PEP: the gateway only routes, one TCP connection runs end to end", false, Map.of());
    public static final Mode SPLIT = new Mode("split",
            "the PEP runs at every PEP site and splits each connection into legs", true, Map.of());
    /** No PEP, the server runs BBR: is a PEP still needed when servers run BBR? */
    public static final Mode E2E_BBR = new Mode("e2e-bbr",
            "no PEP; the server runs BBR end to end", false,
            Map.of("hosts.server.congestionControl", TextNode.valueOf("bbr")));
    /** The modes a scenario can name without defining them. */
    public static final List<Mode> BUILT_IN = List.of(PLAIN, SPLIT, E2E_BBR);
    /** The modes of a scenario that lists none. */
    public static final List<Mode> DEFAULTS = List.of(PLAIN, SPLIT);
    /** Fields a mode must not set: they define the run's points, not how one point runs. */
    static final Set<String> FIXED_FIELDS = Set.of("name", "modes", "sweep", "repetitions", "seed");

    public Mode {
        if (name == null || !name.matches("[a-z0-9][a-z0-9-]*")) {
            throw new IllegalArgumentException("a mode's name is lower-case letters, digits and '-': " + name);
        }
        overrides = Collections.unmodifiableMap(new LinkedHashMap<>(overrides));
    }

    public static Optional<Mode> builtIn(String name) {
        return BUILT_IN.stream().filter(m -> m.name().equals(name)).findFirst();
    }

    /** The mode other modes are divided by: {@code plain} when present, else the first one listed. */
    public static String baseline(List<String> modeNames) {
        return modeNames.contains(PLAIN.name) ? PLAIN.name : modeNames.isEmpty() ? null : modeNames.get(0);
    }
}

package org.pepsal.proxy.rules;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code rules install} did, kept so that {@code rules remove} undoes exactly that: the backend, the
 * settings, and each sysctl's value before install changed it. One JSON file per network namespace, in the state
 * directory ({@code /run/pepsal} by default: a tmpfs, cleared at boot like the rules themselves). It is written
 * before the first change, so even an install that was killed half-way can be removed.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RuleState(int version, String backend, List<String> interfaces, int port, int mark, int table,
                        boolean ipv6, Map<String, String> sysctlsBefore, Map<String, String> sysctlsSet,
                        List<String> implicitTables, String installedAt) {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public RuleState {
        sysctlsBefore = sysctlsBefore == null ? Map.of() : new LinkedHashMap<>(sysctlsBefore);
        sysctlsSet = sysctlsSet == null ? Map.of() : new LinkedHashMap<>(sysctlsSet);
        implicitTables = implicitTables == null ? List.of() : List.copyOf(implicitTables);
    }

    static RuleState of(RuleBackend backend, TproxyRules rules, Map<String, String> before, Map<String, String> set,
                        List<String> implicitTables, String when) {
        return new RuleState(1, backend.name(), rules.interfaces(), rules.port(), rules.mark(), rules.table(),
                rules.ipv6(), before, set, implicitTables, when);
    }

    TproxyRules rules() {
        return new TproxyRules(interfaces, port, mark, table, ipv6);
    }

    boolean sameAs(RuleBackend otherBackend, TproxyRules other) {
        return backend.equals(otherBackend.name()) && rules().equals(other);
    }

    /** The state file of the current network namespace. */
    static Path file(Path stateDir, SystemAccess system) {
        return stateDir.resolve("rules-net" + system.networkNamespaceId() + ".json");
    }

    static RuleState read(Path file) {
        if (!Files.exists(file)) {
            return null;
        }
        try {
            return JSON.readValue(file.toFile(), RuleState.class);
        } catch (IOException e) {
            throw new RulesException("cannot read the state file " + file + " (" + e.getMessage()
                    + "): delete it and run `pepsal rules remove` with the options used for install");
        }
    }

    void write(Path file) {
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            JSON.writeValue(tmp.toFile(), this);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new RulesException("cannot write the state file " + file + " (" + e + "): make the state "
                    + "directory writable (--state-dir; under systemd RuntimeDirectory=pepsal)");
        }
    }
}

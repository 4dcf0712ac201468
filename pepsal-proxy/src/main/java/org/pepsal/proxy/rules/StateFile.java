package org.pepsal.proxy.rules;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The file that keeps a {@link RuleState}: one JSON file per network namespace, in the state directory
 * ({@code /run/pepsal} by default: a tmpfs, cleared at boot like the rules themselves).
 */
final class StateFile {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path path;

    private StateFile(Path path) {
        this.path = path;
    }

    /** The state file of the current network namespace. */
    static StateFile of(Path stateDir, SystemAccess system) {
        return new StateFile(stateDir.resolve("rules-net" + system.networkNamespaceId() + ".json"));
    }

    Path path() {
        return path;
    }

    /** The recorded installation, or null when there is none. */
    RuleState read() {
        if (!Files.exists(path)) {
            return null;
        }
        try {
            return JSON.readValue(path.toFile(), RuleState.class);
        } catch (IOException e) {
            throw new RulesException("cannot read the state file " + path + " (" + e.getMessage()
                    + "): delete it and run `pepsal rules remove` with the options used for install");
        }
    }

    /** Replaces the file in one rename, so a reader sees the old state or the new one, never half of one. */
    void write(RuleState state) {
        try {
            Files.createDirectories(path.getParent());
            Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
            JSON.writeValue(tmp.toFile(), state);
            Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new RulesException("cannot write the state file " + path + " (" + e + "): make the state "
                    + "directory writable (--state-dir; under systemd RuntimeDirectory=pepsal)");
        }
    }

    void delete() {
        try {
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // a stale state file only makes the next remove look for rules that are not there
        }
    }

    @Override
    public String toString() {
        return path.toString();
    }
}

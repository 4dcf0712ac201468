package org.pepsal.proxy.rules;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The file that keeps a {@link RuleState}: one JSON file per network namespace, in the state directory
 * ({@code /run/pepsal} by default: a tmpfs, cleared at boot like the rules themselves).
 *
 * <p>Remove acts on what the file says with CAP_NET_ADMIN, often as root, while the directory belongs to the
 * service's user. So a file is trusted only when it is a regular file (no link followed), owned by the effective
 * user, writable by no one else, unchanged while it was read, and says nothing install would not write
 * ({@link StateAllowList}). Files are created new, never through a link, readable by all, writable by the owner.
 */
final class StateFile {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final int GROUP_OR_OTHERS_WRITE = 0022;
    private static final int MAX_BYTES = 1 << 20;

    private final Path path;
    private final SystemAccess system;

    private StateFile(Path path, SystemAccess system) {
        this.path = path;
        this.system = system;
    }

    /** The state file of the current network namespace. */
    static StateFile of(Path stateDir, SystemAccess system) {
        return new StateFile(stateDir.resolve("rules-net" + system.networkNamespaceId() + ".json"), system);
    }

    Path path() {
        return path;
    }

    /** The recorded installation, or null when there is none; refuses a file it cannot trust, saying why. */
    RuleState read() {
        Map<String, Object> before = attributes();
        if (before == null) {
            return null;
        }
        trust(before);
        byte[] bytes;
        try (SeekableByteChannel channel = Files.newByteChannel(path, StandardOpenOption.READ,
                LinkOption.NOFOLLOW_LINKS)) {
            if (channel.size() > MAX_BYTES) {
                throw refused("it is " + channel.size() + " bytes long; install writes well under " + MAX_BYTES);
            }
            ByteBuffer buffer = ByteBuffer.allocate((int) channel.size());
            while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
                // read it all
            }
            bytes = buffer.array();
        } catch (IOException e) {
            throw unreadable(e.toString());
        }
        Map<String, Object> after = attributes();
        if (after == null || !Objects.equals(before.get("ino"), after.get("ino"))
                || !Objects.equals(before.get("dev"), after.get("dev"))) {
            throw refused("it was replaced while it was being read");
        }
        RuleState state;
        try {
            state = JSON.readValue(bytes, RuleState.class);
        } catch (IOException e) {
            throw unreadable(e.getMessage());
        }
        List<String> problems = StateAllowList.problems(state);
        if (!problems.isEmpty()) {
            throw refused("it asks for what install never writes:\n  " + String.join("\n  ", problems));
        }
        return state;
    }

    /** The file's owner, mode and inode, not following a link; null when there is no file. */
    private Map<String, Object> attributes() {
        try {
            return Files.readAttributes(path, "unix:uid,mode,ino,dev,isRegularFile,isSymbolicLink",
                    LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException | UnsupportedOperationException e) {
            throw unreadable(e.toString());
        }
    }

    private void trust(Map<String, Object> attributes) {
        if (Boolean.TRUE.equals(attributes.get("isSymbolicLink"))) {
            throw refused("it is a symbolic link (install writes a regular file)");
        }
        if (!Boolean.TRUE.equals(attributes.get("isRegularFile"))) {
            throw refused("it is not a regular file");
        }
        int owner = (Integer) attributes.get("uid");
        int me = system.effectiveUid();
        if (owner != me) {
            throw refused("it belongs to uid " + owner + ", not to this process's uid " + me + " (run remove as the "
                    + "user that installed, as the systemd unit does; or, having read the file, chown it to uid " + me
                    + ")");
        }
        int mode = (Integer) attributes.get("mode");
        if ((mode & GROUP_OR_OTHERS_WRITE) != 0) {
            throw refused("its group or others may write it (mode " + String.format("%04o", mode & 07777)
                    + "; install writes 0644)");
        }
    }

    private RulesException refused(String why) {
        return new RulesException("refusing the state file " + path + ": " + why + "; nothing was changed");
    }

    private RulesException unreadable(String why) {
        return new RulesException("cannot read the state file " + path + " (" + why
                + "): delete it and run `pepsal rules remove` with the options used for install");
    }

    /**
     * Replaces the file in one rename, so a reader sees the old state or the new one, never half of one. The
     * temporary file is created new (a link or file already there is removed, not followed), mode 0644.
     */
    void write(RuleState state) {
        Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
        try {
            Files.createDirectories(path.getParent());
            Files.deleteIfExists(tmp);
            Set<OpenOption> options = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                    LinkOption.NOFOLLOW_LINKS);
            try (SeekableByteChannel channel = Files.newByteChannel(tmp, options,
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r--r--")))) {
                ByteBuffer bytes = ByteBuffer.wrap(JSON.writeValueAsBytes(state));
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
            }
            Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException e) {
            throw new RulesException("cannot write the state file " + path + ": " + tmp + " appeared while it was "
                    + "being created (someone else writes in " + path.getParent() + "?); nothing was changed");
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

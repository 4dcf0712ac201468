package org.pepsal.proxy.rules;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A network namespace of its own per test class ({@code opsXXXXXX-gw}, two veth ends {@code opsin0}/{@code opsout0}
 * in it, deleted afterwards), the packaged jar copied where the service's user can read it, a state folder, and the
 * commands to run {@code pepsal} in the namespace and to snapshot its netfilter, routing and forwarding.
 * Needs root; skipped otherwise, except under CI=true, where it fails.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(NeedsRoot.class)
abstract class RulesNamespaceFixture {
    final String namespace = String.format("ops%06x-gw", ThreadLocalRandom.current().nextInt(1 << 24));
    private final Path jar = Path.of(System.getProperty("pepsal.jar", "target/pepsal-proxy.jar")).toAbsolutePath();
    Path work;
    Path stateDir;
    Path sharedJar;

    record Run(int exit, String out, String err) {
        String all() {
            return out + err;
        }
    }

    @BeforeAll
    void createNamespace() throws Exception {
        if (!NeedsRoot.root()) {
            fail("CI=true, but the rules namespace test needs root");
        }
        work = Files.createTempDirectory("ops-rules-it");
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
        sharedJar = work.resolve("pepsal-proxy.jar");
        Files.copy(jar, sharedJar);
        Files.setPosixFilePermissions(sharedJar, PosixFilePermissions.fromString("rw-r--r--"));
        stateDir = work.resolve("state");
        Files.createDirectories(stateDir);
        Files.setPosixFilePermissions(stateDir, PosixFilePermissions.fromString("rwxrwxrwx"));
        must("ip", "netns", "add", namespace);
        must("ip", "-n", namespace, "link", "set", "lo", "up");
        must("ip", "-n", namespace, "link", "add", "opsin0", "type", "veth", "peer", "name", "opsout0");
        // no IPv6 link-local addresses: they would appear in the routing tables at some moment during the test
        must("ip", "-n", namespace, "link", "set", "opsin0", "addrgenmode", "none");
        must("ip", "-n", namespace, "link", "set", "opsout0", "addrgenmode", "none");
        must("ip", "-n", namespace, "link", "set", "opsin0", "up");
        must("ip", "-n", namespace, "link", "set", "opsout0", "up");
        String previous = "";
        for (int i = 0; i < 20; i++) {
            String now = snapshot();
            if (now.equals(previous)) {
                break;
            }
            previous = now;
            Thread.sleep(250);
        }
    }

    @AfterAll
    void deleteNamespace() throws Exception {
        if (work == null) {
            return;
        }
        // A process still in the namespace, or a mount of it copied into another mount namespace, can make the
        // first delete fail with EBUSY: kill what is inside, retry, and fail loudly rather than leave it behind.
        Run deleted = null;
        for (int attempt = 0; attempt < 20; attempt++) {
            run("sh", "-c", "ip netns pids " + namespace + " | xargs -r kill -9");
            deleted = run("ip", "netns", "del", namespace);
            if (!Files.exists(Path.of("/run/netns", namespace))) {
                break;
            }
            Thread.sleep(250);
        }
        try (Stream<Path> files = Files.walk(work)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        assertThat(Path.of("/run/netns", namespace)).as("namespace %s left behind: %s", namespace, deleted.all())
                .doesNotExist();
    }

    @BeforeEach
    void cleanState() throws Exception {
        inNamespace(List.of(), "rules", "remove");
        must("ip", "netns", "exec", namespace, "sysctl", "-q", "-w", "net.ipv4.ip_forward=0",
                "net.ipv6.conf.all.forwarding=0");
    }

    static Run run(String... command) throws IOException, InterruptedException {
        return run(List.of(command));
    }

    static Run run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        var out = process.getInputStream().readAllBytes();
        var err = process.getErrorStream().readAllBytes();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("timed out: " + command);
        }
        return new Run(process.exitValue(), new String(out, StandardCharsets.UTF_8),
                new String(err, StandardCharsets.UTF_8));
    }

    static Run must(String... command) throws Exception {
        Run result = run(command);
        assertThat(result.exit()).as("%s: %s", String.join(" ", command), result.all()).isZero();
        return result;
    }

    /** {@code pepsal ARGS --state-dir DIR} in the namespace, as root or through a prefix such as setpriv. */
    Run inNamespace(List<String> prefix, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
        command.addAll(prefix);
        command.addAll(List.of("java", "-jar", sharedJar.toString()));
        command.addAll(List.of(args));
        command.addAll(List.of("--state-dir", stateDir.toString()));
        return run(command);
    }

    Run pepsal(String... args) throws Exception {
        return inNamespace(List.of(), args);
    }

    String snapshot() throws Exception {
        Run result = must("ip", "netns", "exec", namespace, "sh", "-c", "iptables-save | grep -v '^#'; "
                + "ip6tables-save | grep -v '^#'; nft list ruleset; ip rule; ip -6 rule; ip route show table all; "
                + "ip -6 route show table all; sysctl net.ipv4.ip_forward net.ipv6.conf.all.forwarding");
        return result.out().replaceAll("\\[\\d+:\\d+\\]", "[]");
    }

    /** The routing part of a snapshot. */
    static String routing(String snapshot) {
        return snapshot.substring(snapshot.indexOf("0:\tfrom all lookup local"), snapshot.indexOf("net.ipv4.ip_forward"));
    }
}

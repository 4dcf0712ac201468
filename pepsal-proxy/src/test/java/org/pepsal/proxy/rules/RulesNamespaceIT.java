package org.pepsal.proxy.rules;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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
 * {@code pepsal rules} as the packaged jar, against the real kernel, inside a network namespace of its own
 * ({@code opsXXXXXX-gw}, deleted afterwards): remove leaves netfilter, routing and forwarding exactly as before,
 * for both backends; a non-root user with only CAP_NET_ADMIN (ambient, as the systemd unit gives it) can do it all;
 * a failure half-way rolls back; a lost state file or a SIGKILLed proxy still leaves nothing remove cannot clean.
 * Needs root; skipped otherwise, except under CI=true, where it fails.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(NeedsRoot.class)
class RulesNamespaceIT {
    private final String namespace = String.format("ops%06x-gw", ThreadLocalRandom.current().nextInt(1 << 24));
    private final Path jar = Path.of(System.getProperty("pepsal.jar", "target/pepsal-proxy.jar")).toAbsolutePath();
    private Path work;
    private Path stateDir;
    private Path sharedJar;

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

    private static Run run(String... command) throws IOException, InterruptedException {
        return run(List.of(command));
    }

    private static Run run(List<String> command) throws IOException, InterruptedException {
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

    private static Run must(String... command) throws Exception {
        Run result = run(command);
        assertThat(result.exit()).as("%s: %s", String.join(" ", command), result.all()).isZero();
        return result;
    }

    /** {@code pepsal ARGS --state-dir DIR} in the namespace, as root or through a prefix such as setpriv. */
    private Run inNamespace(List<String> prefix, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
        command.addAll(prefix);
        command.addAll(List.of("java", "-jar", sharedJar.toString()));
        command.addAll(List.of(args));
        command.addAll(List.of("--state-dir", stateDir.toString()));
        return run(command);
    }

    private Run pepsal(String... args) throws Exception {
        return inNamespace(List.of(), args);
    }

    private String snapshot() throws Exception {
        Run result = must("ip", "netns", "exec", namespace, "sh", "-c", "iptables-save | grep -v '^#'; "
                + "ip6tables-save | grep -v '^#'; nft list ruleset; ip rule; ip -6 rule; ip route show table all; "
                + "ip -6 route show table all; sysctl net.ipv4.ip_forward net.ipv6.conf.all.forwarding");
        return result.out().replaceAll("\\[\\d+:\\d+\\]", "[]");
    }

    /** The routing part of a snapshot. */
    private static String routing(String snapshot) {
        return snapshot.substring(snapshot.indexOf("0:\tfrom all lookup local"), snapshot.indexOf("net.ipv4.ip_forward"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"iptables", "nft"})
    void removeLeavesEverythingAsBeforeInstall(String backend) throws Exception {
        String before = snapshot();
        Run install = pepsal("rules", "install", "--iface", "opsin0", "--iface", "opsout0", "--ipv6",
                "--backend", backend);
        assertThat(install.exit()).as(install.all()).isZero();
        String installed = snapshot();
        assertThat(installed).isNotEqualTo(before).contains("net.ipv4.ip_forward = 1")
                .contains("net.ipv6.conf.all.forwarding = 1").contains("fwmark 0x1 lookup 100");
        Run again = pepsal("rules", "install", "--iface", "opsin0", "--iface", "opsout0", "--ipv6",
                "--backend", backend);
        assertThat(again.out()).doesNotContain("added ");
        assertThat(snapshot()).as("a second install changes nothing").isEqualTo(installed);

        Run check = pepsal("rules", "check");
        assertThat(check.exit()).as("nothing listens yet").isEqualTo(1);
        assertThat(check.out()).contains("MISSING  listener on TCP port 5000").doesNotContain("MISSING  IPv");

        Run remove = pepsal("rules", "remove");
        assertThat(remove.exit()).as(remove.all()).isZero();
        assertThat(snapshot()).isEqualTo(before);
        assertThat(pepsal("rules", "remove").out()).contains("nothing to remove");
    }

    @Test
    void aNonRootUserWithOnlyAmbientCapNetAdminCanInstallCheckAndRemove() throws Exception {
        String before = snapshot();
        List<String> asService = List.of("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                "--inh-caps=-all,+net_admin", "--ambient-caps=+net_admin", "--bounding-set=-all,+net_admin");
        Run install = inNamespace(asService, "rules", "install", "--iface", "opsin0");
        assertThat(install.exit()).as(install.all()).isZero();
        assertThat(install.out()).contains("set      net.ipv4.ip_forward = 1");
        assertThat(inNamespace(asService, "rules", "check").out()).contains("ok       IPv4 TPROXY rule on opsin0");
        Run remove = inNamespace(asService, "rules", "remove");
        assertThat(remove.exit()).as(remove.all()).isZero();
        assertThat(snapshot()).isEqualTo(before);

        List<String> noCaps = List.of("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                "--inh-caps=-all", "--bounding-set=-all");
        Run refused = inNamespace(noCaps, "rules", "install", "--iface", "opsin0");
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err()).contains("needs CAP_NET_ADMIN").contains("AmbientCapabilities=CAP_NET_ADMIN");
        assertThat(snapshot()).isEqualTo(before);
    }

    /**
     * Root runs remove on a file in a folder the service's user can write: a file that user edited, one left
     * writable, or a link must not make root write other sysctls or follow the link.
     */
    @Test
    void rootTrustsOnlyAStateFileItOwnsThatNoOneElseCanWrite() throws Exception {
        List<String> asService = List.of("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                "--inh-caps=-all,+net_admin", "--ambient-caps=+net_admin", "--bounding-set=-all,+net_admin");
        String before = snapshot();
        Run install = inNamespace(asService, "rules", "install", "--iface", "opsin0");
        assertThat(install.exit()).as(install.all()).isZero();
        String installed = snapshot();
        Path state;
        try (Stream<Path> files = Files.list(stateDir)) {
            state = files.filter(f -> f.getFileName().toString().endsWith(".json")).findFirst().orElseThrow();
        }
        String recorded = Files.readString(state);
        String syncookies = "net.ipv4.tcp_syncookies";
        String cookiesBefore = must("ip", "netns", "exec", namespace, "sysctl", "-n", syncookies).out().strip();
        String injected = cookiesBefore.equals("0") ? "2" : "0";
        // what the service's user could write into its own file
        Files.writeString(state, recorded.replace("\"sysctlsBefore\" : {", "\"sysctlsBefore\" : {\n    \""
                + syncookies + "\" : \"" + injected + "\",").replace("\"sysctlsSet\" : {", "\"sysctlsSet\" : {\n    \""
                + syncookies + "\" : \"" + cookiesBefore + "\","));
        try {
            Run foreign = pepsal("rules", "remove");
            assertThat(foreign.exit()).isEqualTo(1);
            assertThat(foreign.err()).contains("refusing the state file " + state).contains("belongs to uid")
                    .contains("nothing was changed");

            Files.setOwner(state, state.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("root"));
            Run edited = pepsal("rules", "remove");
            assertThat(edited.exit()).isEqualTo(1);
            assertThat(edited.err()).contains("refusing the state file " + state)
                    .contains("sysctlsBefore names " + syncookies);
            assertThat(must("ip", "netns", "exec", namespace, "sysctl", "-n", syncookies).out().strip())
                    .isEqualTo(cookiesBefore);

            Files.writeString(state, recorded);
            Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("rw-rw-rw-"));
            Run writable = pepsal("rules", "remove");
            assertThat(writable.exit()).isEqualTo(1);
            assertThat(writable.err()).contains("group or others may write it");

            Path elsewhere = work.resolve("elsewhere.json");
            Files.move(state, elsewhere);
            Files.setPosixFilePermissions(elsewhere, PosixFilePermissions.fromString("rw-r--r--"));
            Files.createSymbolicLink(state, elsewhere);
            Run link = pepsal("rules", "remove");
            assertThat(link.exit()).isEqualTo(1);
            assertThat(link.err()).contains("symbolic link");
            assertThat(snapshot()).as("nothing was touched by the refused removes").isEqualTo(installed);
            Files.delete(state);
            Files.move(elsewhere, state);
        } finally {
            Files.writeString(state, recorded);
            Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("rw-r--r--"));
            Files.setOwner(state, state.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("root"));
            Run remove = pepsal("rules", "remove");
            assertThat(remove.exit()).as(remove.all()).isZero();
        }
        assertThat(snapshot()).isEqualTo(before);

        // the temporary file of the next install is a link the service's user planted: not followed
        Path victim = work.resolve("victim");
        Files.writeString(victim, "untouched");
        Path tmp = state.resolveSibling(state.getFileName() + ".tmp");
        Files.createSymbolicLink(tmp, victim);
        assertThat(pepsal("rules", "install", "--iface", "opsin0").exit()).isZero();
        assertThat(Files.readString(victim)).isEqualTo("untouched");
        assertThat(Files.isSymbolicLink(state)).isFalse();
        assertThat(pepsal("rules", "remove").exit()).isZero();
        assertThat(snapshot()).isEqualTo(before);
    }

    @Test
    void aFailureHalfWayRollsBackEverything() throws Exception {
        String before = snapshot();
        Path fakeBin = work.resolve("bin");
        Files.createDirectories(fakeBin);
        Path ip = fakeBin.resolve("ip");
        Files.writeString(ip, "#!/bin/sh\ncase \"$*\" in *\"route add\"*) echo 'RTNETLINK answers: injected' >&2; "
                + "exit 2;; esac\nexec /usr/sbin/ip \"$@\"\n");
        Files.setPosixFilePermissions(ip, PosixFilePermissions.fromString("rwxr-xr-x"));
        Run install = inNamespace(List.of("env", "PATH=" + fakeBin + ":" + System.getenv("PATH")), "rules",
                "install", "--iface", "opsin0", "--backend", "nft");
        assertThat(install.exit()).isEqualTo(1);
        assertThat(install.err()).contains("could not add the IPv4 local default route").contains("injected")
                .contains("rolled back");
        assertThat(snapshot()).isEqualTo(before);
    }

    @Test
    void badInputIsRefusedBeforeAnythingChanges() throws Exception {
        String before = snapshot();
        Run unknown = pepsal("rules", "install", "--iface", "nosuch0");
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.err()).contains("no interface named nosuch0").contains("opsin0");
        must("ip", "-n", namespace, "rule", "add", "fwmark", "1", "lookup", "200");
        try {
            Run conflict = pepsal("rules", "install", "--iface", "opsin0");
            assertThat(conflict.exit()).isEqualTo(1);
            assertThat(conflict.err()).contains("fwmark 0x1 lookup 200").contains("choose another --mark");
        } finally {
            must("ip", "-n", namespace, "rule", "del", "fwmark", "1", "lookup", "200");
        }
        assertThat(snapshot()).isEqualTo(before);
    }

    @Test
    void aLostStateFileOrAKilledProxyLeaveNothingRemoveCannotClean() throws Exception {
        String before = snapshot();
        assertThat(pepsal("rules", "install", "--iface", "opsin0").exit()).isZero();
        // the proxy as the systemd unit runs it: user nobody, CAP_NET_ADMIN only
        Process proxy = new ProcessBuilder("ip", "netns", "exec", namespace, "setpriv", "--reuid=nobody",
                "--regid=nogroup", "--clear-groups", "--inh-caps=-all,+net_admin", "--ambient-caps=+net_admin",
                "--bounding-set=-all,+net_admin", "java", "-jar", sharedJar.toString(), "-p", "5000")
                .redirectErrorStream(true).redirectOutput(work.resolve("proxy.log").toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            Run check;
            do {
                Thread.sleep(300);
                check = pepsal("rules", "check");
            } while (check.exit() != 0 && System.nanoTime() < deadline);
            assertThat(check.out()).as(Files.readString(work.resolve("proxy.log")))
                    .contains("verdict: SYNs arriving on opsin0 reach the listener on port 5000");
        } finally {
            proxy.destroyForcibly(); // SIGKILL: no shutdown hook runs
            proxy.waitFor(10, TimeUnit.SECONDS);
        }
        try (Stream<Path> files = Files.list(stateDir)) {
            for (Path file : files.toList()) {
                Files.delete(file); // and /run was wiped, say
            }
        }
        Run remove = pepsal("rules", "remove");
        assertThat(remove.exit()).as(remove.all()).isZero();
        assertThat(remove.out()).contains("no state file");
        String after = snapshot();
        // Without the state file remove cannot know the forwarding sysctl's old value, nor that iptables-nft created
        // the (now empty) mangle table: both stay. Every rule, chain and route of the proxy is gone.
        assertThat(after).doesNotContain("PEPSAL", "TPROXY", "pepsal", "fwmark", "table 100");
        assertThat(routing(after)).isEqualTo(routing(before));
    }
}

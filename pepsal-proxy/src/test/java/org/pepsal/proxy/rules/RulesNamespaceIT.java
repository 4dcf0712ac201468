package org.pepsal.proxy.rules;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code pepsal rules} as the packaged jar, against the real kernel, inside a network namespace of its own
 * ({@link RulesNamespaceFixture}): remove leaves netfilter, routing and forwarding exactly as before, for both
 * backends; a non-root user with only CAP_NET_ADMIN (ambient, as the systemd unit gives it) can do it all; a failure
 * half-way rolls back; a lost state file or a SIGKILLed proxy still leaves nothing remove cannot clean.
 */
class RulesNamespaceIT extends RulesNamespaceFixture {
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

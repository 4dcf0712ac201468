package org.pepsal.proxy.rules;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Remove runs with CAP_NET_ADMIN, often as root, on a file in a directory the service's user owns: it must do only
 * what install would have recorded, and only from a file nobody else could have written.
 */
class StateFileTest {
    private final RuleBackend backend = new IptablesBackend();
    private final TproxyRules rules = new TproxyRules(List.of("eth1"), 5000, 1, 100, false);
    private FakeHost host;
    private RuleManager manager;
    @TempDir
    Path stateDir;

    @BeforeEach
    void setUp() {
        host = new FakeHost(backend, rules);
        manager = new RuleManager(host, host, stateDir, new PrintWriter(new StringWriter(), true));
    }

    /** Installs, then rewrites one thing in the state file as someone with write access to it could. */
    private void installAndEdit(String from, String to) throws Exception {
        manager.install(backend, rules, true);
        String state = Files.readString(manager.stateFile());
        assertThat(state).contains(from);
        Files.writeString(manager.stateFile(), state.replace(from, to));
        host.ran.clear();
    }

    private void assertRemoveRefusedAndNothingChanged(String... reason) {
        int present = host.present.size();
        assertThatThrownBy(() -> manager.remove(backend, null)).isInstanceOf(RulesException.class)
                .hasMessageContaining("refusing the state file " + manager.stateFile())
                .hasMessageContaining("nothing was changed").hasMessageContaining(reason[0])
                .hasMessageContaining(reason.length > 1 ? reason[1] : reason[0]);
        assertThat(host.changes()).isEmpty();
        assertThat(host.present).hasSize(present);
        assertThat(host.sysctls).containsEntry("net.ipv4.ip_forward", "1");
    }

    @Test
    void aSysctlInstallNeverWritesIsNotRestored() throws Exception {
        installAndEdit("\"sysctlsBefore\" : {\n    \"net.ipv4.ip_forward\" : \"0\"",
                "\"sysctlsBefore\" : {\n    \"net.ipv4.ip_forward\" : \"0\",\n    \"kernel.core_pattern\" : \"|/tmp/x\"");
        host.sysctls.put("kernel.core_pattern", "core");
        assertRemoveRefusedAndNothingChanged("sysctlsBefore names kernel.core_pattern");
        assertThat(host.sysctls).containsEntry("kernel.core_pattern", "core");
    }

    @Test
    void aForwardingValueThatIsNotANumberIsRefused() throws Exception {
        installAndEdit("\"net.ipv4.ip_forward\" : \"0\"", "\"net.ipv4.ip_forward\" : \"0\\n1\"");
        assertRemoveRefusedAndNothingChanged("not a number");
    }

    @Test
    void aTableInstallDidNotCreateIsNotDropped() throws Exception {
        installAndEdit("\"implicitTables\" : [ ]", "\"implicitTables\" : [ \"inet filter\" ]");
        assertRemoveRefusedAndNothingChanged("implicitTables names 'inet filter'");
        assertThat(host.ran).noneMatch(c -> c.argv().contains("delete"));
    }

    @Test
    void settingsInstallWouldRefuseAreRefused() throws Exception {
        installAndEdit("\"eth1\"", "\"eth1 -j DROP\"");
        assertRemoveRefusedAndNothingChanged("not an interface name");
        Files.writeString(manager.stateFile(), Files.readString(manager.stateFile())
                .replace("\"eth1 -j DROP\"", "\"eth1\"").replace("\"iptables\"", "\"sh\""));
        assertRemoveRefusedAndNothingChanged("backend 'sh'");
    }

    @Test
    void aFileOfAnotherUserIsRefused() throws Exception {
        manager.install(backend, rules, true);
        host.ran.clear();
        int me = host.effectiveUid;
        host.effectiveUid = me + 1;
        assertRemoveRefusedAndNothingChanged("belongs to uid " + me, "not to this process's uid " + (me + 1));
        assertThatThrownBy(() -> manager.install(backend, rules, true)).hasMessageContaining("refusing");
    }

    @Test
    void aFileOthersMayWriteIsRefused() throws Exception {
        manager.install(backend, rules, true);
        host.ran.clear();
        for (String mode : List.of("rw-rw-r--", "rw-r--rw-")) {
            Files.setPosixFilePermissions(manager.stateFile(), PosixFilePermissions.fromString(mode));
            assertRemoveRefusedAndNothingChanged("group or others may write it");
        }
        Files.setPosixFilePermissions(manager.stateFile(), PosixFilePermissions.fromString("rw-r--r--"));
        assertThat(manager.remove(backend, null)).isTrue();
        assertThat(host.sysctls).containsEntry("net.ipv4.ip_forward", "0");
    }

    @Test
    void aLinkInPlaceOfTheFileIsNotFollowed() throws Exception {
        manager.install(backend, rules, true);
        Path elsewhere = stateDir.resolve("elsewhere.json");
        Files.move(manager.stateFile(), elsewhere);
        Files.createSymbolicLink(manager.stateFile(), elsewhere);
        host.ran.clear();
        assertRemoveRefusedAndNothingChanged("symbolic link");
    }

    @Test
    void theTemporaryFileIsCreatedNewNotWrittenThroughALink() throws Exception {
        Path victim = stateDir.resolve("victim");
        Files.writeString(victim, "untouched");
        Path tmp = manager.stateFile().resolveSibling(manager.stateFile().getFileName() + ".tmp");
        Files.createSymbolicLink(tmp, victim);
        manager.install(backend, rules, true);
        assertThat(Files.readString(victim)).isEqualTo("untouched");
        assertThat(Files.isSymbolicLink(tmp)).isFalse();
        assertThat(Files.isRegularFile(manager.stateFile(), LinkOption.NOFOLLOW_LINKS)).isTrue();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(manager.stateFile())))
                .as("writable by its owner only").matches("rw-.-..-.");
        assertThat(manager.remove(backend, null)).isTrue();
    }
}

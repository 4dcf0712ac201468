package org.pepsal.proxy.rules;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RuleManagerTest {
    private final RuleBackend backend = new IptablesBackend();
    private final TproxyRules rules = new TproxyRules(List.of("eth1"), 5000, 1, 100, false);
    private final StringWriter output = new StringWriter();
    private FakeHost host;
    private RuleManager manager;
    @TempDir
    Path stateDir;

    @BeforeEach
    void setUp() {
        host = new FakeHost(backend, rules);
        manager = new RuleManager(host, host, stateDir, new PrintWriter(output, true));
    }

    private long adding() {
        return backend.steps(rules).stream().filter(s -> !s.checkOnly()).count();
    }

    @Test
    void installAddsEveryPieceSetsForwardingAndRecordsWhatItDid() throws Exception {
        manager.install(backend, rules, true);
        assertThat(host.present).hasSize((int) adding());
        assertThat(host.sysctls).containsEntry("net.ipv4.ip_forward", "1");
        String state = Files.readString(manager.stateFile());
        assertThat(state).contains("\"backend\" : \"iptables\"").contains("\"net.ipv4.ip_forward\" : \"0\"");
    }

    @Test
    void installTwiceChangesNothingTheSecondTime() {
        manager.install(backend, rules, true);
        host.ran.clear();
        manager.install(backend, rules, true);
        assertThat(host.changes()).isEmpty();
        assertThat(output.toString()).contains("present  IPv4 TPROXY rule on eth1");
    }

    @Test
    void installFillsInAPieceSomeoneDeleted() {
        manager.install(backend, rules, true);
        Step tproxy = backend.steps(rules).get(4);
        host.present.remove(tproxy);
        host.ran.clear();
        manager.install(backend, rules, true);
        assertThat(host.changes()).containsExactly(tproxy.apply());
    }

    @Test
    void removeUndoesExactlyWhatInstallDidAndRestoresForwarding() {
        manager.install(backend, rules, true);
        host.ran.clear();
        assertThat(manager.remove(backend, null)).isTrue();
        assertThat(host.present).isEmpty();
        assertThat(host.sysctls).containsEntry("net.ipv4.ip_forward", "0");
        List<Step> steps = backend.steps(rules);
        List<Command> undone = host.changes();
        // netfilter first, backwards, then routing, backwards
        assertThat(undone).containsExactly(steps.get(4).undo(), steps.get(3).undo(), steps.get(2).undo(),
                steps.get(1).undo(), steps.get(0).undo(), steps.get(6).undo(), steps.get(5).undo());
        assertThat(manager.stateFile()).doesNotExist();
    }

    @Test
    void removeTwiceIsHarmless() {
        manager.install(backend, rules, true);
        manager.remove(backend, null);
        host.ran.clear();
        assertThat(manager.remove(backend, rules)).isTrue();
        assertThat(host.changes()).isEmpty();
        assertThat(output.toString()).contains("nothing to remove");
    }

    @Test
    void removeKeepsTheStateWhenTheBackendsProgramHasGone() {
        manager.install(backend, rules, true);
        host.missingPrograms.add("iptables");
        assertThat(manager.remove(backend, null)).isFalse();
        assertThat(output.toString()).contains("iptables (apt-get install iptables) is missing now");
        assertThat(manager.stateFile()).exists();
        host.missingPrograms.clear();
        assertThat(manager.remove(backend, null)).isTrue();
        assertThat(host.present).isEmpty();
    }

    @Test
    void forwardingIsLeftAloneWhenItWasAlreadyOn() {
        host.sysctls.put("net.ipv4.ip_forward", "1");
        manager.install(backend, rules, true);
        manager.remove(backend, null);
        assertThat(host.sysctls).containsEntry("net.ipv4.ip_forward", "1");
    }

    @Test
    void aFailingStepRollsBackEverythingThisAttemptAdded() {
        Step route = backend.steps(rules).get(6);
        host.failing = route.apply();
        assertThatThrownBy(() -> manager.install(backend, rules, true))
                .isInstanceOf(RulesException.class)
                .hasMessageContaining("could not add the IPv4 local default route")
                .hasMessageContaining("fake failure")
                .hasMessageContaining("rolled back: 6 change(s) undone");
        assertThat(host.present).isEmpty();
        assertThat(host.sysctls).containsEntry("net.ipv4.ip_forward", "0");
        assertThat(manager.stateFile()).doesNotExist();
    }

    @Test
    void aReadOnlyProcSysRollsBackAndNamesTheFix() {
        host.readOnlySysctl = true;
        assertThatThrownBy(() -> manager.install(backend, rules, true))
                .hasMessageContaining("--sysctl net.ipv4.ip_forward=1").hasMessageContaining("--no-ip-forward");
        assertThat(host.present).isEmpty();
    }

    @Test
    void aMarkUsedByAnotherRoutingRuleIsAConflictAndNothingIsInstalled() {
        host.canned.put(List.of("ip", "-N", "-4", "rule", "show"), new CommandRunner.Result(0,
                "0:\tfrom all lookup 255\n32765:\tfrom all fwmark 0x1 lookup 200\n32766:\tfrom all lookup 254\n", ""));
        assertThatThrownBy(() -> manager.install(backend, rules, true))
                .hasMessageContaining("fwmark 0x1 lookup 200").hasMessageContaining("choose another --mark");
        assertThat(host.changes()).isEmpty();
        assertThat(manager.stateFile()).doesNotExist();
    }

    @Test
    void aTableHoldingOtherRoutesIsAConflict() {
        host.canned.put(List.of("ip", "-4", "route", "show", "table", "100"),
                new CommandRunner.Result(0, "default via 10.0.0.1 dev eth0\n", ""));
        assertThatThrownBy(() -> manager.install(backend, rules, true))
                .hasMessageContaining("table 100 already holds 'default via 10.0.0.1 dev eth0'")
                .hasMessageContaining("choose another --table");
        assertThat(host.changes()).isEmpty();
    }

    @Test
    void aMarkUsedInTheMangleTableIsAConflict() {
        host.canned.put(List.of("iptables-save", "-t", "mangle"), new CommandRunner.Result(0,
                "*mangle\n-A PREROUTING -i eth5 -j MARK --set-xmark 0x1/0xffffffff\nCOMMIT\n", ""));
        assertThatThrownBy(() -> manager.install(backend, rules, true))
                .hasMessageContaining("--set-xmark 0x1/0xffffffff").hasMessageContaining("choose another --mark");
        assertThat(host.changes()).isEmpty();
    }

    @Test
    void anUnknownInterfaceIsNamedWithTheOnesThatExist() {
        host.canned.put(List.of("ip", "-o", "link", "show"),
                new CommandRunner.Result(0, "1: lo: <LOOPBACK>\n2: eth0@if5: <UP>\n", ""));
        TproxyRules typo = new TproxyRules(List.of("eht1"), 5000, 1, 100, false);
        assertThatThrownBy(() -> manager.install(backend, typo, true))
                .hasMessageContaining("no interface named eht1").hasMessageContaining("lo, eth0")
                .hasMessageContaining("nothing was installed");
        assertThat(host.ran).noneMatch(c -> c.argv().get(0).equals("iptables"));
    }

    @Test
    void aMissingProgramNamesThePackage() {
        host.missingPrograms.add("iptables");
        assertThatThrownBy(() -> manager.install(backend, rules, true))
                .hasMessageContaining("iptables is not installed").hasMessageContaining("apt-get install iptables")
                .hasMessageContaining("--backend nft");
        host.missingPrograms.add("nft");
        assertThatThrownBy(() -> manager.install(new NftBackend(), rules, true))
                .hasMessageContaining("apt-get install nftables");
        assertThat(host.ran).isEmpty();
    }

    @Test
    void withoutCapNetAdminNothingIsTriedAndTheFixIsNamed() {
        host.netAdmin = false;
        assertThatThrownBy(() -> manager.install(backend, rules, true))
                .hasMessageContaining("CAP_NET_ADMIN").hasMessageContaining("AmbientCapabilities=CAP_NET_ADMIN")
                .hasMessageContaining("--cap-add NET_ADMIN");
        assertThatThrownBy(() -> manager.remove(backend, rules)).hasMessageContaining("CAP_NET_ADMIN");
        assertThat(host.ran).isEmpty();
    }

    @Test
    void installWithOtherSettingsReplacesTheEarlierInstallation() {
        manager.install(backend, rules, true);
        TproxyRules other = new TproxyRules(List.of("eth1"), 6000, 1, 100, false);
        Step oldTproxy = backend.steps(rules).get(4);
        host.ran.clear();
        manager.install(backend, other, true);
        assertThat(host.present).doesNotContain(oldTproxy);
        assertThat(host.ran).contains(oldTproxy.undo(), backend.steps(other).get(4).apply());
        assertThat(output.toString()).contains("an installation with other settings is present");
    }

    @Test
    void checkSaysWhatIsMissingInPlainWords() {
        manager.install(backend, rules, true);
        host.present.remove(backend.steps(rules).get(5)); // the ip rule
        assertThat(manager.check(backend, rules, true)).isFalse();
        String report = output.toString();
        assertThat(report).contains("ok       IPv4 TPROXY rule on eth1 → port 5000")
                .contains("MISSING  IPv4 routing rule: packets with mark 0x1 use table 100")
                .contains("the rule counters rise but the proxy sees no SYN")
                .contains("MISSING  listener on TCP port 5000")
                .contains("verdict: SYNs do NOT reach the listener");
    }

    @Test
    void checkComparesDivertedPacketsWithWhatTheProxyAccepted() {
        manager.install(backend, rules, true);
        host.listening = true;
        host.canned.put(List.of("iptables", "-t", "mangle", "-L", "PREROUTING", "-v", "-x", "-n"),
                new CommandRunner.Result(0, """
                        Chain PREROUTING (policy ACCEPT 0 packets, 0 bytes)
                            pkts      bytes target     prot opt in     out     source               destination
                              12      720 PEPSAL     6    --  *      *       0.0.0.0/0            0.0.0.0/0            socket --transparent /* pepsal */
                               3      180 TPROXY     6    --  eth1   *       0.0.0.0/0            0.0.0.0/0            /* pepsal */ TPROXY redirect 0.0.0.0:5000 mark 0x1/0x1
                        """, ""));
        host.accepted = 0;
        assertThat(manager.check(backend, rules, true, 9100)).isFalse();
        assertThat(output.toString()).contains("counter  IPv4 TPROXY on eth1: 3 packets diverted")
                .contains("the proxy accepted 0 connection(s)")
                .contains("packets are diverted but the proxy has accepted none");
        output.getBuffer().setLength(0);
        host.accepted = 1;
        assertThat(manager.check(backend, rules, true, 9100)).isTrue();
        assertThat(output.toString()).contains("reach the listener on port 5000 (3 packets diverted so far)");
    }

    @Test
    void checkIsHappyWhenEverythingIsThereAndSomethingListens() {
        manager.install(backend, rules, true);
        host.listening = true;
        assertThat(manager.check(backend, null, true)).isTrue();
        assertThat(output.toString()).contains("verdict: SYNs arriving on eth1 reach the listener on port 5000");
    }

    @Test
    void stoppingTheDivertTakesOutTheTproxyRulesOnlyAndInstallPutsThemBack() {
        manager.install(backend, rules, true);
        Step tproxy = backend.steps(rules).get(4);
        host.ran.clear();
        assertThat(manager.stopDiverting(5000)).isTrue();
        assertThat(host.changes()).containsExactly(tproxy.undo());
        assertThat(host.present).hasSize((int) adding() - 1).doesNotContain(tproxy);
        assertThat(output.toString()).contains("stopped diverting new connections on eth1 to port 5000");
        host.ran.clear();
        manager.install(backend, rules, true);
        assertThat(host.changes()).containsExactly(tproxy.apply());
    }

    @Test
    void withoutARecordForThePortTheDivertStays() {
        assertThat(manager.stopDiverting(5000)).isFalse();
        assertThat(output.toString()).contains("no state file");
        manager.install(backend, rules, true);
        host.ran.clear();
        assertThat(manager.stopDiverting(6000)).isFalse();
        assertThat(output.toString()).contains("divert to port 5000, not to port 6000");
        assertThat(host.changes()).isEmpty();
    }
}

package org.pepsal.proxy.rules;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TproxyRulesTest {
    @Test
    void ipv4InstallDivertsTheInterfaceAndRoutesMarkedPacketsLocally() {
        List<String> commands = new TproxyRules(List.of("sat0"), 5000, 1, 100, false).installCommands().stream()
                .map(c -> String.join(" ", c)).toList();
        assertThat(commands).containsExactly(
                "iptables -t mangle -N PEPSAL",
                "iptables -t mangle -A PEPSAL -j MARK --set-mark 1",
                "iptables -t mangle -A PEPSAL -j ACCEPT",
                "iptables -t mangle -I PREROUTING -p tcp -m socket --transparent -m comment --comment pepsal -j PEPSAL",
                "iptables -t mangle -A PREROUTING -i sat0 -p tcp --syn -m comment --comment pepsal -j TPROXY --on-port 5000 --tproxy-mark 1/1",
                "ip -4 rule add fwmark 1 lookup 100",
                "ip -4 route add local 0.0.0.0/0 dev lo table 100");
    }

    @Test
    void ipv6AddsTheSameForIp6tablesAndEveryInterfaceGetsItsRule() {
        List<String> commands = new TproxyRules(List.of("a", "b"), 5001, 2, 101, true).installCommands().stream()
                .map(c -> String.join(" ", c)).toList();
        assertThat(commands).contains(
                "ip6tables -t mangle -A PREROUTING -i b -p tcp --syn -m comment --comment pepsal -j TPROXY --on-port 5001 --tproxy-mark 2/2",
                "ip -6 route add local ::/0 dev lo table 101");
        assertThat(commands.stream().filter(c -> c.contains("TPROXY"))).hasSize(4);
    }

    @Test
    void needsAnInterface() {
        assertThatThrownBy(() -> new TproxyRules(List.of(), 5000, 1, 100, false))
                .hasMessageContaining("at least one interface");
    }

    @Test
    void ipv6AddsTheSameForIp6tablesAndIpMinus6() {
        TproxyRules rules = new TproxyRules(List.of("eth1", "eth2"), 6000, 7, 200, true);
        List<List<String>> commands = rules.installCommands();
        assertThat(commands).hasSize(2 * (4 + 2 + 2));
        assertThat(commands.subList(8, 16)).allSatisfy(c -> assertThat(c.get(0)).isIn("ip6tables", "ip"));
        assertThat(commands).contains(List.of("ip6tables", "-t", "mangle", "-A", "PREROUTING", "-i", "eth2", "-p",
                        "tcp", "--syn", "-m", "comment", "--comment", "pepsal", "-j", "TPROXY", "--on-port", "6000",
                        "--tproxy-mark", "7/7"),
                List.of("ip", "-6", "route", "add", "local", "::/0", "dev", "lo", "table", "200"));
    }

    @Test
    void removeCommandsUndoInstallInReverseOrder() {
        TproxyRules rules = new TproxyRules(List.of("eth1", "eth2"), 5000, 1, 100, true);
        List<List<String>> install = rules.installCommands();
        List<List<String>> remove = rules.removeCommands();
        assertThat(remove).hasSameSizeAs(install);
        for (int i = 0; i < install.size(); i++) {
            assertThat(remove.get(install.size() - 1 - i)).isEqualTo(inverse(install.get(i)));
        }
    }

    /** What undoes an install command: -N ↔ -X, -A/-I ↔ -D, add ↔ del, the rest unchanged. */
    static List<String> inverse(List<String> command) {
        return command.stream().map(word -> switch (word) {
            case "-N" -> "-X";
            case "-A", "-I" -> "-D";
            case "add" -> "del";
            default -> word;
        }).toList();
    }

    @Test
    void badSettingsAreRefusedWithTheReason() {
        assertThatThrownBy(() -> new TproxyRules(List.of(), 5000, 1, 100, false)).hasMessageContaining("--iface");
        assertThatThrownBy(() -> new TproxyRules(List.of("eth0"), 0, 1, 100, false)).hasMessageContaining("port");
        assertThatThrownBy(() -> new TproxyRules(List.of("eth0"), 5000, 0, 100, false)).hasMessageContaining("mark");
        assertThatThrownBy(() -> new TproxyRules(List.of("eth0"), 5000, 1, 254, false)).hasMessageContaining("main");
        assertThatThrownBy(() -> new TproxyRules(List.of("eth0; rm -rf /"), 5000, 1, 100, false))
                .hasMessageContaining("not an interface name");
        assertThatThrownBy(() -> new TproxyRules(List.of("eth0", "eth0"), 5000, 1, 100, false))
                .hasMessageContaining("twice");
    }
}

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
                "iptables -t mangle -A PREROUTING -i sat0 -p tcp -m comment --comment pepsal -j TPROXY --on-port 5000 --tproxy-mark 1/1",
                "ip -4 rule add fwmark 1 lookup 100",
                "ip -4 route add local 0.0.0.0/0 dev lo table 100");
    }

    @Test
    void ipv6AddsTheSameForIp6tablesAndEveryInterfaceGetsItsRule() {
        List<String> commands = new TproxyRules(List.of("a", "b"), 5001, 2, 101, true).installCommands().stream()
                .map(c -> String.join(" ", c)).toList();
        assertThat(commands).contains(
                "ip6tables -t mangle -A PREROUTING -i b -p tcp -m comment --comment pepsal -j TPROXY --on-port 5001 --tproxy-mark 2/2",
                "ip -6 route add local ::/0 dev lo table 101");
        assertThat(commands.stream().filter(c -> c.contains("TPROXY"))).hasSize(4);
    }

    @Test
    void needsAnInterface() {
        assertThatThrownBy(() -> new TproxyRules(List.of(), 5000, 1, 100, false))
                .hasMessageContaining("at least one interface");
    }
}

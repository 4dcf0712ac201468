package org.pepsal.proxy.rules;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RuleBackendTest {
    private final TproxyRules rules = new TproxyRules(List.of("eth1", "wan+"), 5000, 1, 100, true);

    @ParameterizedTest
    @ValueSource(strings = {"iptables", "nft"})
    void everyStepThatAddsSomethingHasAnUndoAndAProbe(String name) {
        for (Step step : RuleBackend.named(name).steps(rules)) {
            assertThat(step.probe()).as(step.what()).isNotNull();
            assertThat(step.whenMissing()).as(step.what()).isNotBlank();
            if (!step.checkOnly()) {
                assertThat(step.undo()).as(step.what()).isNotNull();
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"iptables", "nft"})
    void removeScriptIsInstallScriptUndoneBackwards(String name) {
        RuleBackend backend = RuleBackend.named(name);
        List<String> install = RuleScripts.install(backend, rules, false);
        List<String> remove = RuleScripts.remove(backend, rules, false);
        assertThat(remove).hasSameSizeAs(install);
        List<Step> adding = backend.steps(rules).stream().filter(s -> !s.checkOnly()).toList();
        for (int i = 0; i < adding.size(); i++) {
            assertThat(install.get(i)).isEqualTo(adding.get(i).apply().toShell());
            assertThat(remove.get(adding.size() - 1 - i)).isEqualTo(adding.get(i).undo().toShell());
        }
    }

    @Test
    void iptablesUndoIsTheExactInverseOfEachCommand() {
        for (Step step : new IptablesBackend().steps(rules)) {
            assertThat(step.undo().argv()).isEqualTo(TproxyRulesTest.inverse(step.apply().argv()));
        }
    }

    @Test
    void nftWritesOneTableOfItsOwnAtomicallyAndDeletesItWhole() {
        NftBackend nft = new NftBackend();
        List<Step> adding = nft.steps(rules).stream().filter(s -> !s.checkOnly()).toList();
        Step table = adding.get(0);
        assertThat(table.apply().argv()).containsExactly("nft", "-f", "-");
        assertThat(table.undo().argv()).containsExactly("nft", "delete", "table", "inet", "pepsal");
        String script = table.apply().stdin();
        assertThat(script).startsWith("table inet pepsal {}\ndelete table inet pepsal\n");
        assertThat(script).contains("socket transparent 1 meta mark set 0x1")
                .contains("iifname \"eth1\" meta nfproto ipv4 meta l4proto tcp tcp flags & (fin|syn|rst|ack) == syn "
                        + "tproxy ip to :5000")
                .contains("iifname \"eth1\" meta nfproto ipv6 meta l4proto tcp tcp flags & (fin|syn|rst|ack) == syn "
                        + "tproxy ip6 to :5000")
                .contains("iifname \"wan*\" meta nfproto ipv4");
        // the rest is the routing, the same as the iptables backend's
        assertThat(adding.subList(1, adding.size()).stream().map(s -> s.apply().argv().get(0)).distinct())
                .containsExactly("ip");
    }

    @Test
    void withoutIpv6OnlyIpv4IsTouched() {
        TproxyRules v4 = new TproxyRules(List.of("eth1"), 5000, 1, 100, false);
        for (String name : List.of("iptables", "nft")) {
            String all = String.join("\n", RuleScripts.install(RuleBackend.named(name), v4, true));
            assertThat(all).doesNotContain("ip6tables").doesNotContain("ip -6").doesNotContain("ipv6")
                    .contains("sysctl -w net.ipv4.ip_forward=1");
        }
    }

    @Test
    void printedCommandsAreShellReady() {
        assertThat(Command.of("iptables", "-A", "x", "--comment", "two words").toShell())
                .isEqualTo("iptables -A x --comment 'two words'");
        assertThat(new Command(List.of("nft", "-f", "-"), "table inet pepsal {}\n").toShell())
                .isEqualTo("nft -f - <<'EOF'\ntable inet pepsal {}\nEOF");
    }

    @Test
    void leftoversOfTheIptablesBackendAreFoundByTheirTag() {
        CommandRunner runner = new CommandRunner() {
            @Override
            public Result run(Command command) {
                if (command.argv().equals(List.of("iptables", "-t", "mangle", "-S", "PREROUTING"))) {
                    return new Result(0, """
                            -P PREROUTING ACCEPT
                            -A PREROUTING -i eth9 -j MARK --set-xmark 0x5/0xffffffff
                            -A PREROUTING -p tcp -m socket --transparent -m comment --comment pepsal -j PEPSAL
                            -A PREROUTING -i old0 -p tcp -m comment --comment pepsal -j TPROXY --on-port 4000 \
                            --on-ip 0.0.0.0 --tproxy-mark 0x1/0x1
                            """, "");
                }
                return new Result(command.argv().get(0).equals("iptables") ? 0 : 1, "", "");
            }

            @Override
            public boolean exists(String program) {
                return program.equals("iptables");
            }
        };
        assertThat(new IptablesBackend().leftovers(runner).stream().map(Command::toShell)).containsExactly(
                "iptables -t mangle -D PREROUTING -p tcp -m socket --transparent -m comment --comment pepsal -j PEPSAL",
                "iptables -t mangle -D PREROUTING -i old0 -p tcp -m comment --comment pepsal -j TPROXY --on-port 4000 "
                        + "--on-ip 0.0.0.0 --tproxy-mark 0x1/0x1",
                "iptables -t mangle -F PEPSAL",
                "iptables -t mangle -X PEPSAL");
    }

    @Test
    void anEmptyTableLeftByIptablesNftIsRecognised() {
        assertThat(ImplicitTables.isEmpty("""
                table ip mangle {
                	chain PREROUTING {
                		type filter hook prerouting priority mangle; policy accept;
                	}
                }
                """)).isTrue();
        assertThat(ImplicitTables.isEmpty("""
                table ip mangle {
                	chain PREROUTING {
                		type filter hook prerouting priority mangle; policy accept;
                		iifname "eth0" counter packets 0 bytes 0
                	}
                }
                """)).isFalse();
    }
}

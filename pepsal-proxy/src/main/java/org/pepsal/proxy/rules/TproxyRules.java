package org.pepsal.proxy.rules;

import java.util.ArrayList;
import java.util.List;

/**
 * The netfilter and routing set-up that hands new TCP connections arriving on some interfaces to the proxy:
 * <ol>
 *   <li>a {@code PEPSAL} chain in the mangle table that marks packets for sockets the proxy already holds
 *       ({@code -m socket --transparent}: the server's answers to the server leg, the client's further segments);</li>
 *   <li>a TPROXY rule per interface that sends every other TCP segment arriving there to the listener, marked;</li>
 *   <li>{@code ip rule fwmark → table} and a local default route in that table, so marked packets are delivered
 *       locally instead of being forwarded.</li>
 * </ol>
 * Only iptables commands are generated here; each carries the comment {@value #COMMENT} so that it can be found again.
 */
public record TproxyRules(List<String> interfaces, int port, int mark, int table, boolean ipv6) {
    public static final String COMMENT = "pepsal";
    public static final String CHAIN = "PEPSAL";

    public TproxyRules {
        interfaces = List.copyOf(interfaces);
        if (interfaces.isEmpty()) {
            throw new IllegalArgumentException("at least one interface is needed");
        }
    }

    /** The commands that install the rules, in order. */
    public List<List<String>> installCommands() {
        List<List<String>> commands = new ArrayList<>();
        for (Family family : families()) {
            commands.add(List.of(family.iptables, "-t", "mangle", "-N", CHAIN));
            commands.add(List.of(family.iptables, "-t", "mangle", "-A", CHAIN, "-j", "MARK", "--set-mark",
                    Integer.toString(mark)));
            commands.add(List.of(family.iptables, "-t", "mangle", "-A", CHAIN, "-j", "ACCEPT"));
            commands.add(List.of(family.iptables, "-t", "mangle", "-I", "PREROUTING", "-p", "tcp", "-m", "socket",
                    "--transparent", "-m", "comment", "--comment", COMMENT, "-j", CHAIN));
            for (String iface : interfaces) {
                commands.add(List.of(family.iptables, "-t", "mangle", "-A", "PREROUTING", "-i", iface, "-p", "tcp",
                        "-m", "comment", "--comment", COMMENT, "-j", "TPROXY", "--on-port", Integer.toString(port),
                        "--tproxy-mark", mark + "/" + mark));
            }
            commands.add(List.of("ip", family.ipFlag, "rule", "add", "fwmark", Integer.toString(mark), "lookup",
                    Integer.toString(table)));
            commands.add(List.of("ip", family.ipFlag, "route", "add", "local", family.anyAddress, "dev", "lo", "table",
                    Integer.toString(table)));
        }
        return commands;
    }

    private List<Family> families() {
        return ipv6 ? List.of(Family.IPV4, Family.IPV6) : List.of(Family.IPV4);
    }

    private enum Family {
        IPV4("iptables", "-4", "0.0.0.0/0"),
        IPV6("ip6tables", "-6", "::/0");

        final String iptables;
        final String ipFlag;
        final String anyAddress;

        Family(String iptables, String ipFlag, String anyAddress) {
            this.iptables = iptables;
            this.ipFlag = ipFlag;
            this.anyAddress = anyAddress;
        }
    }
}

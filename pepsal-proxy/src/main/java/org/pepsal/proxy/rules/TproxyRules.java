package org.pepsal.proxy.rules;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The netfilter and routing set-up that hands new TCP connections arriving on some interfaces to the proxy:
 * <ol>
 *   <li>a mark rule for packets of sockets the proxy already holds ({@code -m socket --transparent}: the
 *       server's answers to the server leg, the client's further segments), in the iptables backend a
 *       {@code PEPSAL} chain in the mangle table that marks and accepts;</li>
 *   <li>a TPROXY rule per interface that sends every SYN arriving there (a new connection) to the listener,
 *       marked; a segment of a connection the proxy does not hold (one routed past it while it restarted, say)
 *       is routed as usual instead of being reset by the listener;</li>
 *   <li>{@code ip rule fwmark → table} and a local default route in that table, so marked packets are delivered
 *       locally instead of being forwarded.</li>
 * </ol>
 * This record is the specification; {@link RuleBackend}s turn it into commands. {@link #installCommands()} and
 * {@link #removeCommands()} give the iptables backend's commands; every iptables rule carries the comment
 * {@value #COMMENT} so that it can be found again.
 */
public record TproxyRules(List<String> interfaces, int port, int mark, int table, boolean ipv6) {
    public static final String COMMENT = "pepsal";
    public static final String CHAIN = "PEPSAL";
    public static final int DEFAULT_MARK = 1;
    public static final int DEFAULT_TABLE = 100;
    private static final Pattern INTERFACE = Pattern.compile("[A-Za-z0-9_.:@-]{1,15}\\+?");

    public TproxyRules {
        interfaces = List.copyOf(interfaces);
        if (interfaces.isEmpty()) {
            throw new IllegalArgumentException("at least one interface is needed (--iface)");
        }
        for (String iface : interfaces) {
            if (!INTERFACE.matcher(iface).matches()) {
                throw new IllegalArgumentException("not an interface name: '" + iface + "'");
            }
        }
        if (interfaces.stream().distinct().count() != interfaces.size()) {
            throw new IllegalArgumentException("an interface is named twice: " + interfaces);
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1-65535, not " + port);
        }
        if (mark == 0) {
            throw new IllegalArgumentException("mark must not be 0 (unmarked packets have mark 0)");
        }
        if (table <= 0 || table == 253 || table == 254 || table == 255) {
            throw new IllegalArgumentException("table must be a positive number other than 253, 254 and 255 "
                    + "(default, main and local), not " + Integer.toUnsignedString(table));
        }
    }

    /** The families the rules cover: IPv4, and IPv6 too with {@code --ipv6}. */
    public List<IpFamily> families() {
        return ipv6 ? List.of(IpFamily.IPV4, IpFamily.IPV6) : List.of(IpFamily.IPV4);
    }

    /** The mark as iproute2 and nft print it. */
    public String markHex() {
        return "0x" + Integer.toHexString(mark);
    }

    /** The commands that install the rules with the iptables backend, in order. */
    public List<List<String>> installCommands() {
        return new IptablesBackend().steps(this).stream().filter(s -> !s.checkOnly())
                .map(s -> s.apply().argv()).toList();
    }

    /** The commands that remove exactly what {@link #installCommands()} adds, in order. */
    public List<List<String>> removeCommands() {
        List<List<String>> commands = new java.util.ArrayList<>();
        for (Step step : new IptablesBackend().steps(this)) {
            if (!step.checkOnly()) {
                commands.add(0, step.undo().argv());
            }
        }
        return commands;
    }
}

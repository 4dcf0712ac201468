package org.pepsal.proxy.cli;

import org.pepsal.proxy.link.SatelliteLink;
import org.pepsal.proxy.rules.LinkWindows;
import org.pepsal.proxy.rules.ProcessCommandRunner;
import org.pepsal.proxy.rules.RuleBackend;
import org.pepsal.proxy.rules.RuleManager;
import org.pepsal.proxy.rules.RuleScripts;
import org.pepsal.proxy.rules.RulesException;
import org.pepsal.proxy.rules.SystemAccess;
import org.pepsal.proxy.rules.TproxyRules;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code pepsal rules install | remove | check}: the netfilter and routing set-up the proxy needs. */
@Command(name = "rules", mixinStandardHelpOptions = true, versionProvider = PepsalMain.Version.class,
        description = "Install, remove or check the TPROXY rules, the policy routing and IP forwarding the proxy "
                + "needs. Needs CAP_NET_ADMIN. Exit code: 0 done / all present, 1 failed / something missing, "
                + "2 bad usage.",
        subcommands = {RulesCommand.Install.class, RulesCommand.Remove.class, RulesCommand.Check.class})
public final class RulesCommand implements Runnable {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "say what to do: install, remove or check");
    }

    /** The options every rules command takes; their names are the config file's keys. */
    static final class RuleOptions {
        @Option(names = "--iface", split = ",", paramLabel = "IF",
                description = "Interface whose incoming TCP connections are split (repeatable, or comma-separated; "
                        + "'eth+' matches every name starting with eth).")
        List<String> interfaces = new ArrayList<>();

        @Option(names = "--ipv6", description = "Divert IPv6 too (ip6tables / nft ip6, ip -6 rule and route, "
                + "IPv6 forwarding).")
        boolean ipv6;

        @Option(names = {"-p", "--port"}, defaultValue = "5000",
                description = "The proxy's listening port (default ${DEFAULT-VALUE}).")
        int port;

        @Option(names = "--mark", defaultValue = "1",
                description = "Firewall mark of diverted packets (default ${DEFAULT-VALUE}).")
        int mark;

        @Option(names = "--table", defaultValue = "100",
                description = "Routing table for marked packets (default ${DEFAULT-VALUE}).")
        int table;

        @Option(names = "--backend", defaultValue = "iptables", paramLabel = "iptables|nft",
                description = "iptables (the mangle table, rules tagged 'pepsal') or nft (a table 'inet pepsal' of "
                        + "its own) (default ${DEFAULT-VALUE}).")
        String backend;

        @Option(names = "--ip-forward", negatable = true, defaultValue = "true", fallbackValue = "true",
                description = "Set net.ipv4.ip_forward (and IPv6 forwarding with --ipv6) to 1; remove restores the "
                        + "previous value (default: on).")
        boolean forwarding;

        @Option(names = "--state-dir", defaultValue = "/run/pepsal", paramLabel = "DIR",
                description = "Where install records what it changed, one file per network namespace "
                        + "(default ${DEFAULT-VALUE}).")
        Path stateDir;

        @Option(names = "--print", description = "Show the commands, run nothing.")
        boolean print;

        RuleBackend backend() {
            return RuleBackend.named(backend);
        }

        TproxyRules rules() {
            return new TproxyRules(interfaces, port, mark, table, ipv6);
        }

        RuleManager manager(PrintWriter out) {
            return new RuleManager(new ProcessCommandRunner(), SystemAccess.LOCAL, stateDir, out);
        }
    }

    abstract static class RuleAction implements Callable<Integer> {
        @Mixin
        RuleOptions options;

        @Spec
        CommandLine.Model.CommandSpec spec;

        PrintWriter out() {
            return spec.commandLine().getOut();
        }

        @Override
        public Integer call() {
            try {
                return act();
            } catch (RulesException e) {
                spec.commandLine().getErr().println("pepsal rules " + spec.name() + ": " + e.getMessage());
                return 1;
            } finally {
                out().flush();
            }
        }

        abstract int act();
    }

    @Command(name = "install", mixinStandardHelpOptions = true, versionProvider = PepsalMain.Version.class,
            description = "Add the rules (idempotent: present pieces are kept, missing ones added). On any failure "
                    + "everything added is rolled back.")
    static final class Install extends RuleAction {
        @Option(names = "--satellite-iface", paramLabel = "IF",
                description = "The interface the satellite link is on: with --satellite-rate, every route through it "
                        + "gets an initial congestion and receive window of the link's BDP (initcwnd/initrwnd; remove "
                        + "gives back the windows each had), so connections start at the link's rate.")
        String satelliteInterface;

        @Option(names = "--satellite-rate", paramLabel = "RATE", converter = SatelliteOptions.RateConverter.class,
                description = "The satellite link's rate (20Mbit/s), as the proxy's option of the same name.")
        Long satelliteRate;

        @Option(names = "--satellite-receive-rate", paramLabel = "RATE", converter = SatelliteOptions.RateConverter.class,
                description = "The rate this host receives at over the satellite (default: --satellite-rate); the "
                        + "routes' initrwnd is its BDP. At a terminal: the forward link.")
        Long satelliteReceiveRate;

        @Option(names = "--satellite-rtt", paramLabel = "DURATION", converter = SatelliteOptions.DurationConverter.class,
                description = "The round-trip time over the satellite (default 600ms).")
        Duration satelliteRtt;

        @Override
        int act() {
            LinkWindows windows = windows();
            if (options.print) {
                RuleScripts.install(options.backend(), options.rules(), options.forwarding)
                        .forEach(out()::println);
                if (windows != null) {
                    RuleScripts.windows(windows, options.rules()).forEach(out()::println);
                }
                return 0;
            }
            options.manager(out()).install(options.backend(), options.rules(), options.forwarding, windows);
            return 0;
        }

        /** The link's windows, or null when no link was stated; half a link is an error naming what is missing. */
        LinkWindows windows() {
            if (satelliteInterface == null && satelliteRate == null) {
                if (satelliteRtt != null || satelliteReceiveRate != null) {
                    throw new IllegalArgumentException((satelliteRtt != null ? "--satellite-rtt"
                            : "--satellite-receive-rate") + " needs --satellite-rate and --satellite-iface");
                }
                return null;
            }
            if (satelliteInterface == null || satelliteRate == null) {
                throw new IllegalArgumentException((satelliteRate == null ? "--satellite-iface needs --satellite-rate"
                        : "--satellite-rate needs --satellite-iface") + " (the routes through the satellite interface "
                        + "get the link's initial windows)");
            }
            Duration rtt = satelliteRtt != null ? satelliteRtt : SatelliteLink.GEO_RTT;
            return new LinkWindows(satelliteInterface, SatelliteLink.initialWindowSegments(satelliteRate, rtt),
                    SatelliteLink.initialWindowSegments(satelliteReceiveRate != null ? satelliteReceiveRate
                            : satelliteRate, rtt));
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, versionProvider = PepsalMain.Version.class,
            description = "Remove exactly what install added (from its state file; without one, what these options "
                    + "and the 'pepsal' tag describe), restore the forwarding sysctls and the routes' initial windows. "
                    + "Idempotent.")
    static final class Remove extends RuleAction {
        @Override
        int act() {
            if (options.print) {
                RuleScripts.remove(options.backend(), options.rules(), options.forwarding)
                        .forEach(out()::println);
                return 0;
            }
            // Without a state file the interfaces are not needed: tagged rules are found whatever their interface.
            List<String> ifaces = options.interfaces.isEmpty() ? List.of("lo") : options.interfaces;
            TproxyRules fallback = new TproxyRules(ifaces, options.port, options.mark, options.table, true);
            return options.manager(out()).remove(options.backend(), fallback) ? 0 : 1;
        }
    }

    @Command(name = "check", mixinStandardHelpOptions = true, versionProvider = PepsalMain.Version.class,
            description = "Report each piece of the set-up, the forwarding sysctls, whether the proxy listens, how "
                    + "many packets were diverted, and whether SYNs reach the listener. Changes nothing.")
    static final class Check extends RuleAction {
        @Option(names = "--metrics-port", defaultValue = "0", paramLabel = "PORT",
                description = "The proxy's metrics port: also report how many connections it accepted "
                        + "(default: the config file's metrics-port; 0: do not ask).")
        int metricsPort;

        @Override
        int act() {
            if (options.print) {
                RuleScripts.check(options.backend(), options.rules()).forEach(out()::println);
                return 0;
            }
            TproxyRules rules = options.interfaces.isEmpty() ? null : options.rules();
            return options.manager(out()).check(options.backend(), rules, options.forwarding, metricsPort) ? 0 : 1;
        }
    }
}

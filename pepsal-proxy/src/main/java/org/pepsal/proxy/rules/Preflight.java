package org.pepsal.proxy.rules;

import java.util.ArrayList;
import java.util.List;

/**
 * What is checked before anything changes: the programs, CAP_NET_ADMIN, the interfaces. Each failure names the fix
 * and says that nothing was changed.
 */
final class Preflight {
    private final CommandRunner runner;
    private final SystemAccess system;

    Preflight(CommandRunner runner, SystemAccess system) {
        this.runner = runner;
        this.system = system;
    }

    /** Everything install needs: the backend's programs, the capability, every interface named. */
    void forInstall(RuleBackend backend, TproxyRules rules) {
        programs(backend.programs(rules));
        netAdmin();
        List<String> unknown = new ArrayList<>();
        for (String iface : rules.interfaces()) {
            if (!iface.endsWith("+") && !runner.run(Command.of("ip", "link", "show", "dev", iface)).ok()) {
                unknown.add(iface);
            }
        }
        if (!unknown.isEmpty()) {
            List<String> present = runner.run(Command.of("ip", "-o", "link", "show")).stdout().lines()
                    .map(l -> l.replaceFirst("^\\d+:\\s*([^:@]+).*", "$1")).toList();
            throw new RulesException("no interface named " + String.join(", ", unknown) + " here (this host has: "
                    + String.join(", ", present) + "): check --iface; nothing was installed");
        }
    }

    /** {@code ip} and the given programs (each with its Debian package) are installed. */
    void programs(List<String[]> programs) {
        List<String[]> all = new ArrayList<>(programs);
        all.add(0, new String[] {"ip", "iproute2"});
        for (String[] program : all) {
            if (!runner.exists(program[0])) {
                throw new RulesException(program[0] + " is not installed (not on the PATH, nor in /usr/sbin): "
                        + "install it with `apt-get install " + program[1] + "`"
                        + (program[1].equals("iptables") ? ", or use --backend nft"
                           : program[1].equals("nftables") ? ", or use --backend iptables" : "")
                        + "; nothing was changed");
            }
        }
    }

    void netAdmin() {
        if (!system.hasNetAdmin()) {
            throw new RulesException("changing or reading netfilter rules needs CAP_NET_ADMIN, which this process "
                    + "lacks: run it as root, or grant the capability (systemd: AmbientCapabilities=CAP_NET_ADMIN; "
                    + "docker: --cap-add NET_ADMIN); nothing was changed");
        }
    }
}

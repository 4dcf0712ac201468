package org.pepsal.proxy.rules;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A host for {@link RuleManager} tests: it knows the steps of one backend and answers their probes from what
 * their apply and undo commands did. Commands it does not know succeed with empty output, unless told otherwise.
 */
final class FakeHost implements CommandRunner, SystemAccess {
    final List<Command> ran = new ArrayList<>();
    final Set<Step> present = new HashSet<>();
    final Map<String, String> sysctls = new HashMap<>(Map.of("net.ipv4.ip_forward", "0",
            "net.ipv6.conf.all.forwarding", "0"));
    final Map<List<String>, Result> canned = new HashMap<>();
    final Set<String> missingPrograms = new HashSet<>();
    final Set<String> interfaces = new HashSet<>(Set.of("lo", "eth0", "eth1"));
    Command failing;
    boolean netAdmin = true;
    boolean readOnlySysctl;
    boolean listening;
    long accepted = -1;
    int effectiveUid = SystemAccess.LOCAL.effectiveUid();
    private final List<Step> steps;

    FakeHost(RuleBackend backend, TproxyRules rules) {
        this.steps = backend.steps(rules);
    }

    List<Command> changes() {
        return ran.stream().filter(c -> steps.stream().anyMatch(s -> c.equals(s.apply()) || c.equals(s.undo())))
                .toList();
    }

    @Override
    public Result run(Command command) {
        ran.add(command);
        if (command.equals(failing)) {
            return new Result(1, "", "fake failure");
        }
        if (canned.containsKey(command.argv())) {
            return canned.get(command.argv());
        }
        if (command.argv().size() == 5 && command.argv().subList(0, 4).equals(List.of("ip", "link", "show", "dev"))) {
            return interfaces.contains(command.argv().get(4)) ? new Result(0, "1: x", "") : new Result(1, "", "no");
        }
        for (Step step : steps) {
            if (command.equals(step.apply())) {
                present.add(step);
                return new Result(0, "", "");
            }
            if (command.equals(step.undo())) {
                present.remove(step);
                return new Result(0, "", "");
            }
        }
        for (Step step : steps) {
            if (command.equals(step.probe().command())) {
                return present.contains(step) ? new Result(0, "present", "") : new Result(1, "", "");
            }
        }
        boolean listing = command.argv().stream().anyMatch(List.of("-S", "-C", "list", "exact", "fwmark")::contains)
                && !command.argv().contains("add") && !command.argv().contains("-A") && !command.argv().contains("-I");
        return listing ? new Result(1, "", "no such chain or table") : new Result(0, "", "");
    }

    @Override
    public boolean exists(String program) {
        return !missingPrograms.contains(program);
    }

    @Override
    public String sysctl(String key) {
        return sysctls.get(key);
    }

    @Override
    public void sysctl(String key, String value) throws IOException {
        if (readOnlySysctl) {
            throw new IOException("Read-only file system");
        }
        sysctls.put(key, value);
    }

    @Override
    public boolean hasNetAdmin() {
        return netAdmin;
    }

    @Override
    public int effectiveUid() {
        return effectiveUid;
    }

    @Override
    public String networkNamespaceId() {
        return "42";
    }

    @Override
    public long acceptedByProxy(int metricsPort) {
        return accepted;
    }

    @Override
    public boolean tcpListening(int port) {
        return listening;
    }
}

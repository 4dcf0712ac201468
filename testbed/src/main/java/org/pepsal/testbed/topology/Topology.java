package org.pepsal.testbed.topology;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * Hosts (network namespaces) and the links between them, built with {@code ip} and torn down completely by
 * {@link #close()}, also when the JVM is interrupted. Every name carries a per-run prefix ({@code tbXXXXXX-}),
 * so two runs never collide and whatever a killed run left is recognisable to {@link #cleanLeftovers()}.
 */
public final class Topology implements AutoCloseable {
    /** Namespaces made by any testbed run: {@code tb} + six hex digits + {@code -} + role. */
    public static final Pattern OWNED_NAMESPACE = Pattern.compile("tb[0-9a-f]{6}-[a-z0-9-]+");

    /**
     * How every prefix this process makes begins: {@code tb}, or {@code $TESTBED_PREFIX} ({@code tb} and up to
     * three hex digits) so that concurrent test sessions on one machine can tell their namespaces apart.
     */
    public static final String PREFIX_ROOT = prefixRoot(System.getenv("TESTBED_PREFIX"));

    private static final Set<Topology> OPEN = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> List.copyOf(OPEN).forEach(Topology::close),
                "topology-teardown"));
    }

    private final String prefix;
    private final Map<String, Host> hosts = new LinkedHashMap<>();
    private final List<Link> links = new ArrayList<>();
    private final Deque<Runnable> teardown = new ArrayDeque<>();
    private boolean closed;

    private Topology(String prefix) {
        this.prefix = prefix;
    }

    /** Starts an empty topology with a fresh run prefix. */
    public static Topology create() {
        int randomDigits = 8 - PREFIX_ROOT.length();
        String prefix = PREFIX_ROOT + String.format("%0" + randomDigits + "x",
                ThreadLocalRandom.current().nextInt(1 << (4 * randomDigits))) + "-";
        Topology topology = new Topology(prefix);
        OPEN.add(topology);
        return topology;
    }

    static String prefixRoot(String configured) {
        if (configured == null || configured.isEmpty()) {
            return "tb";
        }
        if (!configured.matches("tb[0-9a-f]{0,3}")) {
            throw new IllegalArgumentException("TESTBED_PREFIX must be tb followed by up to three hex digits, not "
                    + configured);
        }
        return configured;
    }

    public String prefix() {
        return prefix;
    }

    /** Adds a host: a new network namespace with its loopback up. */
    public synchronized Host host(String role) {
        if (!role.matches("[a-z0-9-]+")) {
            throw new IllegalArgumentException("host role must be lower-case letters, digits and '-': " + role);
        }
        if (hosts.containsKey(role)) {
            throw new IllegalArgumentException("host " + role + " already exists");
        }
        String namespace = prefix + role;
        Shell.run("ip", "netns", "add", namespace);
        Host host = new Host(role, namespace);
        hosts.put(role, host);
        host.exec("ip", "link", "set", "lo", "up");
        return host;
    }

    public synchronized Host host(String role, boolean mustExist) {
        Host host = hosts.get(role);
        if (host == null && mustExist) {
            throw new IllegalArgumentException("no host " + role);
        }
        return host;
    }

    public synchronized List<Host> hosts() {
        return List.copyOf(hosts.values());
    }

    /**
     * Joins two hosts with a veth pair, created directly inside the two namespaces (so the root namespace
     * never sees the names), and gives each end an IPv4 and an IPv6 address from the link's subnet.
     */
    public synchronized Link veth(Host a, Host b) {
        int index = links.size() + 1;
        Link link = new Link(index, a, b, "v" + index + a.role(), "v" + index + b.role());
        Shell.run("ip", "link", "add", link.aDevice(), "netns", a.namespace(), "type", "veth",
                "peer", "name", link.bDevice(), "netns", b.namespace());
        link.configureEnds();
        links.add(link);
        return link;
    }

    /** Registers a link made by someone else (an emulated link), so that routes can be set through it. */
    public synchronized Link adopt(Link link) {
        links.add(link);
        return link;
    }

    /** The next link index: each link gets its own subnet. */
    public synchronized int nextLinkIndex() {
        return links.size() + 1;
    }

    public synchronized List<Link> links() {
        return Collections.unmodifiableList(links);
    }

    /** Sets {@code host}'s default routes (IPv4 and IPv6) through the far end of {@code link}. */
    public void defaultRoute(Host host, Link link) {
        host.exec("ip", "route", "replace", "default", "via", link.peerOf(host).ipv4(), "dev", link.deviceOf(host));
        host.exec("ip", "-6", "route", "replace", "default", "via", link.peerOf(host).ipv6(), "dev",
                link.deviceOf(host));
    }

    /** Lets a host forward packets between its links. */
    public void enableForwarding(Host host) {
        host.sysctl("net.ipv4.ip_forward", "1");
        host.sysctl("net.ipv6.conf.all.forwarding", "1");
    }

    /** Adds an action to run at teardown, before the namespaces go (last added runs first). */
    public synchronized void onClose(Runnable action) {
        teardown.push(action);
    }

    /** Tears everything down: registered actions, processes, namespaces. Safe to call twice. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<RuntimeException> failures = new ArrayList<>();
        while (!teardown.isEmpty()) {
            try {
                teardown.pop().run();
            } catch (RuntimeException e) {
                failures.add(e);
            }
        }
        for (Host host : hosts.values()) {
            host.stopProcesses();
        }
        for (Host host : hosts.values()) {
            deleteNamespace(host.namespace());
        }
        OPEN.remove(this);
        if (!failures.isEmpty()) {
            IllegalStateException error = new IllegalStateException("teardown of " + prefix + " had errors");
            failures.forEach(error::addSuppressed);
            throw error;
        }
    }

    /** Kills whatever still runs in a namespace, then deletes it. */
    static void deleteNamespace(String namespace) {
        Shell.Result pids = Shell.tryRun("ip", "netns", "pids", namespace);
        for (String pid : pids.stdout().split("\\s+")) {
            if (!pid.isBlank()) {
                Shell.tryRun("kill", "-9", pid.strip());
            }
        }
        Shell.tryRun("ip", "netns", "del", namespace);
    }

    /** Namespaces that look like a testbed run's (for {@code testbed clean}). */
    public static List<String> leftoverNamespaces() {
        List<String> found = new ArrayList<>();
        for (String line : Shell.tryRun("ip", "netns", "list").stdout().split("\n")) {
            String name = line.strip().split("\\s+")[0];
            if (OWNED_NAMESPACE.matcher(name).matches()) {
                found.add(name);
            }
        }
        return found;
    }

    /**
     * Removes the namespaces (and their processes) left by runs whose prefix starts with {@code prefix}
     * ({@code "tb"}: every run's); returns their names.
     */
    public static List<String> cleanLeftovers(String prefix) {
        List<String> found = leftoverNamespaces().stream().filter(name -> name.startsWith(prefix)).toList();
        found.forEach(Topology::deleteNamespace);
        return found;
    }

    /** Removes every namespace (and its processes) that a testbed run left behind; returns their names. */
    public static List<String> cleanLeftovers() {
        List<String> found = leftoverNamespaces();
        found.forEach(Topology::deleteNamespace);
        return found;
    }
}

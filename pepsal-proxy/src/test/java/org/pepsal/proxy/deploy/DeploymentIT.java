package org.pepsal.proxy.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.ContainerNetwork;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.ImageFromDockerfile;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The deployment as an operator does it, in containers: a client and a server on two Docker networks, and between
 * them a gateway running the proxy's image with NET_ADMIN only (not privileged). The gateway installs the rules
 * with the jar's own {@code pepsal rules install}, splits a connection, and {@code pepsal rules remove} must leave
 * its netfilter ruleset and routing tables exactly as they were. Once with each backend.
 *
 * <p>Needs a Docker daemon and the local base image ({@code deploy/docker/build-base-image.sh}). Without them the
 * test is skipped with the reason, except under {@code CI=true}, where it fails.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(DockerAvailable.class)
class DeploymentIT {
    private static final String BASE_IMAGE = DockerAvailable.BASE_IMAGE;
    private static final String PROBE = "org.pepsal.proxy.deploy.DeployProbe";
    private static final int SERVER_PORT = 9000;
    private static final long BYTES = 8L << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<AutoCloseable> resources = new ArrayList<>();
    private Network clientSide;
    private Network serverSide;
    private GenericContainer<?> client;
    private GenericContainer<?> server;
    private GenericContainer<?> gateway;
    private String clientIp;
    private String serverIp;
    private String gatewayClientIface;
    private String imageName;

    @BeforeAll
    void deploy() throws Exception {
        requireDocker();
        Path jar = Path.of(System.getProperty("pepsal.jar", "target/pepsal-proxy.jar")).toAbsolutePath();
        Path dockerfile = Path.of(System.getProperty("pepsal.dockerfile", "../deploy/docker/Dockerfile"))
                .toAbsolutePath();
        Path probe = Path.of(DeployProbe.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .resolve(PROBE.replace('.', '/') + ".class");
        assertThat(jar).as("the packaged jar (run `mvn verify`, not `mvn test`)").exists();

        long start = System.nanoTime();
        ImageFromDockerfile image = new ImageFromDockerfile("pepsal-proxy-it", true)
                .withFileFromPath("Dockerfile", dockerfile)
                .withFileFromPath("pepsal-proxy.jar", jar);
        imageName = image.get();
        System.out.printf("image %s built in %.1f s%n", imageName, (System.nanoTime() - start) / 1e9);

        clientSide = track(Network.newNetwork());
        serverSide = track(Network.newNetwork());
        server = track(new GenericContainer<>(DockerImageName.parse(BASE_IMAGE))
                .withNetwork(serverSide)
                .withCreateContainerCmdModifier(cmd -> cmd.getHostConfig().withCapAdd(Capability.NET_ADMIN))
                .withCopyFileToContainer(MountableFile.forHostPath(probe), "/probe/" + PROBE.replace('.', '/') + ".class")
                .withCommand("java", "-cp", "/probe", PROBE, "server", Integer.toString(SERVER_PORT))
                .waitingFor(Wait.forLogMessage(".*probe server listening.*", 1))
                .withStartupTimeout(Duration.ofSeconds(60)));
        client = track(new GenericContainer<>(DockerImageName.parse(BASE_IMAGE))
                .withNetwork(clientSide)
                .withCreateContainerCmdModifier(cmd -> cmd.getHostConfig().withCapAdd(Capability.NET_ADMIN))
                .withCopyFileToContainer(MountableFile.forHostPath(probe), "/probe/" + PROBE.replace('.', '/') + ".class")
                .withCommand("sleep", "infinity"));
        gateway = track(new GenericContainer<>(DockerImageName.parse(imageName))
                .withNetwork(clientSide)
                .withCreateContainerCmdModifier(cmd -> cmd.getHostConfig()
                        .withCapAdd(Capability.NET_ADMIN)
                        .withPrivileged(false)
                        // /proc/sys is read-only in a container: forwarding is set when it is created
                        .withSysctls(Map.of("net.ipv4.ip_forward", "1")))
                .withCommand("--flow-log", "/var/log/pepsal/flows.jsonl", "--metrics-port", "8404", "-v")
                .waitingFor(Wait.forLogMessage(".*metrics on http.*", 1))
                .withStartupTimeout(Duration.ofSeconds(60)));
        server.start();
        client.start();
        gateway.start();
        DockerClient docker = DockerClientFactory.instance().client();
        docker.connectToNetworkCmd().withContainerId(gateway.getContainerId()).withNetworkId(serverSide.getId()).exec();

        clientIp = address(client, clientSide);
        serverIp = address(server, serverSide);
        String gatewayClientIp = address(gateway, clientSide);
        String gatewayServerIp = address(gateway, serverSide);
        exec(client, "ip", "route", "add", serverIp + "/32", "via", gatewayClientIp);
        exec(server, "ip", "route", "add", clientIp + "/32", "via", gatewayServerIp);
        String links = exec(gateway, "ip", "-o", "-4", "addr", "show").getStdout();
        gatewayClientIface = links.lines().filter(l -> l.contains(" " + gatewayClientIp + "/")).findFirst()
                .map(l -> l.split("\\s+")[1]).orElseThrow(() -> new AssertionError("no interface in " + links));
        System.out.printf("client %s, server %s, gateway %s (%s) / %s; deployed in %.1f s%n", clientIp, serverIp,
                gatewayClientIp, gatewayClientIface, gatewayServerIp, (System.nanoTime() - start) / 1e9);
    }

    /** Under CI=true {@link DockerAvailable} lets the test run whatever is missing: fail on it here. */
    private static void requireDocker() {
        String missing = DockerAvailable.missing();
        if (missing != null) {
            fail("CI=true, but " + missing);
        }
    }

    private <T extends AutoCloseable> T track(T resource) {
        resources.add(0, resource);
        return resource;
    }

    @AfterAll
    void tearDown() {
        for (AutoCloseable resource : resources) {
            try {
                resource.close();
            } catch (Exception e) {
                System.out.println("teardown: " + e);
            }
        }
        if (imageName != null) {
            try {
                DockerClientFactory.instance().client().removeImageCmd(imageName).withForce(true).exec();
            } catch (RuntimeException e) {
                System.out.println("teardown: " + e);
            }
        }
    }

    /** The container's address on a network; right after a connect Docker may not report it yet, so it waits. */
    private static String address(GenericContainer<?> container, Network network) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (true) {
            Map<String, ContainerNetwork> networks = DockerClientFactory.instance().client()
                    .inspectContainerCmd(container.getContainerId()).exec().getNetworkSettings().getNetworks();
            String address = networks.values().stream().filter(n -> network.getId().equals(n.getNetworkID()))
                    .map(ContainerNetwork::getIpAddress).filter(a -> a != null && !a.isBlank()).findFirst()
                    .orElse(null);
            if (address != null) {
                return address;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no address on network " + network.getId() + " after 15 s");
            }
            Thread.sleep(100);
        }
    }

    private static ExecResult exec(GenericContainer<?> container, String... command) throws Exception {
        ExecResult result = container.execInContainer(command);
        assertThat(result.getExitCode()).as("%s\nstdout: %s\nstderr: %s", String.join(" ", command),
                result.getStdout(), result.getStderr()).isZero();
        return result;
    }

    /** The gateway's netfilter ruleset and routing, with packet counters taken out. */
    private String snapshot() throws Exception {
        ExecResult result = gateway.execInContainer("sh", "-c", "iptables-save | grep -v '^#'; "
                + "ip6tables-save 2>/dev/null | grep -v '^#'; echo '-- nft'; nft list ruleset; echo '-- rules'; "
                + "ip rule; ip -6 rule 2>/dev/null; echo '-- routes'; ip route show table all; "
                + "ip -6 route show table all 2>/dev/null; echo '-- forwarding'; cat /proc/sys/net/ipv4/ip_forward");
        return result.getStdout().replaceAll("\\[\\d+:\\d+\\]", "[]");
    }

    @Test
    void iptablesBackend() throws Exception {
        deployAndSplit("iptables");
    }

    @Test
    void nftBackend() throws Exception {
        deployAndSplit("nft");
    }

    private void deployAndSplit(String backend) throws Exception {
        String before = snapshot();
        double acceptedBefore = metric("pepsal_connections_accepted_total");
        double cleanBefore = metric("pepsal_connections_closed_total{how=\"clean\"}");
        double latencyBefore = metric("pepsal_connect_latency_seconds_count");
        long start = System.nanoTime();
        ExecResult install = exec(gateway, "pepsal", "rules", "install", "--iface", gatewayClientIface,
                "--backend", backend);
        System.out.printf("[%s] rules install in %.1f s:%n%s", backend, (System.nanoTime() - start) / 1e9,
                install.getStdout());
        ExecResult again = exec(gateway, "pepsal", "rules", "install", "--iface", gatewayClientIface,
                "--backend", backend);
        assertThat(again.getStdout()).as("a second install changes nothing").doesNotContain("added ");

        ExecResult check = exec(gateway, "pepsal", "rules", "check");
        assertThat(check.getStdout()).contains("verdict: SYNs arriving on " + gatewayClientIface
                + " reach the listener");

        ExecResult transfer = client.execInContainer("java", "-cp", "/probe", PROBE, "client", serverIp,
                Integer.toString(SERVER_PORT), Long.toString(BYTES));
        System.out.printf("[%s] %s%s", backend, transfer.getStdout(), transfer.getStderr());
        assertThat(transfer.getExitCode()).as("byte-exact echo through the proxy: %s", transfer.getStdout())
                .isZero();
        String clientLocal = transfer.getStdout().replaceAll("(?s).*local=(\\S+).*", "$1");

        // the server saw the client's own address, not the gateway's
        assertThat(server.getLogs()).contains("peer " + clientLocal);

        // the gateway's flow log has the connection, with its bytes
        JsonNode flow = awaitFlow(clientLocal);
        assertThat(flow.get("server").asText()).isEqualTo(serverIp + ":" + SERVER_PORT);
        assertThat(flow.get("bytesFromClient").asLong()).isEqualTo(BYTES);
        assertThat(flow.get("bytesFromServer").asLong()).isEqualTo(BYTES);

        // the rule counted the diverted packets; the metrics counted the connection
        ExecResult checkAfter = exec(gateway, "pepsal", "rules", "check", "--metrics-port", "8404");
        assertThat(checkAfter.getStdout()).containsPattern("counter .* [1-9]\\d* packets diverted")
                .containsPattern("the proxy accepted [1-9]\\d* connection");
        assertThat(metric("pepsal_connections_accepted_total")).isEqualTo(acceptedBefore + 1);
        assertThat(metric("pepsal_connections_closed_total{how=\"clean\"}")).isEqualTo(cleanBefore + 1);
        assertThat(metric("pepsal_connect_latency_seconds_count")).isEqualTo(latencyBefore + 1);
        assertThat(metric("pepsal_bytes_total{direction=\"client_to_server\"}")).isGreaterThanOrEqualTo(BYTES);

        ExecResult remove = exec(gateway, "pepsal", "rules", "remove");
        System.out.printf("[%s] rules remove:%n%s", backend, remove.getStdout());
        assertThat(snapshot()).as("netfilter and routing after remove").isEqualTo(before);
        ExecResult removeAgain = exec(gateway, "pepsal", "rules", "remove");
        assertThat(removeAgain.getStdout()).contains("nothing to remove");
    }

    /** One sample from the gateway's metrics endpoint (localhost only, so fetched from inside with bash). */
    private double metric(String series) throws Exception {
        ExecResult metrics = exec(gateway, "bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8404; "
                + "printf 'GET /metrics HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3; cat <&3");
        return metrics.getStdout().lines().filter(l -> l.startsWith(series + " ")).findFirst()
                .map(l -> Double.parseDouble(l.substring(series.length() + 1).strip()))
                .orElseThrow(() -> new AssertionError("no " + series + " in\n" + metrics.getStdout()));
    }

    private JsonNode awaitFlow(String client) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        String log = "";
        while (System.nanoTime() < deadline) {
            log = gateway.execInContainer("cat", "/var/log/pepsal/flows.jsonl").getStdout();
            for (String line : log.lines().toList()) {
                JsonNode node = JSON.readTree(line);
                if (node.get("client").asText().equals(client)) {
                    return node;
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no flow of " + client + " in the gateway's flow log:\n" + log);
    }
}

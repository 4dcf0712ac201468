package org.pepsal.testbed.measure;

import org.pepsal.proxy.socket.TcpInfo;
import org.pepsal.testbed.scenario.LoadedScenario;
import org.pepsal.testbed.scenario.Point;
import org.pepsal.testbed.scenario.ScenarioLoader;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Points of a small GEO scenario, and tcp_info structs as the kernel lays them out. */
final class MeasureFixture {
    private MeasureFixture() {
    }

    static List<Point> points(Path dir, String extra) throws Exception {
        return points(dir, "{satelliteLeg: {congestionControl: bbr}}", extra);
    }

    /** @param pep the scenario's {@code pep:} section, in YAML's flow style */
    static List<Point> points(Path dir, String pep, String extra) throws Exception {
        Path file = Files.writeString(dir.resolve("geo.yaml"), """
                name: geo
                link:
                  down: {rate: 20 Mbit/s, delay: 300 ms, loss: 1 %}
                  up: {rate: 5 Mbit/s}
                hosts: {all: {congestionControl: cubic}}
                pep: PEP
                workload: {bulk: {duration: 10 s}}
                repetitions: 1
                """.replace("PEP", pep) + extra);
        LoadedScenario loaded = ScenarioLoader.load(file);
        return loaded.points();
    }

    static Point point(List<Point> points, String id) {
        return points.stream().filter(p -> p.id().equals(id)).findFirst().orElseThrow();
    }

    static TcpInfo tcpInfo(long cwnd, long rttUs, long retransmits, long dataSegsOut, long busyUs, long rwndUs,
                           long bytesReceived, long bytesSent) {
        return TcpInfos.of(cwnd, rttUs, retransmits, dataSegsOut, busyUs, rwndUs, 0, bytesReceived, bytesSent);
    }
}

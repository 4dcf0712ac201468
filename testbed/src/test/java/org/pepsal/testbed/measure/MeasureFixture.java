package org.pepsal.testbed.measure;

import org.pepsal.proxy.socket.TcpInfo;
import org.pepsal.testbed.scenario.LoadedScenario;
import org.pepsal.testbed.scenario.Point;
import org.pepsal.testbed.scenario.ScenarioLoader;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Points of a small GEO scenario, and tcp_info structs as the kernel lays them out. */
final class MeasureFixture {
    private MeasureFixture() {
    }

    static List<Point> points(Path dir, String extra) throws Exception {
        Path file = Files.writeString(dir.resolve("geo.yaml"), """
                name: geo
                link:
                  down: {rate: 20 Mbit/s, delay: 300 ms, loss: 1 %}
                  up: {rate: 5 Mbit/s}
                hosts: {all: {congestionControl: cubic}}
                pep: {satelliteLeg: {congestionControl: bbr}}
                workload: {bulk: {duration: 10 s}}
                repetitions: 1
                """ + extra);
        LoadedScenario loaded = ScenarioLoader.load(file);
        return loaded.points();
    }

    static Point point(List<Point> points, String id) {
        return points.stream().filter(p -> p.id().equals(id)).findFirst().orElseThrow();
    }

    static TcpInfo tcpInfo(long cwnd, long rttUs, long retransmits, long dataSegsOut, long busyUs, long rwndUs,
                           long bytesReceived, long bytesSent) {
        ByteBuffer raw = ByteBuffer.allocate(232).order(ByteOrder.nativeOrder());
        raw.put(0, (byte) 1);
        raw.putInt(68, (int) rttUs);
        raw.putInt(80, (int) cwnd);
        raw.putInt(100, (int) retransmits);
        raw.putLong(128, bytesReceived);
        raw.putInt(148, 600_000);
        raw.putInt(156, (int) dataSegsOut);
        raw.putLong(168, busyUs);
        raw.putLong(176, rwndUs);
        raw.putLong(184, 0);
        raw.putLong(200, bytesSent);
        return TcpInfo.parse(raw.array(), 232);
    }
}

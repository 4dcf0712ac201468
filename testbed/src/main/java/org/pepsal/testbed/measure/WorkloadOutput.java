package org.pepsal.testbed.measure;

import org.pepsal.testbed.link.LinkStats;
import org.pepsal.testbed.measure.sockdiag.SocketRecord;
import org.pepsal.testbed.traffic.FlowResult;
import org.pepsal.testbed.traffic.Iperf3;
import org.pepsal.testbed.traffic.UserCommand;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a point's workload left, raw, for {@link PointMeasurements}: the tools' results, the sampled sockets, and
 * each link's backend and its statistics, counted from the workload's start.
 *
 * @param bulk             iperf3's result, or null without a bulk workload
 * @param flows            the downloads, empty without a flows workload
 * @param command          how the user's command ended, or null without a command workload
 * @param flowPort         the flow server's port
 * @param scheduleStart    the workload's start: the schedule's start as {@link System#nanoTime()}
 * @param bulkLaunchOffset seconds from the schedule's start to iperf3's launch
 * @param samplerProblems  why some host's sockets were not sampled (empty when all were)
 * @param clientTcp        the client host's receive-window settings as its namespace had them
 *                         ({@link ReceiveWindow#read})
 */
public record WorkloadOutput(Iperf3.Result bulk, List<FlowResult> flows, UserCommand.Outcome command,
                             String clientAddress, String serverAddress, int flowPort, List<SocketRecord> sockets,
                             List<String> samplerProblems, long scheduleStart, double bulkLaunchOffset,
                             String satelliteBackend, Optional<LinkStats> satelliteStats, String terrestrialBackend,
                             Optional<LinkStats> terrestrialStats, Map<String, String> clientTcp) {
    public WorkloadOutput {
        clientTcp = Map.copyOf(clientTcp);
    }
}

package org.pepsal.testbed.measure;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The metric names and units of results.csv and timeseries.csv, with what each means (the report's legend and
 * docs/scenarios.md say the same). Each row also names its leg ({@link Legs}).
 */
public final class Metrics {
    // Bulk transfers (iperf3, the receiver's view).
    public static final String GOODPUT = "goodput";
    public static final String GOODPUT_AFTER_STARTUP = "goodput_after_startup";
    public static final String STARTUP_TIME = "startup_time";
    public static final String GOODPUT_BIN = "goodput_bin";
    public static final String BYTES_DELIVERED = "bytes_delivered";
    public static final String TRANSFER_TIME = "transfer_time";
    public static final String STREAM_GOODPUT = "stream_goodput";
    public static final String JAIN_FAIRNESS = "jain_fairness";
    // The senders' view (TCP_INFO), per leg.
    public static final String RETRANSMITS = "retransmits";
    public static final String SEGMENTS_SENT = "segments_sent";
    public static final String RETRANSMISSION_RATE = "retransmission_rate";
    public static final String SRTT = "srtt";
    public static final String MIN_RTT = "min_rtt";
    public static final String RWND_LIMITED = "rwnd_limited";
    public static final String RECEIVE_WINDOW_ADVERTISED = "receive_window_advertised";
    public static final String SNDBUF_LIMITED = "sndbuf_limited";
    public static final String CONGESTION_CONTROL = "congestion_control";
    public static final String CWND = "cwnd";
    public static final String PACING_RATE = "pacing_rate";
    public static final String DELIVERY_RATE = "delivery_rate";
    public static final String DELIVERED_GOODPUT = "delivered_goodput";
    public static final String IN_FLIGHT = "in_flight";
    // Short flows.
    public static final String FLOW_COMPLETION_TIME = "flow_completion_time";
    public static final String TIME_TO_FIRST_BYTE = "time_to_first_byte";
    public static final String FLOW_BYTES = "flow_bytes";
    // The links as configured.
    public static final String LINK_RATE = "link_rate";
    public static final String LINK_DELAY = "link_delay";
    public static final String LINK_LOSS = "link_loss";
    public static final String QUEUE_LIMIT = "queue_limit";
    public static final String BASE_RTT = "base_rtt";
    public static final String MSS = "mss";
    public static final String PATH_CAPACITY = "path_capacity";
    // Limits computed from the configuration, for reference beside what was measured.
    public static final String PHYSICAL_LIMIT = "physical_limit";
    public static final String RECEIVE_WINDOW = "receive_window";
    public static final String RECEIVE_WINDOW_INITIAL = "receive_window_initial";
    public static final String RECEIVE_WINDOW_RATE = "receive_window_rate";
    public static final String RECEIVE_WINDOW_LIMIT = "receive_window_limit";
    public static final String RECEIVE_WINDOW_GOODPUT_LIMIT = "receive_window_goodput_limit";
    // Plain TCP's steady-state model, for reference beside its goodput.
    public static final String RESPONSE_FUNCTION = "response_function";
    public static final String GOODPUT_TO_RESPONSE_FUNCTION = "goodput_to_response_function";
    public static final String RESPONSE_FUNCTION_AT_DEALT_LOSS = "response_function_at_dealt_loss";
    public static final String GOODPUT_TO_RESPONSE_FUNCTION_AT_DEALT_LOSS = "goodput_to_response_function_at_dealt_loss";
    // The link's own health (emulator statistics during the workload).
    public static final String LINK_HEALTH = "link_health";
    public static final String LINK_DROP_RATE = "link_drop_rate";
    // A command workload: the user's client, and the numbers its stdout gave (command_<name>).
    public static final String COMMAND_EXIT_STATUS = "command_exit_status";
    public static final String COMMAND_WALL_TIME = "command_wall_time";
    // The point itself.
    public static final String POINT_STATUS = "point_status";
    public static final String POINT_HEALTH = "point_health";
    public static final String POINT_START = "point_start";
    public static final String POINT_DURATION = "point_duration";

    /** Qualifier parameters: a flow's size in bytes and its round; a bulk stream's index. */
    public static final String FLOW_SIZE = "flow.size";
    public static final String FLOW_ROUND = "flow.round";
    public static final String STREAM = "stream";

    public static final String BITS_PER_SECOND = "bit/s";
    public static final String SECONDS = "s";
    public static final String MILLISECONDS = "ms";
    public static final String COUNT = "count";
    public static final String FRACTION = "fraction";
    public static final String BYTES = "B";
    public static final String SEGMENTS = "segments";
    public static final String RATIO = "ratio";
    public static final String UNIX_SECONDS = "unix-s";

    /** Start-up ends with the first goodput bin at this fraction of the path's capacity. */
    public static final double STARTUP_FRACTION = 0.9;

    /** Metric → what it means; the link-statistics metrics are listed by {@link LinkHealth}. */
    public static final Map<String, String> MEANINGS = meanings();

    private Metrics() {
    }

    /** The row of a number a command workload's stdout gave: {@code command_<name>}, the name as the file gives it. */
    public static String command(String name) {
        return "command_" + name;
    }

    private static Map<String, String> meanings() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(GOODPUT, "bytes the receiver got over the whole transfer, per second (iperf3's receiver sum); in timeseries.csv: per whole bin of bin_s seconds ending at time_s, what the receiving application got, which can exceed the link rate when a repaired loss releases data held behind it");
        m.put(GOODPUT_AFTER_STARTUP, "goodput from the end of start-up to the end of the transfer; absent when start-up never ended or ended with the transfer");
        m.put(STARTUP_TIME, "end of the first goodput bin at >= 90 % of the path capacity, from the transfer's start; '>' the transfer's length when never reached");
        m.put(GOODPUT_BIN, "the width of the bins of timeseries.csv (goodput, delivered_goodput): at least two base RTTs and at least 1 s, in whole 0.5 s iperf3 intervals; only whole bins are kept");
        m.put(BYTES_DELIVERED, "bytes the receiver got");
        m.put(TRANSFER_TIME, "time a fixed-size transfer took; '>' its timeout when it did not finish");
        m.put(STREAM_GOODPUT, "one stream of a multi-stream bulk transfer: bytes its receiver got per second (iperf3's per-stream intervals; qualifier stream)");
        m.put(JAIN_FAIRNESS, "Jain's fairness index over the streams' goodputs: (sum x)^2 / (n sum x^2), 1 when all are equal, 1/n when one took all");
        m.put(RETRANSMITS, "segments the leg's sender retransmitted (TCP_INFO total_retrans; iperf3's count without samples)");
        m.put(SEGMENTS_SENT, "data segments the leg's sender sent (TCP_INFO data_segs_out)");
        m.put(RETRANSMISSION_RATE, "retransmits / segments_sent of the leg's sender");
        m.put(SRTT, "the leg's sender's smoothed RTT, mean over its samples (in timeseries.csv: per sample)");
        m.put(MIN_RTT, "the leg's sender's minimum RTT");
        m.put(RECEIVE_WINDOW_ADVERTISED, "the largest receive window the leg's receivers advertised, as its senders saw it (TCP_INFO snd_wnd, Linux >= 6.2)");
        m.put(RWND_LIMITED, "share of the sender's busy time limited by the receiver's window (per sample interval in timeseries.csv)");
        m.put(SNDBUF_LIMITED, "share of the sender's busy time limited by its send buffer (per sample interval in timeseries.csv)");
        m.put(CONGESTION_CONTROL, "data connections whose sender on this leg ran the congestion control named in state");
        m.put(CWND, "the sender's congestion window");
        m.put(PACING_RATE, "the sender's pacing rate");
        m.put(DELIVERY_RATE, "the sender's delivery-rate estimate");
        m.put(DELIVERED_GOODPUT, "timeseries.csv only: per whole bin of bin_s seconds ending at time_s (the goodput's bins), what the satellite leg's senders of the bulk streams saw delivered (TCP_INFO delivered x MSS: acknowledged or selectively acknowledged, each segment once), per second; the link's rate bounds it");
        m.put(IN_FLIGHT, "segments sent and not yet acknowledged");
        m.put(FLOW_COMPLETION_TIME, "connect to last byte of one download; '>' the time waited when it timed out or failed");
        m.put(TIME_TO_FIRST_BYTE, "connect to first byte of the response; '>' the time waited when none came");
        m.put(FLOW_BYTES, "bytes a download delivered (state: completed, timed-out, failed)");
        m.put(LINK_RATE, "the link direction's configured rate (in timeseries.csv: at the start and at each schedule step)");
        m.put(LINK_DELAY, "the link direction's configured one-way delay");
        m.put(LINK_LOSS, "the link direction's configured mean loss");
        m.put(QUEUE_LIMIT, "the bottleneck queue the link direction actually used");
        m.put(BASE_RTT, "the path's RTT without queueing: every link's delay both ways");
        m.put(MSS, "the TCP payload of a full segment on the satellite link (MTU less 52 B of IPv4 and TCP with timestamps)");
        m.put(PATH_CAPACITY, "the goodput the satellite link allows in the data direction: rate x MSS/MTU x (1 - loss)");
        m.put(PHYSICAL_LIMIT, "the least time a download of flow.size can take on the link: one base RTT for the handshake, one for the request, and size x 8 / the link's rate of serialisation");
        m.put(RECEIVE_WINDOW, "the largest receive window the client can advertise, from its effective settings (state: how it follows from them)");
        m.put(RECEIVE_WINDOW_RATE, "the most the client's receive window lets through its leg: receive_window x 8 / the leg's base RTT");
        m.put(RECEIVE_WINDOW_INITIAL, "the receive window a new connection of the client advertises first, from its tcp_rmem default (state of receive_window: how)");
        m.put(RECEIVE_WINDOW_GOODPUT_LIMIT, "the most goodput a timed bulk download can average over its duration with the client's windows: from receive_window_initial per stream, at best doubling each round trip of the client's leg until together they hold the leg's BDP at path_capacity, then path_capacity (counted from the first data, as iperf3 counts)");
        m.put(RECEIVE_WINDOW_LIMIT, "the least time a download of flow.size can take with the client's window: two base RTTs, then a round trip of the client's leg per window while the window (from receive_window_initial, at best doubling each round trip up to receive_window) holds less than the rest and less than the leg's BDP, then the rest at the link's rate");
        m.put(RESPONSE_FUNCTION, "plain TCP only (one stream, loss above zero): the steady-state goodput the model of its sender's congestion control gives (state: cubic, RFC 8312 §5.1's response function; reno, the Mathis bound) at the satellite link's configured loss in the data direction, the base RTT and the MSS (note: the inputs)");
        m.put(GOODPUT_TO_RESPONSE_FUNCTION, "goodput / response_function; the models describe equilibrium, so this speaks for the steady state only when the workload omitted its start-up (note says whether it did)");
        m.put(RESPONSE_FUNCTION_AT_DEALT_LOSS, "the same model at the loss the link's loss model really dealt in the data direction during the workload (its loss drops / packets offered; note: that p), where the emulator counted it");
        m.put(GOODPUT_TO_RESPONSE_FUNCTION_AT_DEALT_LOSS, "goodput / response_function_at_dealt_loss: the ratio without the spread of how many random losses the repetition drew (note says whether the start-up was omitted)");
        m.put(LINK_HEALTH, "state ok or flagged: lateness p99.9 above the limit, or drops outside the queue rule (note says which)");
        m.put(LINK_DROP_RATE, "packets the link direction dropped (loss model, queue and buffer drops, TUN overflows) / packets offered to it, during the workload");
        m.put(COMMAND_EXIT_STATUS, "the command workload's client's exit status; state completed (0), failed (not 0) or timed-out (killed at its timeout: 128 + the signal)");
        m.put(COMMAND_WALL_TIME, "the client from start to exit; '>' the time waited, state timed-out, when it was killed at its timeout");
        m.put(POINT_STATUS, "state ok or failed; note gives the reason of a failure");
        m.put(POINT_HEALTH, "state ok, flagged (some link direction was: note says which and why) or unavailable (no link kept statistics)");
        m.put(POINT_START, "when the point started");
        m.put(POINT_DURATION, "how long the point took, build to teardown");
        return Collections.unmodifiableMap(m);
    }
}

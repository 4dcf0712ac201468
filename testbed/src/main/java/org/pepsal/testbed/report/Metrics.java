package org.pepsal.testbed.report;

/** The metric names and units the workloads record and the charts look for. */
public final class Metrics {
    /** Bulk goodput over the whole transfer (what the receiver got), and per interval in timeseries.csv. */
    public static final String GOODPUT = "goodput";
    public static final String RETRANSMITS = "retransmits";
    /** A flow's time from the connect to its last byte, and to its first byte. */
    public static final String FLOW_COMPLETION_TIME = "flow_completion_time";
    public static final String TIME_TO_FIRST_BYTE = "time_to_first_byte";
    /** The qualifier parameter that carries a flow's size in bytes. */
    public static final String FLOW_SIZE = "flow.size";

    public static final String BITS_PER_SECOND = "bit/s";
    public static final String SECONDS = "s";
    public static final String COUNT = "count";

    private Metrics() {
    }
}

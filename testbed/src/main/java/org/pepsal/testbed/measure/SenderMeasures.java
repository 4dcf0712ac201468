package org.pepsal.testbed.measure;

import org.pepsal.proxy.socket.TcpInfo;
import org.pepsal.testbed.measure.sockdiag.SocketRecord;
import org.pepsal.testbed.scenario.Point;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiFunction;

/**
 * The senders' view, from their sockets' TCP_INFO as sock_diag sampled it: per leg, the retransmissions and their
 * rate, RTTs, the largest window the leg's receivers advertised, the shares of busy time limited by the receiver's
 * window and by the send buffer, and the congestion
 * control each sender ran; over time, the satellite-side sender of each bulk stream (cwnd, RTT, pacing and
 * delivery rates, data in flight, retransmissions, limited-by shares per sample interval), and what the
 * satellite-side senders of the bulk streams saw delivered per bin ({@link Metrics#DELIVERED_GOODPUT}, on the
 * receiver's bins: the rate a reviewer can hold against the link's). Only the workload's data connections count. A sender that ran another congestion control than configured fails the point.
 */
public final class SenderMeasures {
    private SenderMeasures() {
    }

    /** One sender's samples: its host, its leg, its connection. */
    private record Track(String host, Legs.Leg leg, DataConnection connection, List<SocketRecord> samples) {
        TcpInfo last() {
            return samples.get(samples.size() - 1).info();
        }

        String congestionControl() {
            return samples.get(samples.size() - 1).congestionControl();
        }
    }

    /**
     * @param expectedCc    (host role, leg) → the congestion controls the scenario allows there, empty when it
     *                      leaves the kernel's default
     * @param scheduleStart the workload's start, a {@link System#nanoTime()} value
     * @param bins          the bulk transfer's bins on the workload's clock, if it had any
     */
    public static Measured of(Point point, Legs legs, List<SocketRecord> records, List<DataConnection> connections,
                              BiFunction<String, Legs.Leg, Set<String>> expectedCc, long scheduleStart,
                              Optional<Bins.Grid> bins) {
        List<Track> tracks = tracks(legs, records, connections);
        List<Measurement> rows = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        Map<String, List<Track>> byLeg = new LinkedHashMap<>();
        tracks.forEach(t -> byLeg.computeIfAbsent(t.leg().name(), k -> new ArrayList<>()).add(t));
        byLeg.forEach((leg, own) -> rows.addAll(legRows(point, leg, own)));
        for (Track track : tracks) {
            Set<String> expected = expectedCc.apply(track.host(), track.leg());
            String actual = track.congestionControl();
            if (!expected.isEmpty() && actual != null && !expected.contains(actual)) {
                failures.add("the " + track.leg().name() + " leg's sender at the " + track.host() + " ran " + actual
                        + ", but the scenario configures " + String.join(" or ", expected.stream().sorted().toList()));
            }
        }
        long bulkStreams = connections.stream().filter(DataConnection::bulk).count();
        List<Sample> samples = new ArrayList<>();
        List<Track> satelliteBulk = tracks.stream()
                .filter(t -> t.connection().bulk() && t.leg().equals(legs.satellite())).toList();
        for (Track track : satelliteBulk) {
            samples.addAll(series(point, track, bulkStreams > 1, scheduleStart));
        }
        bins.ifPresent(grid -> samples.addAll(delivered(point, legs.satellite().name(), satelliteBulk, grid,
                scheduleStart)));
        return new Measured(rows, samples, failures.stream().distinct().toList());
    }

    /** Every data connection's sending sockets, one track per host and side, in time order. */
    private static List<Track> tracks(Legs legs, List<SocketRecord> records, List<DataConnection> connections) {
        List<Track> tracks = new ArrayList<>();
        for (DataConnection c : connections) {
            Map<String, List<SocketRecord>> bySocket = new TreeMap<>();
            records.stream().filter(r -> r.info() != null && r.joins(c.client(), c.server()))
                    .forEach(r -> bySocket.computeIfAbsent(r.host() + "/" + r.local().equals(c.server()), k -> new ArrayList<>()).add(r));
            bySocket.forEach((key, samples) -> {
                String host = key.substring(0, key.indexOf('/'));
                boolean serverSide = key.endsWith("/true");
                if (serverSide != c.download()) {
                    return; // the receiving end of its leg
                }
                legs.legOf(host, serverSide).ifPresent(leg -> tracks.add(new Track(host, leg, c,
                        samples.stream().sorted(Comparator.comparingLong(SocketRecord::nanoTime)).toList())));
            });
        }
        return tracks;
    }

    private static List<Measurement> legRows(Point point, String leg, List<Track> tracks) {
        List<Measurement> rows = new ArrayList<>();
        long retransmits = 0;
        long segments = 0;
        long busy = 0;
        long rwnd = 0;
        long sndbuf = 0;
        boolean limits = true;
        double minRtt = Double.MAX_VALUE;
        double rttSum = 0;
        int rttSamples = 0;
        long advertised = -1;
        Map<String, Integer> congestion = new TreeMap<>();
        for (Track track : tracks) {
            TcpInfo last = track.last();
            retransmits += last.totalRetrans();
            segments += Math.max(0, last.dataSegsOut());
            limits &= last.busyTimeUs() >= 0 && last.rwndLimitedUs() >= 0 && last.sndbufLimitedUs() >= 0;
            busy += last.busyTimeUs();
            rwnd += last.rwndLimitedUs();
            sndbuf += last.sndbufLimitedUs();
            if (last.minRttUs() > 0) {
                minRtt = Math.min(minRtt, last.minRttUs() / 1e6);
            }
            for (SocketRecord sample : track.samples()) {
                if (sample.info().rttUs() > 0) {
                    rttSum += sample.info().rttUs() / 1e6;
                    rttSamples++;
                }
                advertised = Math.max(advertised, sample.info().sndWnd());
            }
            if (track.congestionControl() != null) {
                congestion.merge(track.congestionControl(), 1, Integer::sum);
            }
        }
        rows.add(Measurement.of(point, leg, Metrics.RETRANSMITS, retransmits, Metrics.COUNT));
        rows.add(Measurement.of(point, leg, Metrics.SEGMENTS_SENT, segments, Metrics.COUNT));
        if (segments > 0) {
            rows.add(Measurement.of(point, leg, Metrics.RETRANSMISSION_RATE, retransmits / (double) segments, Metrics.FRACTION));
        }
        if (rttSamples > 0) {
            rows.add(Measurement.of(point, leg, Metrics.SRTT, rttSum / rttSamples, Metrics.SECONDS));
        }
        if (minRtt < Double.MAX_VALUE) {
            rows.add(Measurement.of(point, leg, Metrics.MIN_RTT, minRtt, Metrics.SECONDS));
        }
        if (advertised > 0) {
            rows.add(Measurement.of(point, leg, Metrics.RECEIVE_WINDOW_ADVERTISED, advertised, Metrics.BYTES));
        }
        if (limits && busy > 0) {
            rows.add(Measurement.of(point, leg, Metrics.RWND_LIMITED, rwnd / (double) busy, Metrics.FRACTION));
            rows.add(Measurement.of(point, leg, Metrics.SNDBUF_LIMITED, sndbuf / (double) busy, Metrics.FRACTION));
        }
        congestion.forEach((name, count) -> rows.add(Measurement.of(point, leg, Metrics.CONGESTION_CONTROL, count,
                Metrics.COUNT).withState(name)));
        return rows;
    }

    /**
     * What the senders saw delivered per bin, summed over the streams: TCP_INFO delivered (segments acknowledged
     * or selectively acknowledged, each once) × MSS, counted from each sender's first sample (its handshake's).
     * Only bins the samples cover to their end.
     */
    private static List<Sample> delivered(Point point, String leg, List<Track> tracks, Bins.Grid grid,
                                          long scheduleStart) {
        List<Bins.Bin> sum = new ArrayList<>();
        for (Track track : tracks) {
            List<SocketRecord> own = track.samples().stream().filter(r -> r.info().delivered() >= 0).toList();
            if (own.isEmpty()) {
                continue;
            }
            double[] times = new double[own.size()];
            double[] bytes = new double[own.size()];
            for (int i = 0; i < own.size(); i++) {
                times[i] = (own.get(i).nanoTime() - scheduleStart) / 1e9;
                bytes[i] = (double) own.get(i).info().delivered() * own.get(i).info().sndMss();
            }
            Bins.Cumulative count = new Bins.Cumulative(times, bytes);
            List<Bins.Bin> bins = new Bins.Grid(grid.origin(), grid.width(), Math.min(grid.end(), count.last()))
                    .bins(count);
            for (int i = 0; i < bins.size(); i++) {
                Bins.Bin bin = bins.get(i);
                if (i < sum.size()) {
                    sum.set(i, new Bins.Bin(bin.start(), bin.width(), sum.get(i).bitsPerSecond() + bin.bitsPerSecond()));
                } else {
                    sum.add(bin);
                }
            }
        }
        return sum.stream().map(bin -> Sample.bin(point, bin.end(), bin.width(), leg, Metrics.DELIVERED_GOODPUT,
                bin.bitsPerSecond(), Metrics.BITS_PER_SECOND)).toList();
    }

    /** One sender's samples over time, stamped from the workload's start. */
    private static List<Sample> series(Point point, Track track, boolean qualifyStream, long scheduleStart) {
        Map<String, String> stream = qualifyStream ? Map.of(Metrics.STREAM, Integer.toString(track.connection().stream()))
                : Map.of();
        String leg = track.leg().name();
        List<Sample> samples = new ArrayList<>();
        TcpInfo previous = null;
        for (SocketRecord record : track.samples()) {
            TcpInfo info = record.info();
            double t = (record.nanoTime() - scheduleStart) / 1e9;
            samples.add(Sample.of(point, stream, t, leg, Metrics.CWND, info.sndCwnd(), Metrics.SEGMENTS));
            samples.add(Sample.of(point, stream, t, leg, Metrics.SRTT, info.rttUs() / 1e6, Metrics.SECONDS));
            samples.add(Sample.of(point, stream, t, leg, Metrics.PACING_RATE, info.pacingRate() * 8.0, Metrics.BITS_PER_SECOND));
            samples.add(Sample.of(point, stream, t, leg, Metrics.DELIVERY_RATE, info.deliveryRate() * 8.0, Metrics.BITS_PER_SECOND));
            samples.add(Sample.of(point, stream, t, leg, Metrics.IN_FLIGHT, info.unacked(), Metrics.SEGMENTS));
            samples.add(Sample.of(point, stream, t, leg, Metrics.RETRANSMITS, info.totalRetrans(), Metrics.COUNT));
            if (previous != null && info.busyTimeUs() > previous.busyTimeUs() && previous.busyTimeUs() >= 0) {
                double busy = info.busyTimeUs() - previous.busyTimeUs();
                samples.add(Sample.of(point, stream, t, leg, Metrics.RWND_LIMITED,
                        Math.max(0, info.rwndLimitedUs() - previous.rwndLimitedUs()) / busy, Metrics.FRACTION));
                samples.add(Sample.of(point, stream, t, leg, Metrics.SNDBUF_LIMITED,
                        Math.max(0, info.sndbufLimitedUs() - previous.sndbufLimitedUs()) / busy, Metrics.FRACTION));
            }
            previous = info;
        }
        return samples;
    }
}

package org.pepsal.testbed.measure;

import java.net.InetSocketAddress;

/**
 * A connection of the workload that carried data, by the addresses of its two ends (a PEP relays it under the same
 * addresses, so every leg's sockets carry them too). iperf3's control connection is not one.
 *
 * @param download whether the server's side sends
 * @param bulk     an iperf3 stream (else a download of the flows workload)
 * @param stream   the iperf3 stream's index (1-based), 0 for a flow
 */
public record DataConnection(InetSocketAddress client, InetSocketAddress server, boolean download, boolean bulk,
                             int stream) {
}

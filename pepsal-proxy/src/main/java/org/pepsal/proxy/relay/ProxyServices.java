package org.pepsal.proxy.relay;

import io.netty.channel.Channel;
import org.pepsal.proxy.link.SatellitePacer;
import org.pepsal.proxy.options.ProxySettings;
import org.pepsal.proxy.socket.LegConfigurer;
import org.pepsal.proxy.table.ConnectionTable;
import org.pepsal.proxy.table.FlowLog;

/**
 * What every split connection shares: settings, the table, the flow log (may be null), legs, how server legs'
 * sockets are opened, counters, the satellite link's pacer (null when the proxy was not told the link), and the
 * budget of bytes the relay may hold in user space, and the sweep that gives server legs their dead-peer settings
 * (null when they have none).
 */
record ProxyServices(ProxySettings settings, ConnectionTable table, FlowLog flowLog, LegConfigurer clientLeg,
                     LegConfigurer serverLeg, ServerLegs serverLegs, ProxyCounters counters, SatellitePacer pacer,
                     RelayBudget budget, DeadPeerSweep deadPeers) {

    /** A queue for one direction of a connection, reading from {@code source}, whose reads it then caps. */
    DirectionQueue newQueue(Channel source) {
        DirectionQueue queue = new DirectionQueue(source, settings.relayBuffer(), budget, counters.boundPauses);
        BudgetedReadAllocator.install(source, queue);
        return queue;
    }
}

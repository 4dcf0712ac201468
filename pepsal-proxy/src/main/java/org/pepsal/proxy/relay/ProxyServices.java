package org.pepsal.proxy.relay;

import org.pepsal.proxy.link.SatellitePacer;
import org.pepsal.proxy.options.ProxySettings;
import org.pepsal.proxy.socket.LegConfigurer;
import org.pepsal.proxy.table.ConnectionTable;
import org.pepsal.proxy.table.FlowLog;

/**
 * What every split connection shares: settings, the table, the flow log (may be null), legs, how server legs'
 * sockets are opened, counters, and the satellite link's pacer (null when the proxy was not told the link).
 */
record ProxyServices(ProxySettings settings, ConnectionTable table, FlowLog flowLog, LegConfigurer clientLeg,
                     LegConfigurer serverLeg, ServerLegs serverLegs, ProxyCounters counters, SatellitePacer pacer) {
}

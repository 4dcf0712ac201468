package org.pepsal.proxy.cli;

import org.pepsal.proxy.link.LinkSide;
import org.pepsal.proxy.link.LinkUnits;
import org.pepsal.proxy.link.SatelliteCongestionControl;
import org.pepsal.proxy.link.SatelliteLink;
import org.pepsal.proxy.socket.LegOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The operator's words for the legs: which one crosses the satellite ({@code --satellite-side}), the link itself
 * ({@code --satellite-rate}, {@code --satellite-rtt}), and per-leg settings named by what they face
 * ({@code --satellite-cc}, {@code --ground-cc}, buffers likewise). They are mapped onto the proxy's client and
 * server legs by the side; the older {@code --client-*}/{@code --server-*} options keep working, and naming one leg
 * both ways is an error.
 */
final class SatelliteOptions {
    private static final Logger LOG = LoggerFactory.getLogger(SatelliteOptions.class);

    /** The kernel's congestion controls, read when a link is stated and the satellite leg's is not given. */
    Supplier<Set<String>> availableCongestionControls = SatelliteCongestionControl::available;

    @Option(names = "--satellite-side", paramLabel = "client|server", converter = SideConverter.class,
            description = "Which leg crosses the satellite: client (the accepted connection: a ground-station gateway, "
                    + "clients behind the satellite) or server (the connection the proxy opens: a terminal in front of "
                    + "the clients' LAN).")
    LinkSide side;

    @Option(names = "--satellite-rate", paramLabel = "RATE", converter = RateConverter.class,
            description = "The satellite link's rate in the direction this proxy sends over it (20Mbit/s). Makes the "
                    + "proxy link-aware: satellite-side connections are paced at their share of it, use "
                    + SatelliteCongestionControl.KNOWN_RATE + " where the kernel has it registered (else "
                    + SatelliteCongestionControl.FALLBACK + ", with a warning) unless --satellite-cc says otherwise, "
                    + "and (at a terminal) get "
                    + "receive buffers of " + SatelliteLink.RECEIVE_BUFFER_BDPS + " BDPs. Needs --satellite-side.")
    Long rateBitsPerSecond;

    @Option(names = "--satellite-receive-rate", paramLabel = "RATE", converter = RateConverter.class,
            description = "The satellite link's rate in the direction this proxy receives over it (default: "
                    + "--satellite-rate). At a terminal this is the forward link, often several times the return link "
                    + "it sends over: receive buffers are sized from it.")
    Long receiveRateBitsPerSecond;

    @Option(names = "--satellite-rtt", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "The round-trip time over the satellite (default 600ms, GEO); with --satellite-rate.")
    Duration rtt;

    @Option(names = "--satellite-cc", paramLabel = "ALGO", description = "Congestion control of the satellite leg.")
    String satelliteCc;

    @Option(names = "--ground-cc", paramLabel = "ALGO", description = "Congestion control of the ground leg.")
    String groundCc;

    @Option(names = "--satellite-sndbuf", paramLabel = "BYTES",
            description = "Satellite-leg send buffer; 0 keeps kernel autotuning.")
    Integer satelliteSndbuf;

    @Option(names = "--satellite-rcvbuf", paramLabel = "BYTES",
            description = "Satellite-leg receive buffer; 0 keeps kernel autotuning (default, except at a link-aware "
                    + "terminal: " + SatelliteLink.RECEIVE_BUFFER_BDPS + " BDPs).")
    Integer satelliteRcvbuf;

    @Option(names = "--ground-sndbuf", paramLabel = "BYTES", description = "Ground-leg send buffer; 0 keeps autotuning.")
    Integer groundSndbuf;

    @Option(names = "--ground-rcvbuf", paramLabel = "BYTES", description = "Ground-leg receive buffer; 0 keeps autotuning.")
    Integer groundRcvbuf;

    /** One leg's settings as given, each null where not given. */
    record Given(String congestionControl, Integer sendBuffer, Integer receiveBuffer) {
    }

    /** Both legs resolved, and the link when one was stated. */
    record Legs(LegOptions client, LegOptions server, SatelliteLink link) {
    }

    /**
     * Resolves the legs from the client/server options ({@code byProxyName}) and these.
     *
     * @throws IllegalArgumentException naming the options that conflict or lack the side
     */
    Legs resolve(Given client, Given server, boolean noDelay, boolean quickAck) {
        Given satellite = new Given(satelliteCc, satelliteSndbuf, satelliteRcvbuf);
        Given ground = new Given(groundCc, groundSndbuf, groundRcvbuf);
        if (side == null) {
            String needsSide = firstGiven(satellite, "satellite", ground, "ground");
            if (rateBitsPerSecond != null) {
                needsSide = "--satellite-rate";
            }
            if (needsSide != null) {
                throw new IllegalArgumentException(needsSide + " needs --satellite-side client|server (which of the "
                        + "proxy's legs crosses the satellite)");
            }
            if (rtt != null || receiveRateBitsPerSecond != null) {
                throw new IllegalArgumentException((rtt != null ? "--satellite-rtt" : "--satellite-receive-rate")
                        + " needs --satellite-rate");
            }
            return new Legs(options(client, noDelay, quickAck), options(server, noDelay, quickAck), null);
        }
        if ((rtt != null || receiveRateBitsPerSecond != null) && rateBitsPerSecond == null) {
            throw new IllegalArgumentException((rtt != null ? "--satellite-rtt" : "--satellite-receive-rate")
                    + " needs --satellite-rate");
        }
        SatelliteLink link = rateBitsPerSecond == null ? null
                : new SatelliteLink(rateBitsPerSecond,
                        receiveRateBitsPerSecond != null ? receiveRateBitsPerSecond : rateBitsPerSecond,
                        rtt != null ? rtt : SatelliteLink.GEO_RTT, side);
        String satelliteName = side.word();
        String groundName = side == LinkSide.CLIENT ? "server" : "client";
        Given satelliteLeg = merge(satellite, "satellite", side == LinkSide.CLIENT ? client : server, satelliteName);
        Given groundLeg = merge(ground, "ground", side == LinkSide.CLIENT ? server : client, groundName);
        if (link != null) {
            String congestionControl = satelliteLeg.congestionControl();
            if (congestionControl == null) {
                SatelliteCongestionControl.Choice choice =
                        SatelliteCongestionControl.choose(availableCongestionControls.get());
                if (choice.warning() != null) {
                    LOG.warn("link-aware: {}", choice.warning());
                }
                congestionControl = choice.algorithm();
            }
            satelliteLeg = new Given(congestionControl, satelliteLeg.sendBuffer(),
                    satelliteLeg.receiveBuffer() == null && side == LinkSide.SERVER
                            ? Integer.valueOf(link.receiveBufferBytes()) : satelliteLeg.receiveBuffer());
        }
        LegOptions satelliteOptions = options(satelliteLeg, noDelay, quickAck);
        LegOptions groundOptions = options(groundLeg, noDelay, quickAck);
        return side == LinkSide.CLIENT ? new Legs(satelliteOptions, groundOptions, link)
                : new Legs(groundOptions, satelliteOptions, link);
    }

    private static String firstGiven(Given satellite, String satelliteName, Given ground, String groundName) {
        for (var named : new Object[][] {{satellite, satelliteName}, {ground, groundName}}) {
            Given given = (Given) named[0];
            String prefix = "--" + named[1];
            if (given.congestionControl() != null) {
                return prefix + "-cc";
            }
            if (given.sendBuffer() != null) {
                return prefix + "-sndbuf";
            }
            if (given.receiveBuffer() != null) {
                return prefix + "-rcvbuf";
            }
        }
        return null;
    }

    /** A leg named both by what it faces and by the proxy's name for it: each setting from one of them only. */
    private static Given merge(Given faced, String facedName, Given proxy, String proxyName) {
        return new Given(
                one(faced.congestionControl(), proxy.congestionControl(), facedName, proxyName, "cc"),
                one(faced.sendBuffer(), proxy.sendBuffer(), facedName, proxyName, "sndbuf"),
                one(faced.receiveBuffer(), proxy.receiveBuffer(), facedName, proxyName, "rcvbuf"));
    }

    private static <T> T one(T faced, T proxy, String facedName, String proxyName, String setting) {
        if (faced != null && proxy != null) {
            throw new IllegalArgumentException("--" + facedName + "-" + setting + " and --" + proxyName + "-" + setting
                    + " set the same leg (with --satellite-side " + (facedName.equals("satellite") ? proxyName
                    : opposite(proxyName)) + "); give one of them");
        }
        return faced != null ? faced : proxy;
    }

    private static String opposite(String proxyName) {
        return proxyName.equals("client") ? "server" : "client";
    }

    private static LegOptions options(Given given, boolean noDelay, boolean quickAck) {
        return new LegOptions(given.congestionControl(), noDelay, orZero(given.sendBuffer()),
                orZero(given.receiveBuffer()), quickAck);
    }

    private static int orZero(Integer value) {
        return value == null ? 0 : value;
    }

    /** Picocli names the option in front of a TypeConversionException's message. */
    private static <T> T convert(java.util.function.Supplier<T> parse) {
        try {
            return parse.get();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }

    static final class SideConverter implements CommandLine.ITypeConverter<LinkSide> {
        @Override
        public LinkSide convert(String value) {
            return SatelliteOptions.convert(() -> LinkSide.parse(value));
        }
    }

    static final class RateConverter implements CommandLine.ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            return SatelliteOptions.convert(() -> LinkUnits.bitsPerSecond(value));
        }
    }

    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            Duration duration = SatelliteOptions.convert(() -> LinkUnits.duration(value));
            if (duration.isZero()) {
                throw new CommandLine.TypeConversionException("a round-trip time must be positive, not " + value.strip());
            }
            return duration;
        }
    }
}

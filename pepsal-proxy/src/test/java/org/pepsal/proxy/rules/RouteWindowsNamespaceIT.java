package org.pepsal.proxy.rules;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.pepsal.proxy.link.SatelliteLink;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The link-aware start's routes against the real kernel ({@link RulesNamespaceFixture}): {@code rules install
 * --satellite-iface} gives every route through the satellite interface the link's initial windows (read back with
 * {@code ip route show}), {@code rules check} reports the windows it finds, and {@code rules remove} gives each
 * route back exactly what it had, a window of its own included; a route someone changed since is left alone.
 */
class RouteWindowsNamespaceIT extends RulesNamespaceFixture {
    private static final String OWN_ROUTE = "192.0.2.0/24";

    @BeforeEach
    void satelliteRoutes() throws Exception {
        // The connected route of an address on the satellite interface, and a route with a window of its own.
        must("ip", "-n", namespace, "addr", "add", "10.77.0.1/24", "dev", "opsin0");
        must("ip", "-n", namespace, "route", "add", OWN_ROUTE, "via", "10.77.0.2", "dev", "opsin0", "initcwnd", "7");
    }

    @AfterEach
    void removeRoutes() throws Exception {
        pepsal("rules", "remove");
        run("ip", "-n", namespace, "route", "del", OWN_ROUTE);
        run("ip", "-n", namespace, "addr", "del", "10.77.0.1/24", "dev", "opsin0");
    }

    @Test
    void installSetsTheLinksWindowsCheckReportsThemAndRemoveRestoresWhatWasThere() throws Exception {
        String before = snapshot();
        // The gateway sends at 5 Mbit/s and receives at 20 Mbit/s: each window is its own direction's BDP.
        int cwnd = SatelliteLink.initialWindowSegments(5_000_000, Duration.ofMillis(600));
        int rwnd = SatelliteLink.initialWindowSegments(20_000_000, Duration.ofMillis(600));

        Run install = pepsal("rules", "install", "--iface", "opsin0", "--satellite-iface", "opsin0",
                "--satellite-rate", "5Mbit/s", "--satellite-receive-rate", "20Mbit/s", "--satellite-rtt", "600ms");

        assertThat(install.exit()).as(install.all()).isZero();
        String routes = routes();
        assertThat(routes.lines()).as(routes).hasSize(2).allSatisfy(line -> assertThat(line)
                .contains("initcwnd " + cwnd).contains("initrwnd " + rwnd));
        assertThat(routes).contains(OWN_ROUTE + " via 10.77.0.2");
        Run check = pepsal("rules", "check");
        assertThat(check.out()).as(check.all())
                .contains("ok       IPv4 route 10.77.0.0/24 dev opsin0: initcwnd " + cwnd + ", initrwnd " + rwnd)
                .contains("ok       IPv4 route " + OWN_ROUTE + " dev opsin0: initcwnd " + cwnd);

        Run remove = pepsal("rules", "remove");

        assertThat(remove.exit()).as(remove.all()).isZero();
        assertThat(snapshot()).isEqualTo(before);
        assertThat(routes()).contains(OWN_ROUTE + " via 10.77.0.2 initcwnd 7").doesNotContain("initrwnd");
    }

    @Test
    void aRouteChangedSinceIsReportedAndLeftAlone() throws Exception {
        assertThat(pepsal("rules", "install", "--iface", "opsin0", "--satellite-iface", "opsin0",
                "--satellite-rate", "20Mbit/s").exit()).isZero();
        must("ip", "-n", namespace, "route", "change", OWN_ROUTE, "via", "10.77.0.2", "dev", "opsin0", "initcwnd", "3");

        Run check = pepsal("rules", "check");
        assertThat(check.out()).as(check.all()).contains("CHANGED  IPv4 route " + OWN_ROUTE
                + " dev opsin0: initcwnd 3, initrwnd default now");
        Run remove = pepsal("rules", "remove");

        assertThat(remove.exit()).as(remove.all()).isZero();
        assertThat(remove.out()).contains("left     IPv4 route " + OWN_ROUTE);
        assertThat(routes()).contains(OWN_ROUTE + " via 10.77.0.2 initcwnd 3").doesNotContain("initcwnd "
                + SatelliteLink.initialWindowSegments(20_000_000, SatelliteLink.GEO_RTT));
    }

    private String routes() throws Exception {
        return must("ip", "-n", namespace, "route", "show", "dev", "opsin0").out();
    }
}

package org.pepsal.proxy.rules;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class InitialWindowsTest {
    private static final String LISTING = """
            default via 10.9.0.2 proto static
            10.8.0.0/16 via 10.9.0.2 initcwnd 20
            10.9.0.0/24 proto kernel scope link src 10.9.0.1 linkdown
            unreachable 10.7.0.0/16
            """;

    @Test
    void everyRouteThroughTheInterfaceIsPlannedWithTheWindowsItHad() {
        List<RouteWindow> plan = InitialWindows.plan(LISTING, IpFamily.IPV4, "sat0", 259, 1036);
        assertThat(plan).extracting(RouteWindow::destination).containsExactly("default", "10.8.0.0/16", "10.9.0.0/24");
        assertThat(plan.get(1).initcwndBefore()).isEqualTo(20);
        assertThat(plan.get(1).initrwndBefore()).isNull();
        assertThat(plan.get(0).initcwndBefore()).isNull();
    }

    @Test
    void applyAndRestoreRewriteTheRouteAsTheKernelListsIt() {
        RouteWindow route = InitialWindows.plan(LISTING, IpFamily.IPV4, "sat0", 259, 1036).get(1);
        assertThat(InitialWindows.apply(route, "10.8.0.0/16 via 10.9.0.2 initcwnd 20").toShell())
                .isEqualTo("ip -4 route change 10.8.0.0/16 via 10.9.0.2 dev sat0 initcwnd 259 initrwnd 1036");
        String ours = "10.8.0.0/16 via 10.9.0.2 initcwnd 259 initrwnd 1036";
        assertThat(InitialWindows.stillOurs(route, ours)).isTrue();
        assertThat(InitialWindows.restore(route, ours).toShell())
                .isEqualTo("ip -4 route change 10.8.0.0/16 via 10.9.0.2 dev sat0 initcwnd 20");
        assertThat(InitialWindows.stillOurs(route, "10.8.0.0/16 via 10.9.0.2 initcwnd 50")).isFalse();
        assertThat(InitialWindows.describe(ours)).isEqualTo("initcwnd 259, initrwnd 1036");
        assertThat(InitialWindows.describe("10.8.0.0/16 via 10.9.0.2 initcwnd 50")).isEqualTo("initcwnd 50, initrwnd default");
        RouteWindow connected = InitialWindows.plan(LISTING, IpFamily.IPV4, "sat0", 259, 1036).get(2);
        assertThat(InitialWindows.apply(connected, "10.9.0.0/24 proto kernel scope link src 10.9.0.1 linkdown")
                .toShell()).isEqualTo("ip -4 route change 10.9.0.0/24 proto kernel scope link src 10.9.0.1 dev sat0 "
                + "initcwnd 259 initrwnd 1036");
    }

    @Test
    void aStateFileMayNameOnlyRoutesAndWindowsInstallWrites() {
        RuleState state = RuleState.of(new IptablesBackend(), new TproxyRules(List.of("eth1"), 5000, 1, 100, false),
                java.util.Map.of(), java.util.Map.of(), List.of(), "now",
                List.of(new RouteWindow(4, "sat0", "10.0.0.0/24", null, null, 1036, 1036),
                        new RouteWindow(6, "sat0", "::/0", null, null, 1036, 1036),
                        new RouteWindow(4, "sat0;rm", "default via 1.2.3.4", 0, null, 1036, 1036)));
        assertThat(String.join("\n", StateAllowList.problems(state)))
                .contains("family 6 is not one install covers")
                .contains("not an interface name")
                .contains("the destination is not a prefix")
                .contains("a window before install of 0 segments")
                .doesNotContain("10.0.0.0/24");
    }
}

package org.pepsal.proxy.options;

import org.junit.jupiter.api.Test;
import org.pepsal.proxy.socket.LegOptions;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DescriptorBudgetTest {
    private static ProxySettings settings(int conns, boolean splice) {
        LegOptions leg = new LegOptions(null, true, 0, 0, false);
        return new ProxySettings(null, 5000, conns, Duration.ofSeconds(1), Duration.ofSeconds(1), null,
                Duration.ofSeconds(1), null, false, 2, splice, leg, leg, Duration.ZERO, Duration.ZERO, 1 << 20);
    }

    @Test
    void twoDescriptorsPerConnectionFitAndOneMoreDoesNot() {
        // 50 open + 2 × 2 listeners + 32 spare = 86 besides the connections.
        assertThatCode(() -> DescriptorBudget.check(settings(469, false), 50, 1024)).doesNotThrowAnyException();
        assertThatThrownBy(() -> DescriptorBudget.check(settings(470, false), 50, 1024))
                .hasMessageContaining("--conns 470 needs about 1026 file descriptors (2 per connection, plus 86")
                .hasMessageContaining("RLIMIT_NOFILE is 1024")
                .hasMessageContaining("LimitNOFILE=")
                .hasMessageContaining("lower --conns to at most 469");
    }

    @Test
    void spliceCountsItsPipes() {
        assertThatThrownBy(() -> DescriptorBudget.check(settings(2112, true), 50, 4096))
                .hasMessageContaining("6 per connection with --splice")
                .hasMessageContaining("at most 668");
        assertThatCode(() -> DescriptorBudget.check(settings(2112, false), 50, 4310)).doesNotThrowAnyException();
    }

    @Test
    void anUnlimitedLimitAlwaysFits() {
        assertThatCode(() -> DescriptorBudget.check(settings(1_000_000, true), 50, -1)).doesNotThrowAnyException();
    }

    @Test
    void thisProcessIsCheckedAgainstItsOwnLimit() {
        // The test JVM's limit (raised to the hard limit by the JVM) holds a handful of connections.
        assertThatCode(() -> DescriptorBudget.checkThisProcess(settings(8, false))).doesNotThrowAnyException();
        assertThatThrownBy(() -> DescriptorBudget.checkThisProcess(settings(Integer.MAX_VALUE, true)))
                .hasMessageContaining("RLIMIT_NOFILE is");
    }
}

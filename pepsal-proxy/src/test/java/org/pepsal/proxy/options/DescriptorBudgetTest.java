package org.pepsal.proxy.options;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DescriptorBudgetTest {
    @Test
    void twoDescriptorsPerConnectionFitAndOneMoreDoesNot() {
        // 50 open + 2 × 2 listeners + 32 spare = 86 besides the connections.
        assertThatCode(() -> DescriptorBudget.check(469, false, 2, 50, 1024)).doesNotThrowAnyException();
        assertThatThrownBy(() -> DescriptorBudget.check(470, false, 2, 50, 1024))
                .hasMessageContaining("--conns 470 needs about 1026 file descriptors (2 per connection, plus 86")
                .hasMessageContaining("RLIMIT_NOFILE is 1024")
                .hasMessageContaining("LimitNOFILE=")
                .hasMessageContaining("lower --conns to at most 469");
    }

    @Test
    void spliceCountsItsPipes() {
        assertThatThrownBy(() -> DescriptorBudget.check(2112, true, 2, 50, 4096))
                .hasMessageContaining("6 per connection with --splice")
                .hasMessageContaining("at most 668");
        assertThatCode(() -> DescriptorBudget.check(2112, false, 2, 50, 4310)).doesNotThrowAnyException();
    }

    @Test
    void anUnlimitedLimitAlwaysFits() {
        assertThatCode(() -> DescriptorBudget.check(1_000_000, true, 2, 50, -1)).doesNotThrowAnyException();
    }

}

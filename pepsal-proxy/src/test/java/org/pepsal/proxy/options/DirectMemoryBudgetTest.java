package org.pepsal.proxy.options;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DirectMemoryBudgetTest {
    private static final long MIB = 1 << 20;

    @Test
    void theQueuesAreTheSmallerOfEveryConnectionsBoundsAndTheSharedBudget() {
        assertThat(DirectMemoryBudget.queueBound(2112, (int) MIB, 256 * MIB)).isEqualTo(256 * MIB);
        assertThat(DirectMemoryBudget.queueBound(10, (int) MIB, 256 * MIB)).isEqualTo(20 * MIB);
    }

    @Test
    void queuesAndHeadroomMustFitTheDirectMemoryLimit() {
        // 256 MiB of queues and 64 MiB of headroom.
        assertThatCode(() -> DirectMemoryBudget.check(2112, (int) MIB, 256 * MIB, 320 * MIB))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> DirectMemoryBudget.check(2112, (int) MIB, 256 * MIB, 320 * MIB - 1))
                .hasMessageContaining("--conns 2112 x 2 directions x --relay-buffer 1048576 bytes")
                .hasMessageContaining("--relay-memory 268435456 bytes")
                .hasMessageContaining("the JVM's direct memory limit is 319 MiB")
                .hasMessageContaining("raise -XX:MaxDirectMemorySize to at least 320m");
    }

    @Test
    void largeQueuesGetAQuarterMoreAsHeadroom() {
        assertThatThrownBy(() -> DirectMemoryBudget.check(100_000, (int) MIB, 4096 * MIB, 5119 * MIB))
                .hasMessageContaining("plus 1024 MiB of headroom")
                .hasMessageContaining("at least 5120m");
    }
}

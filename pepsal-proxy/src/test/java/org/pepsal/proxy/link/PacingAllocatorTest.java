package org.pepsal.proxy.link;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.pepsal.proxy.link.PacingAllocator.BACKLOGGED;

class PacingAllocatorTest {
    @Test
    void backloggedConnectionsShareEqually() {
        Map<String, Double> demands = new LinkedHashMap<>();
        for (int i = 0; i < 8; i++) {
            demands.put("c" + i, BACKLOGGED);
        }
        var allocation = PacingAllocator.allocate(800, demands);
        assertThat(allocation.rates().values()).allSatisfy(rate -> assertThat(rate).isCloseTo(100, within(1e-9)));
        assertThat(allocation.newcomerShare()).isCloseTo(800 / 9.0, within(1e-9));
    }

    @Test
    void aConnectionWantingLessGetsItsDemandAndTheRestGoToTheBacklogged() {
        var allocation = PacingAllocator.allocate(900, Map.of("small", 60.0, "a", BACKLOGGED, "b", BACKLOGGED));
        assertThat(allocation.rates().get("small")).isEqualTo(60.0);
        assertThat(allocation.rates().get("a")).isCloseTo(420, within(1e-9));
        assertThat(allocation.rates().get("b")).isCloseTo(420, within(1e-9));
        assertThat(allocation.rates().values().stream().mapToDouble(Double::doubleValue).sum())
                .isCloseTo(900, within(1e-9));
    }

    @Test
    void demandsAboveAnEqualShareAreCutToIt() {
        // Max–min: 100 and 500 want more than a third of 600, 50 less; the other two split what 50 leaves.
        var allocation = PacingAllocator.allocate(600, Map.of("x", 50.0, "y", 500.0, "z", 1000.0));
        assertThat(allocation.rates().get("x")).isEqualTo(50.0);
        assertThat(allocation.rates().get("y")).isCloseTo(275, within(1e-9));
        assertThat(allocation.rates().get("z")).isCloseTo(275, within(1e-9));
    }

    @Test
    void withNobodyCountedANewcomerGetsTheWholeLink() {
        var allocation = PacingAllocator.allocate(2_450_000, Map.<String, Double>of());
        assertThat(allocation.rates()).isEmpty();
        assertThat(allocation.newcomerShare()).isEqualTo(2_450_000);
    }

    @Test
    void aNewcomerBesideAppLimitedConnectionsGetsWhatTheyLeave() {
        var allocation = PacingAllocator.allocate(1000, Map.of("slow", 100.0, "busy", BACKLOGGED));
        assertThat(allocation.rates().get("busy")).isCloseTo(900, within(1e-9));
        assertThat(allocation.newcomerShare()).isCloseTo(450, within(1e-9));
    }

    @Test
    void badInputIsRefused() {
        assertThatThrownBy(() -> PacingAllocator.allocate(0, Map.of())).hasMessageContaining("capacity");
        assertThatThrownBy(() -> PacingAllocator.allocate(10, Map.of("k", -1.0))).hasMessageContaining("k");
    }
}

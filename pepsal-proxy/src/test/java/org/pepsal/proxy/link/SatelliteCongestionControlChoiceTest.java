package org.pepsal.proxy.link;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class SatelliteCongestionControlChoiceTest {
    @Test
    void pepsalSatWhereRegisteredElseBbrWithAWarningThatSaysHowToRegisterIt() {
        SatelliteCongestionControl.Choice registered =
                SatelliteCongestionControl.choose(Set.of("reno", "cubic", "bbr", "pepsal_sat"));
        assertThat(registered.algorithm()).isEqualTo("pepsal_sat");
        assertThat(registered.warning()).isNull();

        SatelliteCongestionControl.Choice stock = SatelliteCongestionControl.choose(Set.of("reno", "cubic", "bbr"));
        assertThat(stock.algorithm()).isEqualTo("bbr");
        assertThat(stock.warning()).contains("pepsal_sat is not registered").contains("scripts/satcc.sh load")
                .contains("available: bbr cubic reno");
    }

    @Test
    void theKernelsListIsReadAsItIs() throws Exception {
        Set<String> available = SatelliteCongestionControl.available();
        if (Files.isReadable(SatelliteCongestionControl.AVAILABLE)) {
            assertThat(available).isEqualTo(Set.of(
                    Files.readString(SatelliteCongestionControl.AVAILABLE).strip().split("\\s+")));
        } else {
            assertThat(available).isEmpty();
        }
    }
}

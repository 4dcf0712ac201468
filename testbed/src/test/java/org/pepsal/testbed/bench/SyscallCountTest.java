package org.pepsal.testbed.bench;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class SyscallCountTest {
    /** strace 6's {@code -c} summary as {@code -o} writes it: an errors column only where a call failed. */
    private static final String SUMMARY = """
            % time     seconds  usecs/call     calls    errors syscall
            ------ ----------- ----------- --------- --------- ----------------
             41.20    0.412000          41     10000           setsockopt
             30.10    0.301000          30     15000      5000 recvfrom
              0.05    0.000500         250         2           epoll_pwait2
            ------ ----------- ----------- --------- --------- ----------------
            100.00    1.000000          40     25002      5000 total
            """;

    @Test
    void callsAreDividedByTheConnectionsAndTheTotalLineIsLeftOut() {
        Map<String, Double> perConnection = SyscallCount.parse(SUMMARY, 5000);

        assertThat(perConnection).containsOnlyKeys("setsockopt", "recvfrom", "epoll_pwait2");
        assertThat(perConnection.get("setsockopt")).isEqualTo(2.0);
        assertThat(perConnection.get("recvfrom")).isEqualTo(3.0);
        assertThat(perConnection.get("epoll_pwait2")).isCloseTo(0.0004, within(1e-9));
    }
}

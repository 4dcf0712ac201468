package org.pepsal.testbed.link;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Reading the kernel's drop counters at a TUN device: sysfs's tx_dropped and the root qdisc's drops. */
class TunOverflowsTest {
    @Test
    void rootQdiscDropsAreSummed() {
        String fqCodel = """
                qdisc fq_codel 0: root refcnt 2 limit 10240p flows 1024 quantum 1514 target 5ms interval 100ms memory_limit 32Mb ecn drop_batch 64\s
                 Sent 123456 bytes 789 pkt (dropped 17, overlimits 0 requeues 3)\s
                 backlog 0b 0p requeues 3
                  maxpacket 1500 drop_overlimit 0 new_flow_count 12 ecn_mark 0
                  new_flows_len 0 old_flows_len 0
                """;
        assertThat(TunOverflows.rootQdiscDrops(fqCodel)).isEqualTo(17);
    }

    @Test
    void childQdiscsAreNotCountedTwice() {
        String mq = """
                qdisc mq 0: root\s
                 Sent 1000 bytes 10 pkt (dropped 5, overlimits 0 requeues 0)\s
                 backlog 0b 0p requeues 0
                qdisc fq_codel 0: parent :2 limit 10240p flows 1024 quantum 1514 target 5ms interval 100ms\s
                 Sent 600 bytes 6 pkt (dropped 3, overlimits 0 requeues 0)\s
                 backlog 0b 0p requeues 0
                qdisc fq_codel 0: parent :1 limit 10240p flows 1024 quantum 1514 target 5ms interval 100ms\s
                 Sent 400 bytes 4 pkt (dropped 2, overlimits 0 requeues 0)\s
                 backlog 0b 0p requeues 0
                """;
        assertThat(TunOverflows.rootQdiscDrops(mq)).isEqualTo(5);
    }

    @Test
    void aDeviceWithoutQdiscCountsNothing() {
        assertThat(TunOverflows.rootQdiscDrops("")).isZero();
        assertThat(TunOverflows.rootQdiscDrops("qdisc noqueue 0: root refcnt 2\n")).isZero();
        assertThat(TunOverflows.rootQdiscDrops("""
                qdisc noqueue 0: root refcnt 2\s
                 Sent 0 bytes 0 pkt (dropped 0, overlimits 0 requeues 0)\s
                 backlog 0b 0p requeues 0
                """)).isZero();
    }

    @Test
    void sysfsCounterIsOneNumber() {
        assertThat(TunOverflows.parseCounter("42\n", "tb1l1a")).isEqualTo(42);
        assertThatThrownBy(() -> TunOverflows.parseCounter("", "tb1l1a"))
                .hasMessageContaining("tx_dropped of tb1l1a is not a number");
    }
}

package org.pepsal.proxy.rules;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The real /proc/sys reads, against what the kernel prints for the same files. */
class SystemAccessTest {
    @Test
    void aNumericSysctlOfSeveralDigitsAndFieldsIsReadWhole() throws Exception {
        // tcp_rmem holds three numbers of several digits: a read that stops after one byte would give "4".
        String expected = String.join(" ", Files.readAllLines(Path.of("/proc/sys/net/ipv4/tcp_rmem"))).strip();
        String read = SystemAccess.LOCAL.sysctl("net.ipv4.tcp_rmem");
        assertThat(read).isEqualTo(expected);
        assertThat(read.split("\\s+")).hasSize(3);
    }

    @Test
    void aMissingSysctlIsNull() {
        assertThat(SystemAccess.LOCAL.sysctl("net.ipv4.no_such_setting")).isNull();
    }
}

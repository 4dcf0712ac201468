package org.pepsal.proxy.socket;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NativeSocketsTest {
    @Test
    void theWarmUpTouchesNoSocketAndLeavesTheBindingsLive() {
        assertThatCode(NativeSockets::warmUp).doesNotThrowAnyException();
        // The bindings answer afterwards, with the kernel's own refusal of a descriptor that is no socket.
        assertThatThrownBy(() -> NativeSockets.tcpInfo(-1)).isInstanceOf(NativeSockets.NativeSocketException.class)
                .hasMessageContaining("TCP_INFO").hasMessageContaining("EBADF");
    }
}

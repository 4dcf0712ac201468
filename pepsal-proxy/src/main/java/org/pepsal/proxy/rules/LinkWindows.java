package org.pepsal.proxy.rules;

import java.util.regex.Pattern;

/**
 * What {@code rules install} is told about the satellite link: the interface it is reached through and the initial
 * windows (in segments) that fill it for one round trip: the congestion window in the direction the host sends, the
 * receive window in the direction it receives (a terminal sends over a narrower link than it receives over).
 */
public record LinkWindows(String device, int initcwnd, int initrwnd) {
    private static final Pattern DEVICE = Pattern.compile("[A-Za-z0-9_.:@-]{1,15}");
    /** The kernel takes larger values, but a window this size is already more than any satellite link needs. */
    static final int MAX_SEGMENTS = 65_535;

    public LinkWindows {
        if (device == null || !DEVICE.matcher(device).matches()) {
            throw new IllegalArgumentException("not an interface name: '" + device + "' (--satellite-iface)");
        }
        for (int segments : new int[] {initcwnd, initrwnd}) {
            if (segments < 1 || segments > MAX_SEGMENTS) {
                throw new IllegalArgumentException("an initial window must be 1.." + MAX_SEGMENTS + " segments, not "
                        + segments);
            }
        }
    }
}

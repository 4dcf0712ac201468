package org.pepsal.proxy.rules;

import java.util.regex.Pattern;

/**
 * What {@code rules install} is told about the satellite link: the interface it is reached through and the initial
 * window (in segments) that fills it for one round trip.
 */
public record LinkWindows(String device, int segments) {
    private static final Pattern DEVICE = Pattern.compile("[A-Za-z0-9_.:@-]{1,15}");
    /** The kernel takes larger values, but a window this size is already more than any satellite link needs. */
    static final int MAX_SEGMENTS = 65_535;

    public LinkWindows {
        if (device == null || !DEVICE.matcher(device).matches()) {
            throw new IllegalArgumentException("not an interface name: '" + device + "' (--satellite-iface)");
        }
        if (segments < 1 || segments > MAX_SEGMENTS) {
            throw new IllegalArgumentException("an initial window must be 1.." + MAX_SEGMENTS + " segments, not "
                    + segments);
        }
    }
}

package org.pepsal.testbed.topology;

/**
 * A point-to-point link between two hosts, with its device names and addresses. Link {@code n} uses
 * 10.200.n.0/24 and fd00:200:n::/64; end {@code a} is {@code .1}/{@code ::1}, end {@code b} is {@code .2}/{@code ::2}.
 */
public final class Link {
    private final int index;
    private final Host a;
    private final Host b;
    private final String aDevice;
    private final String bDevice;

    public Link(int index, Host a, Host b, String aDevice, String bDevice) {
        if (index < 1 || index > 250) {
            throw new IllegalArgumentException("link index out of range: " + index);
        }
        this.index = index;
        this.a = a;
        this.b = b;
        this.aDevice = aDevice;
        this.bDevice = bDevice;
    }

    /** One end of the link. */
    public record End(Host host, String device, String ipv4, String ipv6) {
    }

    public End a() {
        return new End(a, aDevice, "10.200." + index + ".1", "fd00:200:" + index + "::1");
    }

    public End b() {
        return new End(b, bDevice, "10.200." + index + ".2", "fd00:200:" + index + "::2");
    }

    public String aDevice() {
        return aDevice;
    }

    public String bDevice() {
        return bDevice;
    }

    public End endOf(Host host) {
        if (host == a) {
            return a();
        }
        if (host == b) {
            return b();
        }
        throw new IllegalArgumentException(host + " is not on link " + index);
    }

    public End peerOf(Host host) {
        if (host == a) {
            return b();
        }
        if (host == b) {
            return a();
        }
        throw new IllegalArgumentException(host + " is not on link " + index);
    }

    public String deviceOf(Host host) {
        return endOf(host).device();
    }

    /** Addresses both ends (IPv6 without duplicate address detection, so they are usable at once) and brings them up. */
    public void configureEnds() {
        for (End end : new End[] {a(), b()}) {
            end.host().exec("ip", "addr", "add", end.ipv4() + "/24", "dev", end.device());
            end.host().exec("ip", "-6", "addr", "add", end.ipv6() + "/64", "dev", end.device(), "nodad");
            end.host().exec("ip", "link", "set", end.device(), "up");
        }
    }

    @Override
    public String toString() {
        return a.role() + ":" + aDevice + " <-> " + b.role() + ":" + bDevice;
    }
}

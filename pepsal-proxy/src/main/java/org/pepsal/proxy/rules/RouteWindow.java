package org.pepsal.proxy.rules;

/**
 * One route whose initial windows {@code rules install} set for the satellite link, as its state file records it:
 * enough to find the route again and give it back the windows it had.
 *
 * @param family         4 or 6
 * @param destination    the route's destination as {@code ip route show} prints it ({@code default}, a prefix)
 * @param initcwndBefore the route's initcwnd before install, or null when it had none (the kernel's 10 segments)
 * @param initrwndBefore likewise initrwnd
 * @param initcwnd       the initcwnd install set
 * @param initrwnd       the initrwnd install set
 */
public record RouteWindow(int family, String device, String destination, Integer initcwndBefore,
                          Integer initrwndBefore, int initcwnd, int initrwnd) {
    IpFamily ipFamily() {
        return family == 6 ? IpFamily.IPV6 : IpFamily.IPV4;
    }

    String describe() {
        return "IPv" + family + " route " + destination + " dev " + device + ": initcwnd " + initcwnd + " initrwnd " + initrwnd;
    }
}

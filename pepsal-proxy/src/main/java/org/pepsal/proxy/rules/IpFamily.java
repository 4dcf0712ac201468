package org.pepsal.proxy.rules;

/** IPv4 or IPv6, with the names each tool uses for it. */
public enum IpFamily {
    IPV4("IPv4", "iptables", "-4", "0.0.0.0/0", "ipv4", "ip", "net.ipv4.ip_forward"),
    IPV6("IPv6", "ip6tables", "-6", "::/0", "ipv6", "ip6", "net.ipv6.conf.all.forwarding");

    final String label;
    final String iptables;
    final String ipFlag;
    final String anyAddress;
    final String nfproto;
    final String nftTproxyFamily;
    final String forwardingSysctl;

    IpFamily(String label, String iptables, String ipFlag, String anyAddress, String nfproto, String nftTproxyFamily,
             String forwardingSysctl) {
        this.label = label;
        this.iptables = iptables;
        this.ipFlag = ipFlag;
        this.anyAddress = anyAddress;
        this.nfproto = nfproto;
        this.nftTproxyFamily = nftTproxyFamily;
        this.forwardingSysctl = forwardingSysctl;
    }

    public String label() {
        return label;
    }

    public String forwardingSysctl() {
        return forwardingSysctl;
    }
}

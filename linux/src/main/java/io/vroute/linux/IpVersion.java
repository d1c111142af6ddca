package io.vroute.linux;

/** IPv4 or IPv6, for what is kept apart per family (policy rules). */
public enum IpVersion {
    /** IPv4 (AF_INET). */
    V4(Native.AF_INET),
    /** IPv6 (AF_INET6). */
    V6(Native.AF_INET6);

    private final int family;

    IpVersion(int family) {
        this.family = family;
    }

    int family() {
        return family;
    }
}

package io.vroute.bgp.session;

import io.vroute.bgp.wire.AddressFamily;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/** What we know of one peer before it connects. Built with {@link #builder}; immutable. */
public final class PeerConfig {
    private final InetAddress address;
    private final long remoteAs;
    private final InetAddress localAddress;
    private final int remotePort;
    private final boolean passive;
    private final int holdTime;
    private final Duration connectRetry;
    private final Set<AddressFamily> families;
    private final boolean addPathReceive;
    private final boolean gracefulRestartHelper;
    private final boolean gtsm;
    private final String md5Password;
    private final Duration stalePathTime;
    private final Duration idleHoldTime;

    private PeerConfig(Builder b) {
        this.address = b.address;
        this.remoteAs = b.remoteAs;
        this.localAddress = b.localAddress;
        this.remotePort = b.remotePort;
        this.passive = b.passive;
        this.holdTime = b.holdTime;
        this.connectRetry = b.connectRetry;
        this.families = Set.copyOf(b.families);
        this.addPathReceive = b.addPathReceive;
        this.gracefulRestartHelper = b.gracefulRestartHelper;
        this.gtsm = b.gtsm;
        this.md5Password = b.md5Password;
        this.stalePathTime = b.stalePathTime;
        this.idleHoldTime = b.idleHoldTime;
    }

    public static Builder builder(InetAddress address, long remoteAs) {
        return new Builder(address, remoteAs);
    }

    public InetAddress address() { return address; }
    public long remoteAs() { return remoteAs; }
    /** Source address for active connections; null lets the kernel choose. */
    public InetAddress localAddress() { return localAddress; }
    public int remotePort() { return remotePort; }
    /** Passive peers are never dialled: they connect to us (route server endpoints are passive). */
    public boolean passive() { return passive; }
    public int holdTime() { return holdTime; }
    public Duration connectRetry() { return connectRetry; }
    public Set<AddressFamily> families() { return families; }
    public boolean addPathReceive() { return addPathReceive; }
    public boolean gracefulRestartHelper() { return gracefulRestartHelper; }
    public boolean gtsm() { return gtsm; }
    /** The TCP-MD5 key (RFC 2385), or null. Never logged. */
    public String md5Password() { return md5Password; }
    /** How long a restarted peer's stale routes wait for its End-of-RIB once the session is back. */
    public Duration stalePathTime() { return stalePathTime; }
    /**
     * The first wait before an active peer is dialled again after its session failed (RFC 4271 §8.1.1
     * IdleHoldTimer); it doubles with every further failure up to 60 s and returns to this value once a
     * session has stayed up for 30 s.
     */
    public Duration idleHoldTime() { return idleHoldTime; }

    @Override
    public String toString() {
        return "peer " + address.getHostAddress() + " AS" + remoteAs + (passive ? " passive" : " active")
                + (md5Password != null ? " md5" : "") + (gtsm ? " gtsm" : "");
    }

    public static final class Builder {
        private final InetAddress address;
        private final long remoteAs;
        private InetAddress localAddress;
        private int remotePort = 179;
        private boolean passive = true;
        private int holdTime = 90;
        private Duration connectRetry = Duration.ofSeconds(5);
        private Set<AddressFamily> families = Set.of(AddressFamily.IPV4_UNICAST, AddressFamily.IPV6_UNICAST);
        private boolean addPathReceive;
        private boolean gracefulRestartHelper = true;
        private boolean gtsm;
        private String md5Password;
        private Duration stalePathTime = Duration.ofSeconds(360);
        private Duration idleHoldTime = Duration.ofSeconds(1);

        private Builder(InetAddress address, long remoteAs) {
            this.address = Objects.requireNonNull(address, "peer address");
            if (remoteAs < 1 || remoteAs > 0xFFFF_FFFFL) throw new IllegalArgumentException("peer AS must be 1..4294967295, not " + remoteAs);
            this.remoteAs = remoteAs;
        }

        public Builder localAddress(InetAddress v) { localAddress = v; return this; }
        public Builder remotePort(int v) {
            if (v < 1 || v > 65535) throw new IllegalArgumentException("port must be 1..65535, not " + v);
            remotePort = v;
            return this;
        }
        public Builder passive(boolean v) { passive = v; return this; }
        /** RFC 4271 §4.2: zero, or at least three seconds. */
        public Builder holdTime(int v) {
            if (v != 0 && (v < 3 || v > 65535)) {
                throw new IllegalArgumentException("hold time must be 0 (no keepalives) or 3..65535 seconds (RFC 4271 §4.2), not " + v
                        + ": pick 3 or more, e.g. 90");
            }
            holdTime = v;
            return this;
        }
        public Builder connectRetry(Duration v) {
            if (v.isNegative() || v.isZero()) throw new IllegalArgumentException("the connect-retry time must be positive, e.g. 5 s");
            connectRetry = v;
            return this;
        }
        public Builder families(Set<AddressFamily> v) {
            if (v.isEmpty()) throw new IllegalArgumentException("a peer needs at least one address family");
            families = v;
            return this;
        }
        public Builder addPathReceive(boolean v) { addPathReceive = v; return this; }
        public Builder gracefulRestartHelper(boolean v) { gracefulRestartHelper = v; return this; }
        public Builder gtsm(boolean v) { gtsm = v; return this; }
        public Builder md5Password(String v) {
            if (v != null && (v.isEmpty() || v.length() > 80)) throw new IllegalArgumentException("a TCP-MD5 password is 1..80 characters");
            md5Password = v;
            return this;
        }
        public Builder stalePathTime(Duration v) {
            if (v.isNegative() || v.isZero()) throw new IllegalArgumentException("the stale-path time must be positive, e.g. 360 s");
            stalePathTime = v;
            return this;
        }
        public Builder idleHoldTime(Duration v) {
            if (v.isNegative() || v.toMillis() > 60_000) {
                throw new IllegalArgumentException("the idle-hold time must be 0..60 s (it is the first back-off step), not " + v);
            }
            idleHoldTime = v;
            return this;
        }
        public PeerConfig build() { return new PeerConfig(this); }
    }
}

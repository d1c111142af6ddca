package io.vroute.bgp.wire;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * UPDATE (RFC 4271 §4.3), with the MP_REACH_NLRI/MP_UNREACH_NLRI attributes (RFC 4760) lifted out of the
 * attribute set so that {@link #attributes()} is the part routes share. {@link #errorHandling()} records what
 * RFC 7606 made of a malformed message that did not need a session reset; {@link #announced()} and
 * {@link #withdrawn()} already apply it (treat-as-withdraw turns every announced prefix into a withdrawal).
 */
public final class UpdateMessage implements BgpMessage {

    /** MP_REACH_NLRI (RFC 4760 §3); for IPv6 a link-local next hop may follow the global one (RFC 2545 §3). */
    public record MpReach(Nlri nlri, InetAddress nextHop, InetAddress linkLocalNextHop) {
        public MpReach {
            Objects.requireNonNull(nlri);
        }
    }

    /** RFC 7606 §2 approaches, from lightest to heaviest (session reset is a {@link BgpProtocolException}). */
    public enum ErrorHandling { NONE, ATTRIBUTE_DISCARD, TREAT_AS_WITHDRAW }

    private final Nlri withdrawnRoutes;
    private final PathAttributes attributes;
    private final Nlri nlri;
    private final MpReach mpReach;
    private final Nlri mpUnreach;
    private final ErrorHandling errorHandling;
    private final List<String> errors;

    public UpdateMessage(Nlri withdrawnRoutes, PathAttributes attributes, Nlri nlri, MpReach mpReach, Nlri mpUnreach,
                         ErrorHandling errorHandling, List<String> errors) {
        this.withdrawnRoutes = withdrawnRoutes == null ? Nlri.EMPTY_IPV4 : withdrawnRoutes;
        this.attributes = attributes == null ? PathAttributes.EMPTY : attributes;
        this.nlri = nlri == null ? Nlri.EMPTY_IPV4 : nlri;
        this.mpReach = mpReach;
        this.mpUnreach = mpUnreach;
        this.errorHandling = errorHandling == null ? ErrorHandling.NONE : errorHandling;
        this.errors = List.copyOf(errors == null ? List.of() : errors);
    }

    /** A well-formed UPDATE. */
    public UpdateMessage(Nlri withdrawnRoutes, PathAttributes attributes, Nlri nlri, MpReach mpReach, Nlri mpUnreach) {
        this(withdrawnRoutes, attributes, nlri, mpReach, mpUnreach, ErrorHandling.NONE, List.of());
    }

    /** The End-of-RIB marker for a family (RFC 4724 §2). */
    public static UpdateMessage endOfRib(AddressFamily family) {
        if (family.equals(AddressFamily.IPV4_UNICAST)) return new UpdateMessage(null, null, null, null, null);
        return new UpdateMessage(null, null, null, null, new Nlri(family, new Prefix[0], null));
    }

    /** IPv4 Withdrawn Routes field, as received. */
    public Nlri withdrawnRoutes() { return withdrawnRoutes; }
    public PathAttributes attributes() { return attributes; }
    /** IPv4 NLRI field, as received. */
    public Nlri nlri() { return nlri; }
    public MpReach mpReach() { return mpReach; }
    public Nlri mpUnreach() { return mpUnreach; }
    public ErrorHandling errorHandling() { return errorHandling; }
    /** What was wrong with the message, one line per problem, for the log. */
    public List<String> errors() { return errors; }

    /**
     * The family whose End-of-RIB this is (RFC 4724 §2): an UPDATE with nothing in it for IPv4, one with only
     * an empty MP_UNREACH_NLRI for other families; null otherwise.
     */
    public AddressFamily endOfRibFamily() {
        if (errorHandling != ErrorHandling.NONE || mpReach != null || !withdrawnRoutes.isEmpty() || !nlri.isEmpty()) return null;
        if (mpUnreach == null) return attributes.equals(PathAttributes.EMPTY) ? AddressFamily.IPV4_UNICAST : null;
        return mpUnreach.isEmpty() && attributes.equals(PathAttributes.EMPTY) ? mpUnreach.family() : null;
    }

    /** Prefixes announced by this UPDATE (IPv4 NLRI then MP_REACH), empty under treat-as-withdraw. */
    public List<Nlri> announced() {
        if (errorHandling == ErrorHandling.TREAT_AS_WITHDRAW) return List.of();
        List<Nlri> out = new ArrayList<>(2);
        if (!nlri.isEmpty()) out.add(nlri);
        if (mpReach != null && !mpReach.nlri().isEmpty()) out.add(mpReach.nlri());
        return out;
    }

    /** Prefixes withdrawn by this UPDATE; under treat-as-withdraw (RFC 7606 §2) also every announced one. */
    public List<Nlri> withdrawn() {
        List<Nlri> out = new ArrayList<>(2);
        if (!withdrawnRoutes.isEmpty()) out.add(withdrawnRoutes);
        if (mpUnreach != null && !mpUnreach.isEmpty()) out.add(mpUnreach);
        if (errorHandling == ErrorHandling.TREAT_AS_WITHDRAW) {
            if (!nlri.isEmpty()) out.add(nlri);
            if (mpReach != null && !mpReach.nlri().isEmpty()) out.add(mpReach.nlri());
        }
        return out;
    }

    /** The next hop of the routes announced for {@code family}: NEXT_HOP for IPv4 NLRI, else MP_REACH's. */
    public InetAddress nextHop(AddressFamily family) {
        if (mpReach != null && mpReach.nlri().family().equals(family)) return mpReach.nextHop();
        return family.equals(AddressFamily.IPV4_UNICAST) ? attributes.nextHop() : null;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UpdateMessage u && u.withdrawnRoutes.equals(withdrawnRoutes) && u.attributes.equals(attributes)
                && u.nlri.equals(nlri) && Objects.equals(u.mpReach, mpReach) && Objects.equals(u.mpUnreach, mpUnreach)
                && u.errorHandling == errorHandling;
    }

    @Override
    public int hashCode() {
        return Objects.hash(withdrawnRoutes, attributes, nlri, mpReach, mpUnreach, errorHandling);
    }

    @Override
    public String toString() {
        return "UPDATE[withdrawn=" + withdrawnRoutes + ", attrs=" + attributes + ", nlri=" + nlri
                + (mpReach != null ? ", mp_reach=" + mpReach : "") + (mpUnreach != null ? ", mp_unreach=" + mpUnreach : "")
                + (errorHandling != ErrorHandling.NONE ? ", " + errorHandling + errors : "") + "]";
    }

    @Override public int type() { return TYPE_UPDATE; }
}

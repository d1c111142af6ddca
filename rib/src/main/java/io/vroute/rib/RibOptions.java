package io.vroute.rib;

/**
 * How the RIB decides.
 *
 * @param localAsn           the route server's own AS: routes whose AS_PATH holds it are loops (RFC 4271 §9.1.2)
 * @param compareMedAcrossAs true (the default, as AWS's examples need) compares MED among all remaining
 *                           routes; false compares it only among routes from the same neighbouring AS, as
 *                           RFC 4271 §9.1.2.2 (c) says
 */
public record RibOptions(long localAsn, boolean compareMedAcrossAs) {
    public RibOptions {
        if (localAsn < 1 || localAsn > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("local ASN must be 1..4294967295 (the route server's own ASN), not " + localAsn);
        }
    }

    /** MED compared across neighbouring ASes. */
    public RibOptions(long localAsn) {
        this(localAsn, true);
    }
}

package io.vroute.bgp.wire;

/** ORIGIN values (RFC 4271 §5.1.1); lower is preferred (§9.1.2.2 c). */
public enum Origin {
    IGP, EGP, INCOMPLETE;

    public static Origin ofCode(int code) {
        return switch (code) {
            case 0 -> IGP;
            case 1 -> EGP;
            case 2 -> INCOMPLETE;
            default -> null;
        };
    }

    public int code() { return ordinal(); }

    /** "igp", "egp", "incomplete": the words `bgp listen --json` prints. */
    public String word() { return name().toLowerCase(java.util.Locale.ROOT); }
}

package io.vroute.bgp.wire;

import java.util.List;

/**
 * What the shared (non-MP) path attributes of an UPDATE decoded to: the attribute set, the RFC 7606 action
 * and log lines that follow from these octets alone, and what the message-level checks need (which
 * well-known attributes were present, a NEXT_HOP problem that matters only when the NLRI field is not
 * empty). Also the {@link AttributeCache} entry itself (key octets and hash), so that a lookup touches one
 * object besides the table.
 */
final class DecodedAttributes {
    static final DecodedAttributes NONE_4 = new DecodedAttributes(PathAttributes.EMPTY, UpdateMessage.ErrorHandling.NONE,
            List.of(), false, false, false, null, true);
    static final DecodedAttributes NONE_2 = new DecodedAttributes(PathAttributes.EMPTY, UpdateMessage.ErrorHandling.NONE,
            List.of(), false, false, false, null, false);

    final PathAttributes attributes;
    final UpdateMessage.ErrorHandling handling;
    final List<String> errors;
    final boolean hasOrigin, hasAsPath, hasNextHop;
    final String nextHopProblem;
    final boolean fourOctetAs;
    // Cache key, set by AttributeCache.put.
    byte[] key;
    int hash;

    DecodedAttributes(PathAttributes attributes, UpdateMessage.ErrorHandling handling, List<String> errors,
                      boolean hasOrigin, boolean hasAsPath, boolean hasNextHop, String nextHopProblem, boolean fourOctetAs) {
        this.attributes = attributes;
        this.handling = handling;
        this.errors = errors;
        this.hasOrigin = hasOrigin;
        this.hasAsPath = hasAsPath;
        this.hasNextHop = hasNextHop;
        this.nextHopProblem = nextHopProblem;
        this.fourOctetAs = fourOctetAs;
    }
}

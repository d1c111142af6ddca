package io.vroute.bfd;

import java.util.HashSet;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * Hands out My Discriminator values: non-zero and unique among this system's live sessions (RFC 5880 §6.3),
 * drawn at random so a restarted system is unlikely to reuse a value its peers still remember.
 */
public final class Discriminators {
    private final RandomGenerator random;
    private final Set<Integer> inUse = new HashSet<>();

    public Discriminators(RandomGenerator random) {
        this.random = random;
    }

    public int allocate() {
        if (inUse.size() >= 1 << 30) {
            throw new IllegalStateException("a billion BFD sessions hold discriminators: release the ones of closed sessions");
        }
        while (true) {
            int d = random.nextInt();
            if (d != 0 && inUse.add(d)) return d;
        }
    }

    /** Gives the value back when its session is gone. */
    public void release(int discriminator) {
        inUse.remove(discriminator);
    }

    public boolean inUse(int discriminator) {
        return inUse.contains(discriminator);
    }
}

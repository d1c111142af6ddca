package io.vroute.linux;

import java.util.List;

/**
 * The outcome of {@link Routes#apply}: which operations of the batch the kernel refused, and why. Every operation
 * not listed in {@link #failures()} was applied.
 */
public final class BatchResult {

    /**
     * One refused operation.
     *
     * @param index     its position in the batch
     * @param operation the operation
     * @param error     why: errno, what to do, and the kernel's message
     */
    public record Failure(int index, RouteOperation operation, NetlinkException error) {
    }

    private final int size;
    private final List<Failure> failures;

    BatchResult(int size, List<Failure> failures) {
        this.size = size;
        this.failures = List.copyOf(failures);
    }

    /** How many operations the batch had. */
    public int size() {
        return size;
    }

    /** How many were applied. */
    public int applied() {
        return size - failures.size();
    }

    /** The refused operations, in batch order. */
    public List<Failure> failures() {
        return failures;
    }

    /** Whether every operation was applied. */
    public boolean allApplied() {
        return failures.isEmpty();
    }

    /**
     * Throws the first failure (the others attached as suppressed) when any operation was refused.
     *
     * @throws NetlinkException the first refusal
     */
    public void throwIfAnyFailed() throws NetlinkException {
        if (failures.isEmpty()) return;
        NetlinkException first = failures.getFirst().error();
        if (first.getSuppressed().length == 0) {   // attach once, however often this is called; at most 100
            for (int i = 1; i < failures.size() && i <= 100; i++) first.addSuppressed(failures.get(i).error());
        }
        throw first;
    }

    @Override
    public String toString() {
        return "BatchResult[" + applied() + " of " + size + " applied"
                + (failures.isEmpty() ? "" : ", first failure: " + failures.getFirst().error().getMessage()) + "]";
    }
}

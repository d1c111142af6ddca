package io.vroute.linux;

import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * A netlink request and how to report its failure: {@code what} names the operation for the error message (built
 * only when it fails, so that a batch of 100k routes makes no strings), {@code advice} says what to do about an
 * errno for this kind of operation (null: fall back to the general advice).
 */
record Request(Message message, Supplier<String> what, IntFunction<String> advice) {
}

package io.vroute.server;

import io.vroute.bfd.BfdEngine;

/**
 * A bfd peer's BFD timers (vroute extension): the interval we want to send at, the interval we can receive at, both
 * in milliseconds, and the detect multiplier. The peer is declared down after multiplier x max(minRxInterval, the
 * appliance's transmit interval) of silence (RFC 5880 §6.8.4).
 */
public record BfdOptions(int minTxInterval, int minRxInterval, int multiplier) {
    /** 300 ms x 3: a frozen appliance is declared down within 900 ms. */
    public static final BfdOptions DEFAULT = new BfdOptions(300, 300, 3);

    /** Validates against what the BFD engine accepts, with the API's parameter names in the message. */
    public static BfdOptions of(Integer minTx, Integer minRx, Integer multiplier, BfdOptions base) {
        BfdOptions b = base != null ? base : DEFAULT;
        BfdOptions o = new BfdOptions(minTx != null ? minTx : b.minTxInterval(), minRx != null ? minRx : b.minRxInterval(),
                multiplier != null ? multiplier : b.multiplier());
        if (o.minTxInterval < 10 || o.minTxInterval > 60_000) {
            throw new ServerException("InvalidParameterValue", "BfdOptions.MinTxInterval " + o.minTxInterval
                    + " ms is out of range: use 10 to 60000 ms (300 is the default)");
        }
        if (o.minRxInterval < 10 || o.minRxInterval > 60_000) {
            throw new ServerException("InvalidParameterValue", "BfdOptions.MinRxInterval " + o.minRxInterval
                    + " ms is out of range: use 10 to 60000 ms (300 is the default)");
        }
        if (o.multiplier < 2 || o.multiplier > 255) {
            throw new ServerException("InvalidParameterValue", "BfdOptions.Multiplier " + o.multiplier
                    + " is out of range: use 2 to 255 (3 is the default)");
        }
        return o;
    }

    BfdEngine.Timers timers() {
        return BfdEngine.Timers.ofMillis(minTxInterval, minRxInterval, multiplier);
    }

    /** Silence after which the appliance is declared down, given it sends as fast as we can receive. */
    public int detectionTime() {
        return multiplier * minRxInterval;
    }
}

package io.vroute.bench;

import io.vroute.bgp.feed.SyntheticTable;
import io.vroute.bgp.wire.BgpMessage;
import io.vroute.bgp.wire.BgpProtocolException;
import io.vroute.bgp.wire.MessageDecoder;
import io.vroute.bgp.wire.SessionContext;
import io.vroute.bgp.wire.UpdateMessage;
import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * UPDATE decoding throughput on a full-table feed: 1M IPv4 prefixes, 100k distinct attribute sets, AS paths of
 * 1 to 10 hops, communities. One operation is one prefix, so the score is prefixes per second; run with
 * {@code -prof gc} to see bytes allocated per prefix (gc.alloc.rate.norm).
 *
 * <p>Each invocation decodes the whole feed with a new decoder, as a new session would: its attribute cache
 * starts empty, so every attribute set is really decoded once.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseZGC", "-Xms4g", "-Xmx4g", "-XX:+AlwaysPreTouch"})
public class UpdateDecodeBenchmark {
    static final int PREFIXES = 1_000_000;
    static final int ATTRIBUTE_SETS = 100_000;

    private List<byte[]> messages;
    private MessageDecoder warmDecoder;

    @Setup
    public void setUp() throws Exception {
        SyntheticTable table = SyntheticTable.generate(42, PREFIXES, ATTRIBUTE_SETS, 65001, InetAddress.getByName("10.0.1.203"));
        messages = table.encodedUpdates(SessionContext.FOUR_OCTET);
        warmDecoder = new MessageDecoder(SessionContext.FOUR_OCTET);
    }

    @Benchmark
    @OperationsPerInvocation(PREFIXES)
    public void decodeFullTable(Blackhole bh) throws BgpProtocolException {
        MessageDecoder decoder = new MessageDecoder(SessionContext.FOUR_OCTET);
        for (byte[] m : messages) {
            BgpMessage msg = decoder.decode(m, 0, m.length);
            bh.consume(((UpdateMessage) msg).nlri().size());
            bh.consume(msg);
        }
    }

    /**
     * The same feed through one long-lived decoder: every attribute set is already cached, as for a peer that
     * re-advertises or churns. What is left is the per-prefix cost, so gc.alloc.rate.norm here is the
     * allocation per prefix (the Prefix object and its array slot, plus each message's share).
     */
    @Benchmark
    @OperationsPerInvocation(PREFIXES)
    public void decodeFullTableWarmCache(Blackhole bh) throws BgpProtocolException {
        for (byte[] m : messages) {
            BgpMessage msg = warmDecoder.decode(m, 0, m.length);
            bh.consume(msg);
        }
    }
}

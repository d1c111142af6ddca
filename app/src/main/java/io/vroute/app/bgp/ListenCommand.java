package io.vroute.app.bgp;

import io.vroute.bgp.session.BgpSpeaker;
import io.vroute.bgp.session.PeerConfig;
import io.vroute.bgp.session.SpeakerConfig;
import io.vroute.bgp.wire.AddressFamily;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code vroute bgp listen}: a passive BGP speaker that prints what each configured peer sends, the way an
 * engineer checks what an appliance really advertises.
 */
@Command(name = "listen", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Runs a passive BGP speaker and prints every session event, route and withdrawal the peers send.",
            "Only the peers given with --peer may connect; anyone else gets a Cease/Connection Rejected.",
            "Stop with Ctrl-C (or SIGTERM): every peer gets a Cease/Administrative Shutdown first."},
        footer = {"", "Example:",
            "  vroute bgp listen --local-as 65000 --listen 10.0.1.230 --peer 10.0.1.203=65001 --json"})
public final class ListenCommand implements Callable<Integer> {

    @Option(names = "--local-as", required = true, paramLabel = "ASN",
            description = "Our AS number (1..4294967295).")
    long localAs;

    @Option(names = "--listen", required = true, paramLabel = "ADDRESS",
            description = "Local address to accept BGP connections on (repeatable; IPv4 or IPv6).")
    List<String> listen = new ArrayList<>();

    @Option(names = "--port", defaultValue = "179", paramLabel = "PORT", description = "TCP port (default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--peer", required = true, paramLabel = "ADDRESS=ASN",
            description = "A peer allowed to connect, with the AS number its OPEN must carry (repeatable).")
    List<String> peers = new ArrayList<>();

    @Option(names = "--router-id", paramLabel = "A.B.C.D",
            description = "Our BGP identifier (default: the first IPv4 --listen address, else 0.0.0.1).")
    String routerId;

    @Option(names = "--hold-time", defaultValue = "90", paramLabel = "SECONDS",
            description = "Hold time we offer: 0, or 3 and more (default ${DEFAULT-VALUE}).")
    int holdTime;

    @Option(names = "--md5", paramLabel = "ADDRESS=PASSWORD",
            description = "TCP-MD5 signature (RFC 2385) with that peer (repeatable). The password is never printed,"
                    + " but other local users can see command lines: prefer a root-only shell.")
    List<String> md5 = new ArrayList<>();

    @Option(names = "--gtsm", description = "GTSM (RFC 5082) for every peer: send with TTL 255, accept only 254 and more.")
    boolean gtsm;

    @Option(names = "--add-path", description = "Offer ADD-PATH receive (RFC 7911) for IPv4 and IPv6 unicast.")
    boolean addPath;

    @Option(names = "--free-bind", description = "Listen even if the address is not on any interface yet (IP_FREEBIND).")
    boolean freeBind;

    @Option(names = "--json", description = "One JSON object per line instead of text.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        if (localAs < 1 || localAs > 0xFFFF_FFFFL) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--local-as must be 1..4294967295, not " + localAs);
        }
        if (holdTime != 0 && (holdTime < 3 || holdTime > 65535)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--hold-time must be 0 or 3..65535 (RFC 4271 §4.2), not " + holdTime);
        }
        List<InetSocketAddress> addresses = new ArrayList<>();
        for (String l : listen) addresses.add(new InetSocketAddress(address("--listen", l), port));
        InetAddress id = routerId != null ? address("--router-id", routerId) : defaultRouterId(addresses);
        if (!(id instanceof Inet4Address)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--router-id must be an IPv4 address (a BGP identifier is 32 bits)");
        }
        java.util.Map<InetAddress, String> passwords = new java.util.HashMap<>();
        for (String m : md5) {
            int eq = m.indexOf('=');
            if (eq <= 0 || eq == m.length() - 1) throw bad("--md5 wants ADDRESS=PASSWORD, e.g. 10.0.1.203=s3cret");
            passwords.put(address("--md5", m.substring(0, eq)), m.substring(eq + 1));
        }
        List<PeerConfig> configs = new ArrayList<>();
        for (String p : peers) configs.add(peer(p, passwords));
        for (InetAddress a : passwords.keySet()) {
            if (configs.stream().noneMatch(c -> c.address().equals(a))) {
                throw bad("--md5 " + a.getHostAddress() + ": not a --peer; add --peer " + a.getHostAddress() + "=ASN");
            }
        }

        MonitorPrinter printer = new MonitorPrinter(out, json);
        CountDownLatch stopped = new CountDownLatch(1);
        BgpSpeaker speaker;
        try {
            speaker = BgpSpeaker.start(new SpeakerConfig(localAs, id, addresses, freeBind), printer);
        } catch (IOException e) {
            spec.commandLine().getErr().println("vroute: " + e.getMessage());
            return 2;
        }
        for (PeerConfig c : configs) speaker.addPeer(c);
        printer.listening(speaker.boundAddresses(), localAs, configs);
        // Ctrl-C and SIGTERM end the run cleanly: Cease to every peer, then exit status 0.
        for (String signal : List.of("INT", "TERM")) {
            sun.misc.Signal.handle(new sun.misc.Signal(signal), s -> stopped.countDown());
        }
        stopped.await();
        speaker.close();
        printer.stopped();
        return 0;
    }

    private PeerConfig peer(String spec, java.util.Map<InetAddress, String> passwords) {
        int eq = spec.lastIndexOf('=');
        if (eq <= 0) throw bad("--peer wants ADDRESS=ASN, e.g. 10.0.1.203=65001; got '" + spec + "'");
        InetAddress a = address("--peer", spec.substring(0, eq));
        long asn;
        try {
            asn = Long.parseLong(spec.substring(eq + 1));
        } catch (NumberFormatException e) {
            throw bad("--peer " + spec + ": the ASN must be a number 1..4294967295");
        }
        if (asn < 1 || asn > 0xFFFF_FFFFL) throw bad("--peer " + spec + ": the ASN must be 1..4294967295");
        return PeerConfig.builder(a, asn)
                .passive(true)
                .holdTime(holdTime)
                .families(Set.of(AddressFamily.IPV4_UNICAST, AddressFamily.IPV6_UNICAST))
                .addPathReceive(addPath)
                .md5Password(passwords.get(a))
                .gtsm(gtsm)
                .connectRetry(Duration.ofSeconds(5))
                .build();
    }

    private InetAddress address(String option, String text) {
        String t = text.trim();
        // Literal addresses only: a name lookup would be a surprise on a box without DNS.
        if (t.isEmpty() || (Character.digit(t.charAt(0), 16) < 0 && t.charAt(0) != ':')) {
            throw bad(option + ": '" + text + "' is not an IP address");
        }
        try {
            return InetAddress.getByName(t);
        } catch (UnknownHostException e) {
            throw bad(option + ": '" + text + "' is not an IP address");
        }
    }

    private static InetAddress defaultRouterId(List<InetSocketAddress> addresses) throws UnknownHostException {
        for (InetSocketAddress a : addresses) if (a.getAddress() instanceof Inet4Address) return a.getAddress();
        return InetAddress.getByName("0.0.0.1");
    }

    private CommandLine.ParameterException bad(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }
}

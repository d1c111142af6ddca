package io.vroute.app;

import io.vroute.api.Ec2Api;
import io.vroute.server.Quotas;
import io.vroute.server.Server;
import io.vroute.server.ServerConfig;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vroute serve}: the route server daemon with its AWS-compatible API. */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run the route server: the EC2-compatible API, the VPC model, BGP endpoints and route tables.",
                "State lives in DIR/vroute.db (SQLite, WAL). SIGTERM or Ctrl-C ends every BGP session with a Cease"
                        + " and closes the store cleanly. See docs/route-server.md."})
public final class ServeCommand implements Callable<Integer> {
    @Option(names = "--data-dir", required = true, paramLabel = "DIR",
            description = "Where the store and the generated credentials live (created if missing).")
    Path dataDir;

    @Option(names = "--api", defaultValue = "127.0.0.1:8179", paramLabel = "ADDRESS:PORT",
            description = "Where the EC2 Query API listens (default ${DEFAULT-VALUE}).")
    String api;

    @Option(names = "--dataplane", paramLabel = "KIND",
            description = "Where route tables go: linux (the kernel: a network namespace per VPC, a routing table per"
                    + " route table; the default when root on Linux) or model (only in the store; the default otherwise)."
                    + " See docs/dataplane.md.")
    String dataplane;

    @Option(names = "--auth", defaultValue = "sigv4", paramLabel = "MODE",
            description = "sigv4 (default): requests must be signed with a key from DIR/credentials; none: no checking.")
    String auth;

    @Option(names = "--quotas", defaultValue = "vroute", paramLabel = "PROFILE",
            description = "vroute (default: AWS's structural limits, the arbitrary ones lifted) or aws (AWS's default quotas).")
    String quotas;

    @Option(names = "--bgp-port", defaultValue = "179", paramLabel = "PORT",
            description = "TCP port every endpoint listens on for BGP (default ${DEFAULT-VALUE}).")
    int bgpPort;

    @Option(names = "--hold-time", defaultValue = "90", paramLabel = "SECONDS",
            description = "Hold time the endpoints offer (default ${DEFAULT-VALUE}; the session uses the smaller of both sides').")
    int holdTime;

    @Option(names = "--bfd-port", defaultValue = "3784", paramLabel = "PORT",
            description = "UDP port BFD listens on and sends to (default ${DEFAULT-VALUE}, RFC 5881 §4; change it only for tests).")
    int bfdPort;

    @Option(names = "--netns-prefix", defaultValue = "vroute-", paramLabel = "PREFIX",
            description = "Linux data plane: the prefix of the network namespaces vroute creates and owns (default"
                    + " ${DEFAULT-VALUE}); give two instances on one host different prefixes.")
    String netnsPrefix;

    @Option(names = "--peer-log-dir", paramLabel = "DIR",
            description = "Where peer event logs with destination file go: DIR/<route server>/<peer>.log (default"
                    + " DATA-DIR/peer-logs). Turn them on per route server with vroute peer-logging; SIGHUP reopens the"
                    + " files after log rotation. See docs/peer-logs.md.")
    Path peerLogDir;

    @Option(names = "--webhook", paramLabel = "URL",
            description = "Post notifications (BGP/BFD status changes, endpoint maintenance) of route servers with"
                    + " SnsNotificationsEnabled to this http(s) URL; repeat for several. Needs --webhook-secret-file."
                    + " See docs/notifications.md.")
    java.util.List<String> webhooks = new java.util.ArrayList<>();

    @Option(names = "--webhook-secret-file", paramLabel = "FILE",
            description = "The secret that signs every notification (X-Vroute-Signature, HMAC-SHA256), e.g. made with"
                    + " (umask 077; openssl rand -hex 32 > FILE), readable by vroute only.")
    Path webhookSecretFile;

    @Option(names = "--log-format", defaultValue = "text", paramLabel = "FORMAT",
            description = "How the log on standard error looks: text (default: time, level, message) or json (one object"
                    + " per line: time, level, logger, thread, message, error). See docs/route-server.md.")
    String logFormat;

    @Option(names = "--log-level", defaultValue = "info", paramLabel = "LEVEL",
            description = "The least severe log records written: error, warning, info (default), debug or trace.")
    String logLevel;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** linux when root on Linux (it can create namespaces), model otherwise. */
    static String defaultDataplane() {
        return isRoot() && java.nio.file.Files.exists(java.nio.file.Path.of("/proc/self/ns/net")) ? "linux" : "model";
    }

    static boolean isRoot() {
        try {
            return "0".equals(new com.sun.security.auth.module.UnixSystem().getUid() + "");
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    @Override
    public Integer call() throws Exception {
        try {
            Logs.configure(logFormat, logLevel);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        if (dataplane == null) dataplane = defaultDataplane();
        if (!dataplane.equals("model") && !dataplane.equals("linux")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--dataplane must be linux or model, not " + dataplane);
        }
        if (dataplane.equals("linux") && !isRoot()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--dataplane linux creates network namespaces"
                    + " and kernel routes: run vroute as root (sudo), or use --dataplane model");
        }
        if (!auth.equals("sigv4") && !auth.equals("none")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--auth must be sigv4 or none, not " + auth);
        }
        if (holdTime != 0 && (holdTime < 3 || holdTime > 65535)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--hold-time must be 0 or 3 to 65535 (RFC 4271 §4.2)");
        }
        if (bfdPort < 1 || bfdPort > 65535) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--bfd-port must be 1 to 65535 (3784 is BFD's port)");
        }
        InetSocketAddress apiAddress = Addresses.hostPort("--api", api);
        Quotas q;
        try {
            q = Quotas.named(quotas);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        ServerConfig.Webhooks hooks = null;
        if (!webhooks.isEmpty()) {
            if (webhookSecretFile == null) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--webhook needs --webhook-secret-file FILE:"
                        + " receivers check each notification's signature with it (make one with: (umask 077;"
                        + " openssl rand -hex 32 > FILE))");
            }
            try {
                for (String url : webhooks) io.vroute.server.events.WebhookNotifier.checkUrl(url);
                hooks = new ServerConfig.Webhooks(webhooks, io.vroute.server.events.WebhookNotifier.loadSecret(webhookSecretFile));
            } catch (RuntimeException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
        } else if (webhookSecretFile != null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--webhook-secret-file is given but no --webhook URL:"
                    + " add --webhook URL for each receiver");
        }
        ServerConfig config = ServerConfig.defaults(dataDir).withQuotas(q).withBgpPort(bgpPort).withHoldTime(holdTime)
                .withBfdPort(bfdPort).withPeerLogDir(peerLogDir != null ? peerLogDir : dataDir.resolve("peer-logs"))
                .withWebhooks(hooks)
                .withDataplane(dataplane.equals("linux") ? io.vroute.server.dataplane.KernelLayout.withPrefix(netnsPrefix) : null);
        Server server = Server.start(config);
        Ec2Api api;
        try {
            api = Ec2Api.start(server, apiAddress, dataDir, auth.equals("sigv4"));
        } catch (Exception e) {
            server.close();
            throw e;
        }
        String url = "http://" + api.address().getHostString() + ":" + api.address().getPort();
        System.err.println("vroute: API listening on " + url + " (data plane " + dataplane + ", quotas " + q.profile() + ", store "
                + dataDir.resolve("vroute.db") + ")");
        System.err.println("vroute: web console at " + url + "/console (" + (auth.equals("none") ? "no sign-in with --auth none"
                : "sign in with the key in " + dataDir.resolve("credentials")) + "; open it as 127.0.0.1, localhost or"
                + " through an SSH tunnel), metrics at " + url + "/metrics");
        if (auth.equals("none")) {
            System.err.println("vroute: --auth none: API requests are NOT authenticated; anyone who can reach " + url
                    + " can change routing. Use it only on a loopback address you alone use.");
        } else {
            System.err.println("vroute: requests must be signed (SigV4) with the key in " + dataDir.resolve("credentials")
                    + ", e.g.:\n  AWS_SHARED_CREDENTIALS_FILE=" + dataDir.toAbsolutePath().resolve("credentials")
                    + " AWS_PROFILE=vroute aws ec2 describe-route-servers --region us-east-1 --endpoint-url " + url);
        }
        CountDownLatch stopped = new CountDownLatch(1);
        for (String signal : new String[] {"TERM", "INT"}) {
            sun.misc.Signal.handle(new sun.misc.Signal(signal), s -> stopped.countDown());
        }
        // logrotate's postrotate: kill -HUP <pid> makes the peer event logs start new files.
        sun.misc.Signal.handle(new sun.misc.Signal("HUP"), s -> server.reopenLogs());
        stopped.await();
        System.err.println("vroute: stopping: ending BGP sessions with Cease, closing the store");
        api.close();
        server.close();
        return 0;
    }
}

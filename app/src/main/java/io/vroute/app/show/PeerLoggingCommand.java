package io.vroute.app.show;

import static io.vroute.app.show.Answers.params;
import static io.vroute.app.show.Answers.text;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Set;
import org.w3c.dom.Element;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code vroute peer-logging RS-ID file|stdout|off}: where a route server's peer event logs go (the
 * {@code ModifyRouteServerPeerLogging} extension); without a destination, where they go now.
 */
@Command(name = "peer-logging", mixinStandardHelpOptions = true,
        description = {"Turn a route server's peer event logs on or off: BGPStatus, BFDStatus and RouteStatus entries in"
                + " AWS's vended-log JSON shape, to a file per peer (under the daemon's --peer-log-dir) or to the"
                + " daemon's standard output. Without a destination, prints where they go now.",
                "See docs/peer-logs.md."})
public final class PeerLoggingCommand extends View {
    @Parameters(index = "0", paramLabel = "RS-ID", description = "The route server (rs-...).")
    String routeServerId;

    @Parameters(index = "1", arity = "0..1", paramLabel = "DESTINATION", description = "file, stdout or off.")
    String destination;

    @Override
    public Integer call() throws IOException {
        if (destination != null && !Set.of("file", "stdout", "off").contains(destination)) {
            throw usage("DESTINATION must be file, stdout or off, not " + destination);
        }
        Element rs;
        if (destination == null) {
            List<Element> found = Answers.items(Answers.call(client(), "DescribeRouteServers",
                    params("RouteServerId.1", routeServerId)), "routeServerSet");
            rs = found.isEmpty() ? null : found.getFirst();
        } else {
            rs = Answers.child(Answers.call(client(), "ModifyRouteServerPeerLogging",
                    params("RouteServerId", routeServerId, "Destination", destination)), "routeServer");
        }
        String now = rs == null ? null : text(rs, "peerLogging");
        PrintWriter out = out();
        if (json()) {
            Json.printArray(out, List.of(Answers.object("routeServerId", routeServerId, "peerLogging", now)));
            return 0;
        }
        out.println(routeServerId + ": peer event logs " + switch (now == null ? "off" : now) {
            case "file" -> "go to a file per peer under the daemon's --peer-log-dir (default <data-dir>/peer-logs/"
                    + routeServerId + "/)";
            case "stdout" -> "go to the daemon's standard output, one JSON object per line";
            default -> "are off (turn them on with: vroute peer-logging " + routeServerId + " file)";
        });
        out.flush();
        return 0;
    }
}

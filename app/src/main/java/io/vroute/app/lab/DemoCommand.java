package io.vroute.app.lab;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code vroute demo}: SPEC scenario 1 end to end, with a timeline of the failover and the measured outage. See
 * docs/lab.md.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Floating-IP failover end to end: lab up, the routes, a ping answered by instance-rs-az1, stop it"
                + " during a 10 ms ping, the timeline and the outage, failback, lab down. Exit status 0 only when every"
                + " step worked. Needs root; installs gobgpd and ping when missing. See docs/lab.md."})
public final class DemoCommand implements Callable<Integer> {
    @Option(names = "--liveness", defaultValue = "bgp-keepalive", paramLabel = "MODE",
            description = "bgp-keepalive (default: GoBGP as in the seed, the hold timer notices) or bfd (FRR, BFD notices in 300 ms)")
    String liveness;

    @Option(names = "--keep", description = "Leave the lab up at the end (take it down with `vroute lab down`).")
    boolean keep;

    @Mixin
    LabCommand.Which which;
    @Mixin
    LabCommand.Api api;
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        return new Demo(which.home(), RouteServerProcess.endpoint(api.endpoint), api.dataDir, liveness, keep,
                spec.commandLine().getOut()).run();
    }
}

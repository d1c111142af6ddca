package io.vroute.app.lab;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code vroute lab}: the SPEC's two scenarios on this host, built through vroute's own API, with real BGP daemons in
 * network namespaces and a route server whose Linux data plane forwards real packets. See docs/lab.md.
 */
@Command(name = "lab", mixinStandardHelpOptions = true,
        description = {"Run the SPEC's scenarios on this host: appliances in network namespaces, everything made through"
                + " vroute's API. Needs root. See docs/lab.md."},
        subcommands = {LabCommand.Up.class, LabCommand.Status.class, LabCommand.Exec.class, LabCommand.Fail.class,
                LabCommand.Recover.class, LabCommand.Down.class})
public final class LabCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Which lab: the default one, or a named one beside it. */
    static final class Which {
        @Option(names = "--name", defaultValue = "", paramLabel = "NAME",
                description = "A lab of its own beside the default one (1 to 9 lower-case letters or digits): state in"
                        + " /run/vroute-lab-NAME, namespaces vrlab-NAME-NODE.")
        String name;

        LabState.Home home() {
            return new LabState.Home(name);
        }
    }

    /** Where the API is, for commands that may start the daemon. */
    static final class Api {
        @Option(names = "--endpoint", defaultValue = "http://127.0.0.1:8179", paramLabel = "URL",
                description = "The vroute API (default ${DEFAULT-VALUE}). When nothing answers there, the lab starts"
                        + " `vroute serve --dataplane linux` itself, and `lab down` stops it.")
        String endpoint;

        @Option(names = "--data-dir", paramLabel = "DIR",
                description = "The data directory of the daemon at --endpoint (for its credentials). Default: the lab's"
                        + " own, /run/vroute-lab[-NAME]/data.")
        Path dataDir;
    }

    @Command(name = "up", mixinStandardHelpOptions = true, description = {
            "Build a scenario: floating-ip (SPEC scenario 1) or ingress-inspection (scenario 2)."})
    static final class Up implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "SCENARIO", description = "floating-ip or ingress-inspection")
        String scenario;

        @Option(names = "--liveness", defaultValue = "bgp-keepalive", paramLabel = "MODE",
                description = "floating-ip only: bgp-keepalive (default; GoBGP as in the seed, hold time 3 s) or bfd (FRR"
                        + " with BFD at 100 ms x 3). ingress-inspection always runs BFD.")
        String liveness;

        @Mixin
        Which which;
        @Mixin
        Api api;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            LabState.Home home = which.home();
            try {
                Lab.up(home, scenario, liveness, RouteServerProcess.endpoint(api.endpoint), api.dataDir, out);
                return 0;
            } catch (java.io.IOException e) {
                out.println("lab up failed: " + e.getMessage());
                if (LabState.load(home) != null) {
                    out.println("what was made is still there: `" + home.command("status") + "` shows it, `"
                            + home.command("down") + "` removes it");
                }
                out.flush();
                return 1;
            }
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = {"Show the lab: nodes and their daemons, BGP/BFD peers, the routing database, the route tables,"
                    + " and which node answers the scenario's ping."})
    static final class Status implements Callable<Integer> {
        @Mixin
        Which which;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            return Lab.open(which.home(), spec.commandLine().getOut()).status() ? 0 : 1;
        }
    }

    @Command(name = "exec", mixinStandardHelpOptions = true,
            description = {"Run a command on a node (the lab's Session Manager): `vroute lab exec test-instance -- ping"
                    + " 172.16.1.1`. NODE is a node of the lab, router (the VPC's router namespace) or internet."})
    static final class Exec implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "NODE")
        String node;

        @Parameters(index = "1..*", arity = "1..*", paramLabel = "COMMAND", description = "after --")
        List<String> command;

        @Mixin
        Which which;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            return Lab.open(which.home(), spec.commandLine().getOut()).exec(node, command);
        }
    }

    @Command(name = "fail", mixinStandardHelpOptions = true,
            description = {"Fail a node: freeze its daemons (kill -STOP) and take its link down, as a stopped instance."})
    static final class Fail implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "NODE")
        String node;

        @Option(names = "--how", defaultValue = "stop", paramLabel = "HOW",
                description = "stop (default: freeze and link down), freeze (daemons only: the kernel still answers)"
                        + " or link (link down only)")
        String how;

        @Mixin
        Which which;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            Lab.open(which.home(), spec.commandLine().getOut()).fail(node, Lab.Failure.of(how));
            return 0;
        }
    }

    @Command(name = "recover", mixinStandardHelpOptions = true,
            description = {"Undo `lab fail`: link up (with its routes), daemons thawed (kill -CONT)."})
    static final class Recover implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "NODE")
        String node;

        @Mixin
        Which which;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            Lab.open(which.home(), spec.commandLine().getOut()).recover(node);
            return 0;
        }
    }

    @Command(name = "down", mixinStandardHelpOptions = true,
            description = {"Remove everything the lab made (its resources through the API, its daemons and namespaces,"
                    + " the vroute it started). Running it again is harmless."})
    static final class Down implements Callable<Integer> {
        @Mixin
        Which which;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            return Lab.down(which.home(), spec.commandLine().getOut()) ? 0 : 1;
        }
    }
}

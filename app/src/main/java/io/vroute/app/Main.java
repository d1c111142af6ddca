package io.vroute.app;

import io.vroute.app.bgp.BgpCommand;
import io.vroute.app.lab.DemoCommand;
import io.vroute.app.lab.LabCommand;
import io.vroute.app.show.ExplainCommand;
import io.vroute.app.show.ShowCommand;
import io.vroute.app.show.TraceCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code vroute} command line. */
@Command(name = "vroute", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "A VPC route server: appliances speak BGP to its endpoints, it programs the route tables.",
        subcommands = {ServeCommand.class, BgpCommand.class, LabCommand.class, DemoCommand.class,
                ShowCommand.class, ExplainCommand.class, TraceCommand.class, io.vroute.app.show.PeerLoggingCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        // One line per log record, on stderr, so that stdout stays the command's own output.
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tT.%1$tL %4$s %5$s%6$s%n");
        }
        System.exit(commandLine().execute(args));
    }

    /** The configured picocli command line (tests run it in-process). */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((ex, line, parseResult) -> {
            line.getErr().println("vroute: " + (ex.getMessage() == null ? ex.toString() : ex.getMessage()));
            return 1;
        });
        return cl;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"vroute " + (v == null ? "dev" : v) + " (Java " + Runtime.version() + ")"};
        }
    }
}

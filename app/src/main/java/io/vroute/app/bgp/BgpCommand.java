package io.vroute.app.bgp;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code vroute bgp ...}: BGP tools that stand on their own, without a route server. */
@Command(name = "bgp", mixinStandardHelpOptions = true, description = "BGP tools.",
        subcommands = {ListenCommand.class})
public final class BgpCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}

package io.vroute.app.show;

import io.vroute.api.QueryClient;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;

/** What every view has: the shared options, the daemon's client and the command's own output. */
abstract class View implements Callable<Integer> {
    @Mixin
    ApiOptions api;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private QueryClient client;

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    QueryClient client() throws java.io.IOException {
        if (client == null) client = api.client();
        return client;
    }

    boolean json() {
        return api.json;
    }

    CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }
}

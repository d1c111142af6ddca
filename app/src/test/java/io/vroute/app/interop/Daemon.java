package io.vroute.app.interop;

import java.nio.file.Path;
import java.time.Duration;

/** A routing daemon the lab runs in one namespace: its process(es), log, and freeze/thaw. */
abstract class Daemon {
    final Lab lab;
    final String ns;
    final String name;
    final long as;
    /** Its main process (the one that speaks BGP), started by {@link #start()}. */
    Process process;

    Daemon(Lab lab, String ns, String name, long as) {
        this.lab = lab;
        this.ns = ns;
        this.name = name;
        this.as = as;
    }

    abstract Daemon start();

    /** Where the daemon logs; shown when a test fails. */
    abstract Path log();

    long pid() {
        return process.pid();
    }

    /** kill -STOP: keepalives stop, the TCP sessions stay open: only the hold timer can notice. */
    void freeze() {
        lab.freeze(process);
    }

    void thaw() {
        lab.thaw(process);
    }

    /** SIGTERM, as an operator stopping the service would. */
    int stop() {
        return lab.stop(process, Duration.ofSeconds(5));
    }

    String logTail(int lines) {
        return "---- " + name + " (" + log() + ") ----\n" + Lab.tail(log(), lines);
    }

    @Override
    public String toString() {
        return name + "@" + ns;
    }
}

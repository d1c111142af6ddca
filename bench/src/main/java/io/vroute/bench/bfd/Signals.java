package io.vroute.bench.bfd;

import java.io.IOException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * kill(2) straight from this process, so that the moment a process is frozen is known to microseconds (running the
 * kill command would add a process start, milliseconds, between the timestamp and the signal). Linux x86_64 numbers
 * from {@code <asm/signal.h>}.
 */
final class Signals {
    static final int SIGCONT = 18, SIGSTOP = 19;

    private static final MethodHandle KILL = kill();

    private Signals() {}

    @SuppressWarnings("restricted") // bin/bench-bfd runs the JVM with --enable-native-access
    private static MethodHandle kill() {
        Linker linker = Linker.nativeLinker();
        return linker.downcallHandle(linker.defaultLookup().find("kill").orElseThrow(() -> new IllegalStateException("no kill() in libc")),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    }

    /** kill(pid, signal); signal 0 only checks that the process exists. */
    static void send(long pid, int signal) throws IOException {
        int r;
        try {
            r = (int) KILL.invokeExact((int) pid, signal);
        } catch (Throwable t) {
            throw new IOException("kill(" + pid + ", " + signal + ") failed: " + t, t);
        }
        if (r != 0) throw new IOException("kill(" + pid + ", " + signal + ") failed: has the process exited? (it was started by this benchmark)");
    }
}

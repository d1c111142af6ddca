package io.vroute.app.interop;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A platform thread that has entered a network namespace (setns(2) with CLONE_NEWNET moves only the calling thread):
 * every socket it creates lives in that namespace. Tests use it to run the AWS SDK against a vroute whose API listens
 * on the loopback of the lab's namespace, so that nothing of the lab appears in the root namespace.
 */
final class InNamespace implements AutoCloseable {
    private static final int O_RDONLY = 0;
    private static final int CLONE_NEWNET = 0x40000000;
    private final ExecutorService thread;

    InNamespace(String ns) {
        thread = Executors.newSingleThreadExecutor(r -> Thread.ofPlatform().daemon().name("in-" + ns).unstarted(r));
        call(() -> {
            try {
                enter(ns);
            } catch (Throwable t) {
                throw new IllegalStateException("cannot enter network namespace " + ns + ": " + t.getMessage(), t);
            }
            return null;
        });
    }

    private static void enter(String ns) throws Throwable {
        Linker linker = Linker.nativeLinker();
        var libc = linker.defaultLookup();
        MethodHandle open = linker.downcallHandle(libc.find("open").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
        MethodHandle setns = linker.downcallHandle(libc.find("setns").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
        MethodHandle close = linker.downcallHandle(libc.find("close").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
        try (Arena arena = Arena.ofConfined()) {
            int fd = (int) open.invokeExact(arena.allocateFrom("/var/run/netns/" + ns), O_RDONLY);
            if (fd < 0) throw new IllegalStateException("cannot open namespace " + ns);
            int rc = (int) setns.invokeExact(fd, CLONE_NEWNET);
            int ignored = (int) close.invokeExact(fd);
            if (rc != 0) throw new IllegalStateException("setns into " + ns + " failed");
        }
    }

    /** Runs {@code task} inside the namespace and returns its result; its exception is rethrown unchanged. */
    <T> T call(Callable<T> task) {
        Future<T> f = thread.submit(task);
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            if (e.getCause() instanceof Error err) throw err;
            throw new IllegalStateException(e.getCause());
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}

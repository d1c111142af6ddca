package io.vroute.app.show;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.reflect.Method;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;

/**
 * A JUnit extension that runs every @BeforeEach, @Test and @AfterEach method on one platform thread that entered a
 * network namespace of the test's own (setns(2) moves only the calling thread; the threads it starts inherit the
 * namespace). The namespace has its loopback up and {@code localBlock} routed to it as local addresses, and is deleted
 * after the class.
 */
final class InNamespace implements InvocationInterceptor, AfterAllCallback {
    private static final int CLONE_NEWNET = 0x40000000;
    private final String name;
    private final String localBlock;
    private ExecutorService thread;

    InNamespace(String name, String localBlock) {
        this.name = name;
        this.localBlock = localBlock;
    }

    private synchronized ExecutorService thread() throws Exception {
        if (thread != null) return thread;
        ip("netns", "add", name);
        ip("-n", name, "link", "set", "lo", "up");
        ip("-n", name, "route", "add", "local", localBlock, "dev", "lo", "table", "local");
        thread = Executors.newSingleThreadExecutor(r -> Thread.ofPlatform().daemon().name("in-" + name).unstarted(r));
        thread.submit(() -> {
            try {
                enter();
            } catch (Exception | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new IllegalStateException("cannot enter network namespace " + name + ": " + t, t);
            }
            return null;
        }).get();
        return thread;
    }

    private static void ip(String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("ip"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed (this test needs root for a network"
                    + " namespace): " + out.strip());
        }
    }

    private void enter() throws Throwable {
        Linker linker = Linker.nativeLinker();
        var libc = linker.defaultLookup();
        MethodHandle open = linker.downcallHandle(libc.find("open").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
        MethodHandle setns = linker.downcallHandle(libc.find("setns").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
        MethodHandle close = linker.downcallHandle(libc.find("close").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
        try (Arena arena = Arena.ofConfined()) {
            int fd = (int) open.invokeExact(arena.allocateFrom("/var/run/netns/" + name), 0);
            if (fd < 0) throw new IllegalStateException("cannot open network namespace " + name);
            int rc = (int) setns.invokeExact(fd, CLONE_NEWNET);
            int ignored = (int) close.invokeExact(fd);
            if (rc != 0) throw new IllegalStateException("setns into " + name + " failed");
        }
    }

    private void inside(Invocation<Void> invocation) throws Throwable {
        Future<Void> f = thread().submit(() -> {
            try {
                return invocation.proceed();
            } catch (Exception | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new ExecutionException(t);
            }
        });
        try {
            f.get();
        } catch (ExecutionException e) {
            throw e.getCause();
        }
    }

    @Override
    public void interceptBeforeEachMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> context,
                                          ExtensionContext extensionContext) throws Throwable {
        inside(invocation);
    }

    @Override
    public void interceptTestMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> context,
                                    ExtensionContext extensionContext) throws Throwable {
        inside(invocation);
    }

    @Override
    public void interceptAfterEachMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> context,
                                         ExtensionContext extensionContext) throws Throwable {
        inside(invocation);
    }

    @Override
    public synchronized void afterAll(ExtensionContext context) throws Exception {
        if (thread != null) thread.shutdownNow();
        thread = null;
        ip("netns", "del", name);
    }
}

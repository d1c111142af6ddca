package io.vroute.linux;

import java.util.ArrayList;
import java.util.List;

/**
 * Network namespaces a test makes, named {@code vrt-h-<pid>-<tag>} and all deleted by {@link #close()}, even when
 * the test failed half way (call it from {@code @AfterEach}). Deletion goes through {@link Namespaces#delete}, and
 * through {@code ip netns delete} should that fail, so a bug in the code under test leaves nothing behind.
 */
final class ScratchNamespaces implements AutoCloseable {
    private final List<String> names = new ArrayList<>();

    /** The name for {@code tag}, remembered for deletion, without creating it. */
    String name(String tag) {
        String name = "vrt-h-" + ProcessHandle.current().pid() + "-" + tag;
        if (!names.contains(name)) names.add(name);
        return name;
    }

    /** Creates the namespace for {@code tag} with {@link Namespaces#create}; returns its name. */
    String create(String tag) throws java.io.IOException {
        String name = name(tag);
        Namespaces.create(name);
        return name;
    }

    @Override
    public void close() {
        AssertionError failure = null;
        for (String name : names.reversed()) {
            try {
                if (Namespaces.exists(name)) Namespaces.delete(name);
            } catch (Exception e) {
                Host.run(List.of("ip", "netns", "delete", name));
                if (failure == null) failure = new AssertionError("Namespaces.delete(" + name + ") failed", e);
            }
        }
        names.clear();
        if (failure != null) throw failure;
    }
}

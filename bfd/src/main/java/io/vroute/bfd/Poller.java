package io.vroute.bfd;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * The wait of BFD's event loop: a ppoll(2) set of descriptors watched for input, plus an eventfd through which
 * other threads {@link #wake()} it. The {@code pollfd} array, the timeout {@code timespec}, the eventfd buffers
 * and the errno capture state are native memory allocated when the poller is made (the array again only when
 * {@link #add} outgrows it) and freed by {@link #close()}; {@link #poll} and {@link #readable} allocate nothing.
 *
 * <p>One thread, the polling thread, calls everything but {@link #wake()}, and closes the poller once it has
 * stopped polling. Slot 0 of the array is always the eventfd. Linux values from {@code <asm-generic/poll.h>} and
 * {@code <bits/eventfd.h>}, x86_64 layouts.
 */
public final class Poller implements AutoCloseable {
    static final short POLLIN = 0x1;
    static final int EFD_NONBLOCK = 0x800;
    static final int EFD_CLOEXEC = 0x80000;

    // struct pollfd { int fd; short events; short revents; } and struct timespec { long tv_sec; long tv_nsec; }
    private static final long POLLFD_SIZE = 8, PFD_FD = 0, PFD_EVENTS = 4, PFD_REVENTS = 6;
    private static final long TS_SEC = 0, TS_NSEC = 8, TIMESPEC_SIZE = 16;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final int INITIAL_CAPACITY = 16;

    private static final MethodHandle PPOLL = UdpSocket.plain("ppoll",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS,
                    ValueLayout.ADDRESS));
    private static final MethodHandle EVENTFD = UdpSocket.libc("eventfd",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle READ = UdpSocket.plain("read",
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
    private static final MethodHandle WRITE = UdpSocket.libc("write",
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));

    private final Arena arena;
    private final int eventFd;
    private final MemorySegment errno;
    private final MemorySegment timeout;
    private final MemorySegment drained;
    // wake() runs on other threads: its own buffer and errno state, and a lock that close() takes too, so that a
    // wake never writes to a descriptor number close() has already given back
    private final Object wakeLock = new Object();
    private final MemorySegment one;
    private final MemorySegment wakeErrno;
    private MemorySegment fds;
    private int capacity;
    private int count;                  // entries in fds, the eventfd included
    private boolean polled;             // whether revents hold the result of the last poll()
    private boolean closed;

    /**
     * Makes an empty set holding only its eventfd.
     *
     * @throws IOException when no eventfd can be had (the message says why)
     */
    public Poller() throws IOException {
        Arena arena = Arena.ofShared();
        try {
            MemorySegment state = arena.allocate(UdpSocket.CAPTURE);
            int fd = (int) EVENTFD.invokeExact(state, 0, EFD_NONBLOCK | EFD_CLOEXEC);
            if (fd < 0) {
                throw new IOException("cannot make the eventfd that wakes the BFD poller: "
                        + UdpSocket.describe(UdpSocket.errnoOf(state)));
            }
            this.arena = arena;
            this.eventFd = fd;
            this.errno = state;
        } catch (IOException | RuntimeException | Error e) {
            arena.close();
            throw e;
        } catch (Throwable t) {
            arena.close();
            throw new IllegalStateException("eventfd failed", t);
        }
        timeout = arena.allocate(TIMESPEC_SIZE, 8);
        drained = arena.allocate(ValueLayout.JAVA_LONG);
        one = arena.allocate(ValueLayout.JAVA_LONG);
        one.set(ValueLayout.JAVA_LONG, 0, 1L);
        wakeErrno = arena.allocate(UdpSocket.CAPTURE);
        capacity = INITIAL_CAPACITY;
        fds = arena.allocate(capacity * POLLFD_SIZE, 8);
        count = 0;
        append(eventFd);
    }

    /** Watches {@code fd} for input from the next {@link #poll} on; adding one already watched does nothing. */
    public void add(int fd) {
        if (closed) throw new IllegalStateException("the poller is closed: make a new one");
        if (fd < 0) throw new IllegalArgumentException("file descriptor " + fd + " is not open");
        if (indexOf(fd) >= 0) return;
        if (count == capacity) {
            // rare (the set only grows this way); the old array stays in the arena until close()
            MemorySegment bigger = arena.allocate(2L * capacity * POLLFD_SIZE, 8);
            MemorySegment.copy(fds, 0, bigger, 0, count * POLLFD_SIZE);
            fds = bigger;
            capacity *= 2;
        }
        append(fd);
    }

    private void append(int fd) {
        long at = count * POLLFD_SIZE;
        fds.set(ValueLayout.JAVA_INT, at + PFD_FD, fd);
        fds.set(ValueLayout.JAVA_SHORT, at + PFD_EVENTS, POLLIN);
        fds.set(ValueLayout.JAVA_SHORT, at + PFD_REVENTS, (short) 0);
        count++;
    }

    /** Stops watching {@code fd} (do it before closing the fd); one not watched is ignored. */
    public void remove(int fd) {
        int i = indexOf(fd);
        if (i < 0) return;
        long last = (count - 1) * POLLFD_SIZE;
        MemorySegment.copy(fds, last, fds, i * POLLFD_SIZE, POLLFD_SIZE);
        count--;
    }

    private int indexOf(int fd) {
        for (int i = 1; i < count; i++) {
            if (fds.get(ValueLayout.JAVA_INT, i * POLLFD_SIZE + PFD_FD) == fd) return i;
        }
        return -1;
    }

    /**
     * Waits until a watched fd is readable, {@link #wake()} is called, or {@code timeoutNanos} pass. A pending wake
     * is consumed and not counted. Allocates nothing.
     *
     * @param timeoutNanos 0 (or less) to look without blocking, {@link Long#MAX_VALUE} to wait for ever; ppoll's timespec
     *                     keeps sub-millisecond timeouts (the kernel's timer slack still applies)
     * @return how many watched fds are ready (see {@link #readable}); 0 on a timeout, a wake or EINTR; or, if ppoll
     *         failed otherwise (EINVAL, ENOMEM: a bug or an exhausted system), minus its errno
     */
    public int poll(long timeoutNanos) {
        polled = false;
        if (closed) return -UdpSocket.EBADF;
        MemorySegment limit;
        if (timeoutNanos == Long.MAX_VALUE) {
            limit = MemorySegment.NULL;
        } else {
            long t = Math.max(0, timeoutNanos);
            timeout.set(ValueLayout.JAVA_LONG, TS_SEC, t / NANOS_PER_SECOND);
            timeout.set(ValueLayout.JAVA_LONG, TS_NSEC, t % NANOS_PER_SECOND);
            limit = timeout;
        }
        int ready;
        try {
            ready = (int) PPOLL.invokeExact(fds, (long) count, limit, MemorySegment.NULL);
        } catch (Throwable t) {
            throw UdpSocket.unchecked(t);
        }
        if (ready < 0) {
            int e = UdpSocket.errno();
            return e == UdpSocket.EINTR ? 0 : -e;
        }
        polled = true;
        if (ready > 0 && fds.get(ValueLayout.JAVA_SHORT, PFD_REVENTS) != 0) {
            drain();
            ready--;
        }
        return ready;
    }

    private void drain() {
        long n;
        try {
            n = (long) READ.invokeExact(eventFd, drained, 8L);
        } catch (Throwable t) {
            throw UdpSocket.unchecked(t);
        }
        // n < 0 is EAGAIN: another poll already drained it; the counter is reset by a read, so one is enough
        assert n == 8 || UdpSocket.errno() == UdpSocket.EAGAIN : "eventfd read failed: errno " + UdpSocket.errno();
    }

    /**
     * Whether {@code fd} was ready in the last {@link #poll}: readable, or with an error pending that the next
     * {@link UdpSocket#receive} reports (and clears). A linear search over the set.
     */
    public boolean readable(int fd) {
        if (!polled) return false;
        int i = indexOf(fd);
        return i > 0 && fds.get(ValueLayout.JAVA_SHORT, i * POLLFD_SIZE + PFD_REVENTS) != 0;
    }

    /** Makes a {@link #poll} in progress, or else the next one, return at once. Safe from any thread. */
    public void wake() {
        synchronized (wakeLock) {
            if (closed) return;
            long n;
            try {
                n = (long) WRITE.invokeExact(wakeErrno, eventFd, one, 8L);
            } catch (Throwable t) {
                throw UdpSocket.unchecked(t);
            }
            // n < 0 can only be EAGAIN, the counter at its maximum: the poller is woken already
            assert n == 8 || UdpSocket.errnoOf(wakeErrno) == UdpSocket.EAGAIN : "eventfd write failed: errno " + UdpSocket.errnoOf(wakeErrno);
        }
    }

    /** Closes the eventfd and frees the native memory (not the watched fds); later calls do nothing. */
    @Override
    public void close() {
        synchronized (wakeLock) {
            if (closed) return;
            closed = true;
            UdpSocket.closeFd(eventFd);
        }
        arena.close();
    }
}

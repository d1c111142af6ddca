package io.vroute.server.events;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.vroute.server.metrics.VrouteMetrics;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Peer event logs in the shape of AWS's vended route server peer logs: one JSON object per line for each BGP or BFD
 * status change of a peer and, while logging is on, each route the peer advertises, replaces or withdraws
 * (docs/peer-logs.md).
 *
 * <pre>{"resource_arn":"arn:aws:ec2:vroute:000000000000:route-server-peer/rsp-…","event_timestamp":1718000000123,
 * "type":"RouteStatus","status":"ADVERTISED","message":{"prefix":"10.0.0.0/24","asPath":"65001","med":100,
 * "nextHopIp":"10.0.1.5"}}</pre>
 *
 * <p>Each route server has a {@link Destination}, looked up for every event through the function given to the
 * constructor, so a change of setting takes effect with the next event. {@link #accept} runs on the control thread
 * under the event hub's lock: it looks up the destination and queues, nothing else. One platform thread
 * ({@value #THREAD_NAME}) turns the queue into lines, writes them and flushes after each batch it takes. When the
 * queue is full the new event is dropped; when a file cannot be written its entries are dropped. Both count as
 * {@code dropped} in {@code vroute_peer_log_events_total} and are reported by a WARNING at most once a minute (per
 * file for write errors); the control thread never waits for a disk.
 *
 * <p>Files are {@code <logDir>/<routeServerId>/<routeServerPeerId>.log}, opened for append and kept open (at most
 * {@value #MAX_OPEN_FILES}, the least recently written closed first). A file that was deleted or moved away is noticed
 * within about a second and created anew; {@link #reopen} (the daemon's SIGHUP) closes every file at once, for
 * logrotate's move-and-create. Appending makes logrotate's {@code copytruncate} safe as well.
 */
public final class PeerLogWriter implements Events.Sink {
    private static final System.Logger LOG = System.getLogger("vroute.events");

    /** Events the queue holds before new ones are dropped (a full table's burst from one peer fits). */
    public static final int DEFAULT_QUEUE_CAPACITY = 100_000;
    /** Files kept open at once; the least recently written is closed when one more is needed. */
    static final int MAX_OPEN_FILES = 256;
    static final String THREAD_NAME = "vroute-peer-log";
    /** How long {@link #close} lets the writer empty the queue. */
    static final long CLOSE_DRAIN_MILLIS = 3_000;
    /** Events taken from the queue in one go (then every file written is flushed). */
    static final int BATCH = 4_096;
    /** How often an open file is checked for having been deleted or moved away. */
    static final long FILE_CHECK_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** After a file could not be opened, further entries for it are dropped for this long before trying again. */
    static final long OPEN_RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);
    static final long WARN_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);
    /** Standard output is written in pieces of about this size, each ending with a whole line. */
    static final int STDOUT_CHUNK = 64 * 1024;
    /** Ids become file names: nothing that could leave the directory. */
    private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final FileAttribute<?> DIR_MODE =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-x---"));
    private static final FileAttribute<?> FILE_MODE =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r-----"));

    /** Where a route server's peer event logs go. */
    public enum Destination {
        /** Not logged; route events are not even made. */
        OFF,
        /** JSON lines on the process's standard output (for journald, a container's log driver). */
        STDOUT,
        /** JSON lines appended to one file per peer under the log directory. */
        FILE;

        /** The word used by the API and the CLI: {@code off}, {@code stdout} or {@code file}. */
        public String wireName() { return name().toLowerCase(Locale.ROOT); }

        /**
         * Reads {@code off}, {@code stdout} or {@code file} (any case).
         *
         * @throws IllegalArgumentException for any other word, with a message naming the accepted ones
         */
        public static Destination parse(String s) {
            if (s != null) {
                for (Destination d : values()) if (d.name().equalsIgnoreCase(s.strip())) return d;
            }
            throw new IllegalArgumentException("peer log destination '" + s + "' is not known: use file, stdout or off");
        }
    }

    /** An event and where it goes, decided when it was published. */
    private record Pending(RouteServerEvent event, Destination destination) {}

    private final Path logDir;
    private final PrintStream stdout;
    private final String arnPrefix;
    private final Function<String, Destination> destinations;
    private final BlockingQueue<Pending> queue;
    private final Thread thread;

    private volatile boolean closing;
    private volatile boolean abandon;
    private final AtomicBoolean reopenRequested = new AtomicBoolean();

    // Counted on the publishing thread, reported by the writer thread.
    private final AtomicLong queueDrops = new AtomicLong();
    private final AtomicLong noDirDrops = new AtomicLong();
    private final AtomicReference<RuntimeException> lookupFailure = new AtomicReference<>();
    private final AtomicLong lookupDrops = new AtomicLong();
    private final AtomicLong enqueued = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    /** Events taken from the queue and written or dropped (written by the writer thread only). */
    private volatile long settled;

    // Writer thread only.
    private final JsonFactory json = new JsonFactory();
    private final LineBuffer line = new LineBuffer(512);
    private final LineBuffer stdoutLines = new LineBuffer(STDOUT_CHUNK + 4096);
    private int stdoutPending;
    private final Map<Path, OpenFile> open = new LinkedHashMap<>(64, 0.75f, true);
    private final List<OpenFile> dirty = new ArrayList<>();
    private final Map<Path, Long> openFailedAt = new HashMap<>();
    private final Map<Path, Long> lastFileWarning = new HashMap<>();
    private long lastQueueWarning = System.nanoTime() - WARN_INTERVAL_NANOS;
    private long lastLookupWarning = System.nanoTime() - WARN_INTERVAL_NANOS;
    private long lastStdoutWarning = System.nanoTime() - WARN_INTERVAL_NANOS;
    private boolean warnedNoDir;

    /** Standard output is {@link System#out}; the queue holds {@value #DEFAULT_QUEUE_CAPACITY} events. */
    public PeerLogWriter(Path logDir, String arnPrefix, Function<String, Destination> destinations) {
        this(logDir, System.out, arnPrefix, destinations, DEFAULT_QUEUE_CAPACITY);
    }

    /** The queue holds {@value #DEFAULT_QUEUE_CAPACITY} events. */
    public PeerLogWriter(Path logDir, PrintStream stdout, String arnPrefix, Function<String, Destination> destinations) {
        this(logDir, stdout, arnPrefix, destinations, DEFAULT_QUEUE_CAPACITY);
    }

    /**
     * Starts the writer thread.
     *
     * @param logDir        where FILE logs go; null when only standard output is possible (FILE then drops, with a
     *                      WARNING the first time)
     * @param stdout        where STDOUT logs go
     * @param arnPrefix     the ARN up to the resource, e.g. {@code arn:aws:ec2:vroute:000000000000}; each entry's
     *                      {@code resource_arn} is this plus {@code :route-server-peer/<peer id>}
     * @param destinations  a route server's current destination by its id (null counts as OFF); called on the
     *                      publishing thread for every event, so it must be cheap and must not block
     * @param queueCapacity events queued before new ones are dropped
     */
    public PeerLogWriter(Path logDir, PrintStream stdout, String arnPrefix, Function<String, Destination> destinations,
                         int queueCapacity) {
        if (queueCapacity < 1) throw new IllegalArgumentException("peer log queue capacity must be at least 1, not " + queueCapacity);
        this.logDir = logDir;
        this.stdout = Objects.requireNonNull(stdout, "stdout");
        this.arnPrefix = Objects.requireNonNull(arnPrefix, "arnPrefix");
        this.destinations = Objects.requireNonNull(destinations, "destinations");
        this.queue = new ArrayBlockingQueue<>(queueCapacity);
        this.thread = Thread.ofPlatform().name(THREAD_NAME).daemon(true).unstarted(this::run);
        thread.start();
    }

    // ---------------------------------------------------------------- publishing thread

    @Override
    public void accept(RouteServerEvent e) {
        if (!(e instanceof RouteServerEvent.PeerStatus) && !(e instanceof RouteServerEvent.RouteStatus)) return;
        Destination d = destinationOf(e.routeServerId());
        if (d == null) {                        // the look-up failed: lookupFailure says why
            lookupDrops.incrementAndGet();
            drop(1);
            return;
        }
        if (d == Destination.OFF) return;
        if (d == Destination.FILE && logDir == null) {
            noDirDrops.incrementAndGet();
            drop(1);
            return;
        }
        if (closing) {                          // published after shutdown began: nobody will write it
            drop(1);
            return;
        }
        if (!queue.offer(new Pending(e, d))) {
            queueDrops.incrementAndGet();
            drop(1);
            return;
        }
        enqueued.incrementAndGet();
    }

    /** Whether the route server's peer logging is on (route events are made only then: one per prefix). */
    @Override
    public boolean wantsRoutes(String routeServerId) {
        Destination d = destinationOf(routeServerId);
        return d != null && d != Destination.OFF;
    }

    /** The destination, OFF for null, or null when the look-up threw (kept for the writer to report). */
    private Destination destinationOf(String routeServerId) {
        try {
            Destination d = destinations.apply(routeServerId);
            return d == null ? Destination.OFF : d;
        } catch (RuntimeException ex) {
            lookupFailure.compareAndSet(null, ex);
            return null;
        }
    }

    /**
     * Closes every open log file; the next entry for each creates or opens it again at its path. For logrotate's
     * move-and-create (the daemon calls this on SIGHUP). Returns at once: the writer thread closes the files before
     * it writes its next batch.
     */
    public void reopen() {
        reopenRequested.set(true);
    }

    /** Writes what is queued (for at most about 3 s), then flushes and closes every file. */
    @Override
    public void close() {
        closing = true;
        try {
            thread.join(CLOSE_DRAIN_MILLIS);
            if (thread.isAlive()) {
                abandon = true;
                thread.join(1_000);
            }
        } catch (InterruptedException ex) {
            abandon = true;
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOG.log(System.Logger.Level.WARNING, "peer logs: the writer did not finish within {0} ms of shutdown; the"
                    + " last entries may be missing. A slow or hung log disk is the usual cause: check it",
                    CLOSE_DRAIN_MILLIS + 1_000);
        }
    }

    /** Entries written since the start (to a file or standard output). */
    long writtenCount() { return written.get(); }

    /** Entries dropped since the start (queue full, no log directory, a file that could not be written). */
    long droppedCount() { return dropped.get(); }

    /**
     * Waits until every event queued so far has been written or dropped and flushed; for tests.
     *
     * @return false if that did not happen within the time given
     */
    boolean awaitSettled(Duration timeout) throws InterruptedException {
        long target = enqueued.get();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (settled < target) {
            if (System.nanoTime() - deadline > 0) return false;
            Thread.sleep(2);
        }
        return true;
    }

    private void drop(int n) {
        dropped.addAndGet(n);
        for (int i = 0; i < n; i++) VrouteMetrics.peerLogEvent("dropped");
    }

    private void wrote(int n) {
        written.addAndGet(n);
        for (int i = 0; i < n; i++) VrouteMetrics.peerLogEvent("written");
    }

    // ---------------------------------------------------------------- writer thread

    private void run() {
        List<Pending> batch = new ArrayList<>(BATCH);
        try {
            while (!abandon && !(closing && queue.isEmpty())) {
                Pending first;
                try {
                    first = queue.poll(200, TimeUnit.MILLISECONDS);
                } catch (InterruptedException ex) {
                    break;
                }
                if (reopenRequested.getAndSet(false)) closeAll();
                reportAcceptDrops();
                if (first == null) continue;
                batch.add(first);
                queue.drainTo(batch, BATCH - 1);
                long now = System.nanoTime();
                for (Pending p : batch) {
                    if (abandon) {
                        drop(1);
                        continue;
                    }
                    write(p, now);
                }
                flushBatch();
                settled += batch.size();
                batch.clear();
            }
        } catch (RuntimeException | Error ex) {
            LOG.log(System.Logger.Level.ERROR, "peer logs: the writer stopped; no more peer log entries are written"
                    + " until vroute restarts. Report this with the stack trace", ex);
        } finally {
            reportAcceptDrops();
            int left = batch.size();
            Pending p;
            while ((p = queue.poll()) != null) left++;
            if (left > 0) {
                drop(left);
                LOG.log(System.Logger.Level.WARNING, "peer logs: {0} entries were still queued at shutdown and are lost",
                        left);
            }
            flushBatch();
            closeAll();
        }
    }

    private void write(Pending p, long now) {
        RouteServerEvent e = p.event();
        try {
            line.reset();
            encode(e, line);
        } catch (IOException ex) {              // writing to memory: not expected
            drop(1);
            LOG.log(System.Logger.Level.ERROR, "peer logs: could not encode " + e + "; the entry is dropped. Report this", ex);
            return;
        }
        if (p.destination() == Destination.STDOUT) {
            line.copyTo(stdoutLines);
            stdoutPending++;
            if (stdoutLines.size() >= STDOUT_CHUNK) flushStdout();
            return;
        }
        writeFile(e, now);
    }

    private void writeFile(RouteServerEvent e, long now) {
        String peerId = peerId(e);
        if (!SAFE_ID.matcher(e.routeServerId()).matches() || peerId == null || !SAFE_ID.matcher(peerId).matches()) {
            drop(1);
            warnFile(logDir, now, "route server id '" + e.routeServerId() + "' or peer id '" + peerId + "' cannot"
                    + " be a file name; its entries are dropped. Report this: vroute makes these ids itself");
            return;
        }
        Path path = logDir.resolve(e.routeServerId()).resolve(peerId + ".log");
        OpenFile f = open.get(path);
        if (f != null && now - f.checkedAt >= FILE_CHECK_NANOS) {
            f.checkedAt = now;
            if (!f.stillAtPath()) {             // deleted or moved away: start a new file at the path
                close(f);
                f = null;
            }
        }
        if (f == null) {
            Long failed = openFailedAt.get(path);
            if (failed != null && now - failed < OPEN_RETRY_NANOS) {
                drop(1);
                return;
            }
            try {
                f = OpenFile.open(path, now);
                openFailedAt.remove(path);
            } catch (IOException | RuntimeException ex) {
                openFailedAt.put(path, now);
                drop(1);
                warnFile(path, now, "cannot open " + path + " (" + describe(ex) + "); its entries are dropped until it"
                        + " can be. Make the directory writable by vroute's user, free space on its disk, or set the"
                        + " route server's peer logging to stdout or off");
                return;
            }
            open.put(path, f);
            if (open.size() > MAX_OPEN_FILES) {
                Iterator<OpenFile> eldest = open.values().iterator();
                OpenFile old = eldest.next();
                eldest.remove();
                close(old);
            }
        }
        try {
            line.writeTo(f.out);
            if (f.unflushed++ == 0) dirty.add(f);
        } catch (IOException ex) {
            drop(1);
            failed(f, ex, now);
        }
    }

    /** Writes standard output's pending lines and flushes every file written in the batch. */
    private void flushBatch() {
        flushStdout();
        long now = System.nanoTime();
        for (OpenFile f : dirty) {
            if (f.closed || f.unflushed == 0) continue;
            try {
                f.out.flush();
                wrote(f.unflushed);
                f.unflushed = 0;
            } catch (IOException ex) {
                failed(f, ex, now);
            }
        }
        dirty.clear();
    }

    private void flushStdout() {
        if (stdoutPending == 0) return;
        // One write per chunk: PrintStream locks around it, so no other writer cuts into a line.
        stdoutLines.copyTo(stdout);
        stdout.flush();
        int n = stdoutPending;
        stdoutPending = 0;
        stdoutLines.reset();
        if (stdout.checkError()) {
            drop(n);
            long now = System.nanoTime();
            if (now - lastStdoutWarning >= WARN_INTERVAL_NANOS) {
                lastStdoutWarning = now;
                LOG.log(System.Logger.Level.WARNING, "peer logs: writing to standard output failed; peer log entries"
                        + " sent there are dropped. Check what reads vroute's standard output (a closed pipe?), or set"
                        + " the route servers' peer logging to file");
            }
        } else {
            wrote(n);
        }
    }

    /** A write or flush failed: what the file held unflushed is lost; close it so the next entry opens it again. */
    private void failed(OpenFile f, IOException ex, long now) {
        drop(f.unflushed);
        f.unflushed = 0;
        open.remove(f.path);
        f.closeQuietly();
        warnFile(f.path, now, "writing " + f.path + " failed (" + describe(ex) + "); entries are dropped until it"
                + " works again. Free space on its disk or fix its permissions, or set the route server's peer logging"
                + " to stdout or off");
    }

    private void close(OpenFile f) {
        if (f.closed) return;
        try {
            f.out.flush();
            wrote(f.unflushed);
            f.unflushed = 0;
        } catch (IOException ex) {
            failed(f, ex, System.nanoTime());
            return;
        }
        f.closeQuietly();
    }

    private void closeAll() {
        List<OpenFile> all = new ArrayList<>(open.values());
        open.clear();
        for (OpenFile f : all) close(f);
    }

    private void warnFile(Path key, long now, String message) {
        Long last = lastFileWarning.get(key);
        if (last != null && now - last < WARN_INTERVAL_NANOS) return;
        lastFileWarning.put(key, now);
        LOG.log(System.Logger.Level.WARNING, "peer logs: " + message);
    }

    /** Reports, on this thread, what {@link #accept} dropped without doing I/O there. */
    private void reportAcceptDrops() {
        long now = System.nanoTime();
        if (queueDrops.get() > 0 && now - lastQueueWarning >= WARN_INTERVAL_NANOS) {
            lastQueueWarning = now;
            LOG.log(System.Logger.Level.WARNING, "peer logs: the queue of " + (queue.size() + queue.remainingCapacity())
                    + " entries was full; " + queueDrops.getAndSet(0) + " entries were dropped since the last warning."
                    + " The log destination is too slow for the route churn: use a faster disk, or turn RouteStatus"
                    + " logging off for route servers with big tables (set their peer logging to off)");
        }
        if (!warnedNoDir && noDirDrops.get() > 0) {
            warnedNoDir = true;
            LOG.log(System.Logger.Level.WARNING, "peer logs: a route server's peer logging is set to file but vroute"
                    + " has no peer log directory; its entries are dropped (this is said once). Start vroute serve"
                    + " with --peer-log-dir DIR or --data-dir, or set the route server's peer logging to stdout");
        }
        if (lookupDrops.get() > 0 && now - lastLookupWarning >= WARN_INTERVAL_NANOS) {
            lastLookupWarning = now;
            RuntimeException ex = lookupFailure.getAndSet(null);
            LOG.log(System.Logger.Level.ERROR, "peer logs: looking up a route server's peer log destination failed; "
                    + lookupDrops.getAndSet(0) + " entries were dropped since the last report. Report this with the"
                    + " stack trace", ex);
        }
    }

    // ---------------------------------------------------------------- format

    private static String peerId(RouteServerEvent e) {
        return switch (e) {
            case RouteServerEvent.PeerStatus s -> s.peerId();
            case RouteServerEvent.RouteStatus r -> r.peerId();
            default -> null;
        };
    }

    /** One line: the entry's JSON object and a newline. */
    private void encode(RouteServerEvent e, OutputStream out) throws IOException {
        try (JsonGenerator g = json.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("resource_arn", arnPrefix + ":route-server-peer/" + peerId(e));
            g.writeNumberField("event_timestamp", e.time().toEpochMilli());
            switch (e) {
                case RouteServerEvent.RouteStatus r -> {
                    g.writeStringField("type", "RouteStatus");
                    g.writeStringField("status", r.status());
                    g.writeObjectFieldStart("message");
                    g.writeStringField("prefix", r.prefix());
                    g.writeStringField("asPath", r.asPath());
                    if (r.med() != null) g.writeNumberField("med", r.med());
                    g.writeStringField("nextHopIp", r.nextHopIp());
                    g.writeEndObject();
                }
                case RouteServerEvent.PeerStatus s -> {
                    g.writeStringField("type", "BFD".equalsIgnoreCase(s.kind()) ? "BFDStatus" : "BGPStatus");
                    g.writeStringField("status", s.status());
                    g.writeObjectFieldStart("message");
                    if (s.peerAddress() != null) g.writeStringField("peerAddress", s.peerAddress());
                    if (s.endpointId() != null) g.writeStringField("endpointId", s.endpointId());
                    if (s.reason() != null) g.writeStringField("reason", s.reason());
                    g.writeEndObject();
                }
                default -> throw new IllegalArgumentException("not a peer log event: " + e);
            }
            g.writeEndObject();
        }
        out.write('\n');
    }

    private static String describe(Exception ex) {
        String kind = switch (ex) {
            case NoSuchFileException n -> "no such file or directory";
            case FileAlreadyExistsException x -> "a file is in the way of a directory";
            case java.nio.file.AccessDeniedException a -> "permission denied";
            default -> ex.getClass().getSimpleName();
        };
        return ex.getMessage() == null ? kind : kind + ": " + ex.getMessage();
    }

    /** A byte buffer that hands its contents on in one write. */
    private static final class LineBuffer extends ByteArrayOutputStream {
        LineBuffer(int size) { super(size); }

        void copyTo(LineBuffer other) { other.write(buf, 0, count); }

        void copyTo(PrintStream out) { out.write(buf, 0, count); }
    }

    /** An open log file, with the identity (inode) it had when opened. */
    private static final class OpenFile {
        final Path path;
        final FileChannel channel;
        final OutputStream out;
        final Object fileKey;
        long checkedAt;
        int unflushed;
        boolean closed;

        private OpenFile(Path path, FileChannel channel, Object fileKey, long now) {
            this.path = path;
            this.channel = channel;
            this.out = new BufferedOutputStream(Channels.newOutputStream(channel), 64 * 1024);
            this.fileKey = fileKey;
            this.checkedAt = now;
        }

        static OpenFile open(Path path, long now) throws IOException {
            createDirectories(path.getParent());
            Set<StandardOpenOption> options = Set.of(StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                    StandardOpenOption.WRITE);
            FileChannel ch;
            try {
                ch = FileChannel.open(path, options, FILE_MODE);
            } catch (UnsupportedOperationException ex) {    // not a POSIX file system
                ch = FileChannel.open(path, options);
            }
            try {
                Object key = Files.readAttributes(path, BasicFileAttributes.class).fileKey();
                return new OpenFile(path, ch, key, now);
            } catch (IOException | RuntimeException ex) {
                ch.close();
                throw ex;
            }
        }

        private static void createDirectories(Path dir) throws IOException {
            if (Files.isDirectory(dir)) return;
            try {
                Files.createDirectories(dir, DIR_MODE);
            } catch (UnsupportedOperationException ex) {
                Files.createDirectories(dir);
            }
        }

        /** Whether the path still names the file that was opened (it may have been deleted or moved away). */
        boolean stillAtPath() {
            try {
                Object key = Files.readAttributes(path, BasicFileAttributes.class).fileKey();
                return key == null || key.equals(fileKey);
            } catch (IOException ex) {
                return false;
            }
        }

        void closeQuietly() {
            closed = true;
            try {
                channel.close();
            } catch (IOException ex) {
                LOG.log(System.Logger.Level.DEBUG, "peer logs: closing {0}: {1}", path, ex.getMessage());
            }
        }
    }
}

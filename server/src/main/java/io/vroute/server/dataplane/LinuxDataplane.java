package io.vroute.server.dataplane;

import io.vroute.vpc.Network;
import io.vroute.vpc.RouteChange;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The Linux data plane: keeps the kernel (namespaces, bridges, veths, addresses, routing tables and rules) equal to the
 * VPC model, on a platform thread of its own, {@value #THREAD_NAME}, so that no kernel work ever runs on the control
 * thread and no control work delays a route change.
 *
 * <p>How the control thread drives it (each call returns at once with a future; the work is done in call order):
 * <ul>
 *   <li>{@link #reconcile(Network)} (or {@link #reconcile(KernelPlan)} with {@link KernelPlan#of}) after anything
 *       but propagated routes changed: VPCs, subnets, interfaces and their tags or source/destination check,
 *       gateways, route tables, associations, static routes; and once at start. Only the newest waiting plan is
 *       worked on: a plan replaces every plan, route batch and repair still waiting, whose futures then complete
 *       with its report (it holds their changes, being computed after them).</li>
 *   <li>{@link #routes(Network, String, List)} (or {@link #routes(RouteBatch)} with {@link RouteBatch#of}) right after
 *       the network took route server routes ({@link RouteBatch#propagated} says what each destination holds): the
 *       fast path, one netlink send per table and batch, no table read, no other work.</li>
 *   <li>{@link #repair()} now and then (say every 30 s): reads everything back and puts right what a hand edit or a
 *       crash changed, without the network.</li>
 *   <li>{@link #dump(String)} for a "what is in the kernel" view of a route table.</li>
 * </ul>
 * A VPC that is gone from the model is gone from the kernel after the next reconcile: its router namespace, and with it
 * everything in it. The daemon's own sockets in a namespace (BGP listening on an endpoint's address) keep a deleted
 * namespace alive until they are closed; open them after the reconcile that makes the endpoint's address.
 *
 * <p>What vroute owns, and so may change or delete: namespaces named by the layout ({@link KernelLayout#ownsNamespace}),
 * instance namespaces it created itself (a marker file under the layout's state directory says so; a namespace that
 * existed before is never deleted, only vroute's veth end in it goes), links with vroute's names in the namespaces
 * it owns, the addresses on its bridges and veths, routes and rules of protocol
 * {@value io.vroute.linux.Netlink#VROUTE_PROTOCOL}. Nothing else is touched: a route of another owner in one of
 * vroute's tables stays, and where it takes a destination and metric vroute wants, the report says so.
 *
 * <p>Closing stops the thread; the kernel keeps forwarding as it was, so a restart costs no packets: the first
 * reconcile after it finds everything in place. To take everything out, reconcile {@link KernelPlan#empty}.
 */
public final class LinuxDataplane implements AutoCloseable {
    /** The name of the data plane's thread. */
    public static final String THREAD_NAME = "vroute-dataplane";
    private static final System.Logger LOG = System.getLogger(LinuxDataplane.class.getName());

    private sealed interface Task permits Plan, Batch, Repair, Dump {
        CompletableFuture<?> done();
    }

    private record Plan(KernelPlan plan, long submitted, CompletableFuture<Report> done) implements Task {
    }

    private record Batch(RouteBatch batch, long submitted, CompletableFuture<Report> done) implements Task {
    }

    private record Repair(long submitted, CompletableFuture<Report> done) implements Task {
    }

    private record Dump(String routeTableId, CompletableFuture<List<DumpedRoute>> done) implements Task {
    }

    private final KernelLayout layout;
    private final Reconciler reconciler;
    private final Thread thread;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition work = lock.newCondition();
    private final ArrayDeque<Task> queue = new ArrayDeque<>();
    private boolean closed;

    private LinuxDataplane(KernelLayout layout) {
        this.layout = layout;
        this.reconciler = new Reconciler(layout);
        this.thread = Thread.ofPlatform().name(THREAD_NAME).daemon(true).unstarted(this::run);
    }

    /**
     * Starts the data plane's thread. Nothing changes in the kernel until the first {@link #reconcile}. Needs root
     * (CAP_NET_ADMIN and CAP_SYS_ADMIN) for that.
     */
    public static LinuxDataplane start(KernelLayout layout) {
        LinuxDataplane dataplane = new LinuxDataplane(layout);
        dataplane.thread.start();
        return dataplane;
    }

    public KernelLayout layout() {
        return layout;
    }

    /** Plans the network (on the calling thread, which must own it) and reconciles the plan. */
    public CompletableFuture<Report> reconcile(Network network) {
        return reconcile(KernelPlan.of(network, layout));
    }

    /**
     * Makes the kernel equal to the plan: creates what is missing, puts right what differs, removes what vroute owns
     * and the plan does not hold. The future completes with what was done, once the kernel acknowledged it.
     *
     * @throws IllegalArgumentException when the plan was made for another layout
     */
    public CompletableFuture<Report> reconcile(KernelPlan plan) {
        if (!plan.layout().equals(layout)) {
            throw new IllegalArgumentException("the plan was made for layout " + plan.layout() + ", this data plane uses "
                    + layout + ": make it with KernelPlan.of(network, dataplane.layout())");
        }
        CompletableFuture<Report> done = new CompletableFuture<>();
        long now = System.nanoTime();
        lock.lock();
        try {
            if (refuseWhenClosed(done)) {
                return done;
            }
            for (Iterator<Task> waiting = queue.iterator(); waiting.hasNext(); ) {
                Task task = waiting.next();
                if (!(task instanceof Dump)) {
                    waiting.remove();
                    @SuppressWarnings("unchecked")
                    CompletableFuture<Report> older = (CompletableFuture<Report>) task.done();
                    done.whenComplete((report, error) -> {
                        if (error != null) {
                            older.completeExceptionally(error);
                        } else {
                            older.complete(report);
                        }
                    });
                }
            }
            queue.add(new Plan(plan, now, done));
            work.signal();
        } finally {
            lock.unlock();
        }
        return done;
    }

    /**
     * The fast path: translates the model's changes to one route table (on the calling thread, which must own the
     * network, after the network took them) and applies them.
     */
    public CompletableFuture<Report> routes(Network network, String routeTableId, List<RouteChange> changes) {
        long now = System.nanoTime();
        return routes(RouteBatch.of(network, layout, routeTableId, changes), now);
    }

    /**
     * The fast path: applies one table's route changes, each as at most one add and one delete, all in one netlink
     * send, with no table read. The future completes when the kernel acknowledged them. Should the kernel refuse one
     * (a route changed by hand, another owner's route in the way), the table is read back and put right at once, and
     * the report says what happened; a missing link makes a whole {@link #repair()} follow.
     */
    public CompletableFuture<Report> routes(RouteBatch batch) {
        return routes(batch, System.nanoTime());
    }

    private CompletableFuture<Report> routes(RouteBatch batch, long submitted) {
        CompletableFuture<Report> done = new CompletableFuture<>();
        enqueue(new Batch(batch, submitted, done));
        return done;
    }

    /**
     * Reads the kernel back and makes it hold again what it was last made to hold (the last plan and every route
     * batch since): repairs what was lost or altered, removes what vroute owns and should not be there. A repair
     * asked for while a plan or repair still waits is that one.
     */
    public CompletableFuture<Report> repair() {
        long now = System.nanoTime();
        lock.lock();
        try {
            Task last = queue.peekLast();
            if (last instanceof Plan plan) {
                return plan.done();
            }
            if (last instanceof Repair repair) {
                return repair.done();
            }
            CompletableFuture<Report> done = new CompletableFuture<>();
            if (!refuseWhenClosed(done)) {
                queue.add(new Repair(now, done));
                work.signal();
            }
            return done;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Every route in the route table's kernel table, whoever owns it, with link names. Completes exceptionally with
     * IllegalArgumentException when no reconciled plan held the table.
     */
    public CompletableFuture<List<DumpedRoute>> dump(String routeTableId) {
        CompletableFuture<List<DumpedRoute>> done = new CompletableFuture<>();
        enqueue(new Dump(routeTableId, done));
        return done;
    }

    private void enqueue(Task task) {
        lock.lock();
        try {
            if (!refuseWhenClosed(task.done())) {
                queue.add(task);
                work.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    private boolean refuseWhenClosed(CompletableFuture<?> done) {
        if (closed) {
            done.completeExceptionally(new IllegalStateException("the Linux data plane is closed; start a new one"));
        }
        return closed;
    }

    private void run() {
        while (true) {
            Task task;
            lock.lock();
            try {
                while (queue.isEmpty() && !closed) {
                    work.awaitUninterruptibly();
                }
                if (closed) {
                    break;
                }
                task = queue.poll();
            } finally {
                lock.unlock();
            }
            execute(task);
            if (reconciler.takeRepairWish()) {
                log(reconciler.repair(System.nanoTime()));
            }
        }
        lock.lock();
        try {
            for (Task task : queue) {
                task.done().completeExceptionally(new CancellationException("the Linux data plane was closed"));
            }
            queue.clear();
        } finally {
            lock.unlock();
        }
        reconciler.close();
    }

    private void execute(Task task) {
        try {
            switch (task) {
                case Plan plan -> plan.done().complete(log(reconciler.reconcile(plan.plan(), plan.submitted())));
                case Repair repair -> repair.done().complete(log(reconciler.repair(repair.submitted())));
                case Batch batch -> {
                    Report report;
                    try {
                        report = reconciler.routes(batch.batch(), batch.submitted());
                    } catch (IOException e) {
                        ReportBuilder failed = new ReportBuilder("routes", batch.submitted());
                        failed.failed(batch.batch() + ": " + e.getMessage() + "; a repair follows");
                        report = failed.build();
                        reconciler.wishRepair();
                    }
                    batch.done().complete(log(report));
                }
                case Dump dump -> dump.done().complete(reconciler.dump(dump.routeTableId()));
            }
        } catch (IOException | RuntimeException e) {
            if (!(task instanceof Dump)) {
                LOG.log(System.Logger.Level.ERROR, "the Linux data plane failed at " + task.getClass().getSimpleName()
                        + "; the next reconcile or repair tries again", e);
            }
            task.done().completeExceptionally(e);
        }
    }

    /**
     * Failures are warnings; repairs and removals are logged line by line (they mean someone or something changed the
     * kernel, or the model shrank); what was created is listed too when it is a handful (after a restart, what a
     * crash or a hand edit lost comes back as "created": the operator should see it), else counted; the fast path
     * logs at debug level.
     */
    private static Report log(Report report) {
        StringBuilder text = new StringBuilder(report.summary());
        boolean listCreated = report.created() <= 20;
        for (String line : report.details()) {
            if (!line.startsWith("created ") || !report.succeeded() || listCreated) {
                text.append("\n  ").append(line);
            }
        }
        for (String line : report.failures()) {
            text.append("\n  failed: ").append(line);
        }
        if (!report.succeeded()) {
            LOG.log(System.Logger.Level.WARNING, text.toString());
        } else if (report.action().equals("routes") || report.clean()) {
            LOG.log(System.Logger.Level.DEBUG, report.summary());
        } else {
            LOG.log(System.Logger.Level.INFO, text.toString());
        }
        return report;
    }

    /**
     * Stops the thread after the work it is doing; work still waiting completes with a CancellationException. The
     * kernel keeps what it holds.
     */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            work.signal();
        } finally {
            lock.unlock();
        }
        if (Thread.currentThread() != thread) {
            try {
                thread.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}

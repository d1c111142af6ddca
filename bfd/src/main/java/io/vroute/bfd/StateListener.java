package io.vroute.bfd;

/** Told of every change of a session's state, on the thread that drove the session. */
@FunctionalInterface
public interface StateListener {
    /**
     * @param diag the local diagnostic after the change (the reason for a change to Down or AdminDown)
     * @param now  the caller-supplied monotonic time, in nanoseconds, of the call that made the change
     */
    void stateChanged(SessionState from, SessionState to, Diagnostic diag, long now);
}

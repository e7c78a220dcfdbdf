package io.quirklab.observe;

/**
 * Observation point (3) around a stretch of traffic, whatever the OS: begun before the traffic (by a host adapter),
 * ended after it. {@link #end} never throws: a source that cannot be read is listed in the report as unavailable
 * with the reason. {@link #close} undoes whatever the session switched on when {@link #end} was never called.
 */
public interface EvidenceSession extends AutoCloseable {
    /** Takes the "after" readings and reports what changed (idempotent). */
    OsReport end();

    @Override
    void close();
}

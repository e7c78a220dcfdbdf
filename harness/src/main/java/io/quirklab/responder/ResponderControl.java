package io.quirklab.responder;

import java.io.IOException;

/**
 * How a run talks to its responder, wherever it lives: the virtual lab's Unix socket ({@link SocketControl}) or a
 * remote agent's HTTP API. Every call is one request and one answer; an IOException says in a sentence what failed.
 */
public interface ResponderControl {
    ControlReply.Status status() throws IOException;

    /** Tags the persona's frames with the probe id until {@link #endProbe}. */
    void beginProbe(String persona, String probe) throws IOException;

    void endProbe(String persona, String probe) throws IOException;

    ControlReply.JournalPage journal(ControlRequest.Journal query) throws IOException;

    /** Replaces the personas served (a catalogue as text); refused whole when it does not validate. */
    ControlReply.Status putPersonas(String catalogue) throws IOException;

    void shutdown() throws IOException;
}

package io.quirklab.responder;

import java.io.IOException;
import java.nio.file.Path;

/** {@link ResponderControl} over the lab's Unix domain socket. */
public record SocketControl(Path socket) implements ResponderControl {
    @Override
    public ControlReply.Status status() throws IOException {
        return ControlChannel.call(socket, new ControlRequest.Status(), ControlReply.Status.class);
    }

    @Override
    public void beginProbe(String persona, String probe) throws IOException {
        ControlChannel.call(socket, new ControlRequest.ProbeBegin(persona, probe), ControlReply.Ack.class);
    }

    @Override
    public void endProbe(String persona, String probe) throws IOException {
        ControlChannel.call(socket, new ControlRequest.ProbeEnd(persona, probe), ControlReply.Ack.class);
    }

    @Override
    public ControlReply.JournalPage journal(ControlRequest.Journal query) throws IOException {
        return ControlChannel.call(socket, query, ControlReply.JournalPage.class);
    }

    @Override
    public ControlReply.Status putPersonas(String catalogue) throws IOException {
        return ControlChannel.call(socket, new ControlRequest.PutPersonas(catalogue), ControlReply.Status.class);
    }

    @Override
    public void shutdown() throws IOException {
        ControlChannel.call(socket, new ControlRequest.Shutdown(), ControlReply.Ack.class);
    }
}

package io.quirklab.testing;

import io.quirklab.responder.ControlReply;
import io.quirklab.responder.ControlRequest;
import io.quirklab.responder.Responder;
import io.quirklab.responder.ResponderControl;
import io.quirklab.wire.FrameInjector;
import io.quirklab.wire.FrameTap;
import java.time.Duration;
import java.util.Optional;

/** A real responder's control API in this process, as the lab's Unix socket would carry it; a tap and an injector of nothing. */
public final class InProcessResponder {
    private InProcessResponder() {
    }

    /** A tap that never captures a frame. */
    public static final FrameTap NO_TAP = new FrameTap() {
        @Override
        public Optional<Captured> next(Duration timeout) {
            return Optional.empty();
        }

        @Override
        public void close() {
        }
    };

    /** An injector that sends nowhere. */
    public static final FrameInjector NOWHERE = new FrameInjector() {
        @Override
        public long send(byte[] frame) {
            return System.currentTimeMillis() * 1000;
        }

        @Override
        public void close() {
        }
    };

    /** The control API of {@code r}, each call answered by {@link Responder#control}. */
    public static ResponderControl control(Responder r) {
        return new ResponderControl() {
            @Override
            public ControlReply.Status status() {
                return (ControlReply.Status) r.control(new ControlRequest.Status());
            }

            @Override
            public void beginProbe(String persona, String probe) {
                r.control(new ControlRequest.ProbeBegin(persona, probe));
            }

            @Override
            public void endProbe(String persona, String probe) {
                r.control(new ControlRequest.ProbeEnd(persona, probe));
            }

            @Override
            public ControlReply.JournalPage journal(ControlRequest.Journal query) {
                return (ControlReply.JournalPage) r.control(query);
            }

            @Override
            public ControlReply.Status putPersonas(String catalogue) {
                return (ControlReply.Status) r.control(new ControlRequest.PutPersonas(catalogue));
            }

            @Override
            public void shutdown() {
                r.close();
            }
        };
    }
}

package io.quirklab.ipmi;

/** A datagram or field that does not decode. Receivers drop what raises it; it never carries I/O errors. */
public final class MalformedPacketException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public MalformedPacketException(String message) {
        super(message);
    }
}

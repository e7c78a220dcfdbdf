package io.quirklab.ipmi;

import java.io.ByteArrayOutputStream;

/** Little helper for building wire structures; the IPMI LAN formats are little-endian except RMCP/ASF IANA numbers. */
public final class ByteWriter {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(64);

    public ByteWriter u8(int v) {
        out.write(v & 0xFF);
        return this;
    }

    public ByteWriter u16le(int v) {
        out.write(v & 0xFF);
        out.write(v >>> 8 & 0xFF);
        return this;
    }

    public ByteWriter u24le(int v) {
        out.write(v & 0xFF);
        out.write(v >>> 8 & 0xFF);
        out.write(v >>> 16 & 0xFF);
        return this;
    }

    public ByteWriter u32le(int v) {
        u16le(v);
        return u16le(v >>> 16);
    }

    public ByteWriter u32be(int v) {
        out.write(v >>> 24 & 0xFF);
        out.write(v >>> 16 & 0xFF);
        out.write(v >>> 8 & 0xFF);
        out.write(v & 0xFF);
        return this;
    }

    public ByteWriter bytes(byte[] b) {
        out.write(b, 0, b.length);
        return this;
    }

    public int size() {
        return out.size();
    }

    public byte[] toByteArray() {
        return out.toByteArray();
    }
}

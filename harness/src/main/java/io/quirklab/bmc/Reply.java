package io.quirklab.bmc;

import io.quirklab.ipmi.CompletionCode;

/** What a command handler answers: a completion code and the data after it. */
public record Reply(int completionCode, byte[] data) {
    public static Reply ok(byte[] data) {
        return new Reply(CompletionCode.OK, data);
    }

    public static Reply ok(int... bytes) {
        byte[] d = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            d[i] = (byte) bytes[i];
        }
        return ok(d);
    }

    public static Reply error(int completionCode) {
        return new Reply(completionCode, new byte[0]);
    }
}

package io.quirklab.ipmi;

/** RMCP+ payload types (IPMI v2.0 table 13-16): the low six bits of the payload type byte. */
public final class PayloadType {
    public static final int IPMI = 0x00;
    public static final int SOL = 0x01;
    public static final int OEM_EXPLICIT = 0x02;
    public static final int OPEN_SESSION_REQUEST = 0x10;
    public static final int OPEN_SESSION_RESPONSE = 0x11;
    public static final int RAKP_1 = 0x12;
    public static final int RAKP_2 = 0x13;
    public static final int RAKP_3 = 0x14;
    public static final int RAKP_4 = 0x15;

    private PayloadType() {
    }

    public static String name(int type) {
        return switch (type) {
            case IPMI -> "IPMI";
            case SOL -> "SOL";
            case OEM_EXPLICIT -> "OEM";
            case OPEN_SESSION_REQUEST -> "Open Session Request";
            case OPEN_SESSION_RESPONSE -> "Open Session Response";
            case RAKP_1 -> "RAKP 1";
            case RAKP_2 -> "RAKP 2";
            case RAKP_3 -> "RAKP 3";
            case RAKP_4 -> "RAKP 4";
            default -> String.format("payload type 0x%02x", type);
        };
    }
}

package io.quirklab.ipmi;

import java.util.Map;

/** Completion codes (IPMI v1.5 table 5-2, and the command-specific ones the BMC uses). */
public final class CompletionCode {
    public static final int OK = 0x00;
    public static final int NODE_BUSY = 0xC0;
    public static final int INVALID_COMMAND = 0xC1;
    public static final int INVALID_FOR_LUN = 0xC2;
    public static final int TIMEOUT = 0xC3;
    public static final int OUT_OF_SPACE = 0xC4;
    public static final int RESERVATION_CANCELLED = 0xC5;
    public static final int REQUEST_DATA_TRUNCATED = 0xC6;
    public static final int REQUEST_DATA_LENGTH_INVALID = 0xC7;
    public static final int REQUEST_DATA_FIELD_LENGTH_EXCEEDED = 0xC8;
    public static final int PARAMETER_OUT_OF_RANGE = 0xC9;
    public static final int CANNOT_RETURN_REQUESTED_BYTES = 0xCA;
    public static final int NOT_PRESENT = 0xCB;
    public static final int INVALID_DATA_FIELD = 0xCC;
    public static final int ILLEGAL_FOR_SENSOR = 0xCD;
    public static final int RESPONSE_NOT_PROVIDED = 0xCE;
    public static final int DUPLICATE_REQUEST = 0xCF;
    public static final int INSUFFICIENT_PRIVILEGE = 0xD4;
    public static final int NOT_SUPPORTED_IN_PRESENT_STATE = 0xD5;
    public static final int UNSPECIFIED = 0xFF;

    private static final Map<Integer, String> NAMES = Map.ofEntries(
            Map.entry(OK, "Command completed normally"),
            Map.entry(NODE_BUSY, "Node busy"),
            Map.entry(INVALID_COMMAND, "Invalid command"),
            Map.entry(INVALID_FOR_LUN, "Invalid command on LUN"),
            Map.entry(TIMEOUT, "Timeout"),
            Map.entry(OUT_OF_SPACE, "Out of space"),
            Map.entry(RESERVATION_CANCELLED, "Reservation cancelled or invalid"),
            Map.entry(REQUEST_DATA_TRUNCATED, "Request data truncated"),
            Map.entry(REQUEST_DATA_LENGTH_INVALID, "Request data length invalid"),
            Map.entry(REQUEST_DATA_FIELD_LENGTH_EXCEEDED, "Request data field length limit exceeded"),
            Map.entry(PARAMETER_OUT_OF_RANGE, "Parameter out of range"),
            Map.entry(CANNOT_RETURN_REQUESTED_BYTES, "Cannot return number of requested data bytes"),
            Map.entry(NOT_PRESENT, "Requested sensor, data, or record not present"),
            Map.entry(INVALID_DATA_FIELD, "Invalid data field in request"),
            Map.entry(ILLEGAL_FOR_SENSOR, "Command illegal for specified sensor or record type"),
            Map.entry(RESPONSE_NOT_PROVIDED, "Command response could not be provided"),
            Map.entry(DUPLICATE_REQUEST, "Cannot execute duplicated request"),
            Map.entry(INSUFFICIENT_PRIVILEGE, "Insufficient privilege level"),
            Map.entry(NOT_SUPPORTED_IN_PRESENT_STATE, "Command not supported in present state"),
            Map.entry(UNSPECIFIED, "Unspecified error"));

    private CompletionCode() {
    }

    public static String describe(int code) {
        String n = NAMES.get(code);
        return String.format("0x%02x (%s)", code, n != null ? n : "command-specific");
    }
}

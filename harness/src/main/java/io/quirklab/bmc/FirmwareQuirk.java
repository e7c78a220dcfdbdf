package io.quirklab.bmc;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Protocol-level behaviours of old BMC firmware (QUIRKS.md, last table). Off unless a persona asks. */
public enum FirmwareQuirk {
    /** After activation, responses carry session ID 0 (Tyan S2882 with M3289; FreeIPMI needs -W idzero). */
    SESSION_ID_ZERO("session-id-zero"),
    /** The outbound sequence number of the Activate Session response is used once more for the next response. */
    REUSED_SEQUENCE("reused-sequence"),
    /**
     * Standard auth types only work when OEM auth is enabled too (Tyan S4811 with SMDC): with this quirk and no
     * {@code oem} among the persona's auth types, every session challenge is refused with 0xCC.
     */
    OEM_AUTH_REQUIRED("oem-auth-required"),
    /**
     * Auth type NONE is enabled on the LAN channel: Get Session Challenge and Activate Session accept it, so any
     * password opens a session (old firmware shipped so; a BMC that ships today never does).
     */
    AUTH_NONE_ACCEPTED("auth-none-accepted"),
    /** RMCP+ cipher suite 0 (no authentication, integrity or confidentiality) is offered: any password gets a session. */
    CIPHER_ZERO("cipher-zero");

    private final String cliName;

    FirmwareQuirk(String cliName) {
        this.cliName = cliName;
    }

    public String cliName() {
        return cliName;
    }

    public static FirmwareQuirk parse(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        for (FirmwareQuirk q : values()) {
            if (q.cliName.equals(n)) {
                return q;
            }
        }
        throw new IllegalArgumentException("unknown firmware quirk '" + name + "' (known: " + names() + ")");
    }

    public static String names() {
        return Arrays.stream(values()).map(FirmwareQuirk::cliName).collect(Collectors.joining(", "));
    }
}

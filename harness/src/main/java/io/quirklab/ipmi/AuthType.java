package io.quirklab.ipmi;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** IPMI 1.5 authentication types as carried in the session header and in auth-type bitmasks. */
public enum AuthType {
    NONE(0), MD2(1), MD5(2), PASSWORD(4), OEM(5);

    /** Value 6 in the auth-type byte marks an RMCP+ (IPMI 2.0) session header. */
    public static final int RMCP_PLUS_FORMAT = 0x06;

    private final int code;

    AuthType(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public int bit() {
        return 1 << code;
    }

    public static AuthType fromCode(int code) {
        for (AuthType t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        throw new MalformedPacketException("unknown auth type " + code);
    }

    /** Command-line name: none, md2, md5, password, oem. */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static AuthType fromCliName(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        if (n.equals("straight")) {
            return PASSWORD;
        }
        for (AuthType t : values()) {
            if (t.cliName().equals(n)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown auth type '" + name + "' (none, md2, md5, password, oem)");
    }

    public static int mask(Set<AuthType> types) {
        int m = 0;
        for (AuthType t : types) {
            m |= t.bit();
        }
        return m;
    }

    public static Set<AuthType> fromMask(int mask) {
        Set<AuthType> s = EnumSet.noneOf(AuthType.class);
        for (AuthType t : values()) {
            if ((mask & t.bit()) != 0) {
                s.add(t);
            }
        }
        return s;
    }
}

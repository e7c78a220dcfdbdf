package io.quirklab.client;

import io.quirklab.process.CommandRunner;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The clients a matrix can drive, each asking for the device ID inside a session; chosen by id from the lab file. */
public enum ClientKind {
    /** The project's own client, IPMI 1.5 session. */
    JAVA_LAN("java-lan", null, false),
    /** The project's own client, RMCP+ session with the strongest common cipher suite. */
    JAVA_LANPLUS("java-lanplus", null, true),
    IPMITOOL_LAN("ipmitool-lan", ToolClient.IPMITOOL_LAN, false),
    IPMITOOL_LANPLUS("ipmitool-lanplus", ToolClient.IPMITOOL_LANPLUS, true),
    IPMIUTIL("ipmiutil", ToolClient.IPMIUTIL, false),
    FREEIPMI("freeipmi", ToolClient.FREEIPMI, false);

    private final String id;
    private final ToolClient tool;
    private final boolean lanplus;

    ClientKind(String id, ToolClient tool, boolean lanplus) {
        this.id = id;
        this.tool = tool;
        this.lanplus = lanplus;
    }

    /** The id used in matrices, test names and on the command line. */
    public String id() {
        return id;
    }

    /** Needs a persona that speaks IPMI 2.0. */
    public boolean lanplus() {
        return lanplus;
    }

    /** Reaches a BMC over IPv6 (the Java client and every tool but ipmiutil). */
    public boolean ipv6() {
        return tool == null || tool.supportsIpv6();
    }

    /** The wrapped tool, or null for the Java client. */
    public ToolClient tool() {
        return tool;
    }

    /**
     * The client itself.
     *
     * @param clientPaths tool family (ipmitool, ipmiutil, freeipmi) -> its binary, from the lab file; others on the PATH
     * @param runner      runs the tools
     */
    public IpmiClient client(Map<String, Path> clientPaths, CommandRunner runner) {
        return client(clientPaths, runner, JavaIpmiClient.TIMEOUT);
    }

    /** As above, with the Java client waiting {@code javaTimeout} for each reply (the tools keep their own timeouts). */
    public IpmiClient client(Map<String, Path> clientPaths, CommandRunner runner, java.time.Duration javaTimeout) {
        return tool == null ? new JavaIpmiClient(this, javaTimeout) : new ToolIpmiClient(this, clientPaths.get(tool.family()), runner);
    }

    /** Accepts the ids above and the short forms java, ipmitool (both IPMI 1.5), ipmiutil-lan, freeipmi-lan. */
    public static ClientKind parse(String s) {
        String t = s.trim().toLowerCase(Locale.ROOT);
        String canonical = switch (t) {
            case "java" -> "java-lan";
            case "ipmitool" -> "ipmitool-lan";
            case "ipmiutil-lan" -> "ipmiutil";
            case "freeipmi-lan" -> "freeipmi";
            default -> t;
        };
        for (ClientKind k : values()) {
            if (k.id.equals(canonical)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown client '" + s + "' (" + String.join(", ", ids()) + ")");
    }

    public static List<String> ids() {
        return Arrays.stream(values()).map(ClientKind::id).toList();
    }
}

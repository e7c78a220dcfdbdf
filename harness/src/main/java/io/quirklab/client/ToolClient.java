package io.quirklab.client;

import io.quirklab.process.CommandRunner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The real IPMI tools the harness drives, with timeouts and retries set so a dropped reply costs as little
 * time as each tool allows. Each builds an argument list; {@link #run} executes it through the {@link CommandRunner}.
 */
public enum ToolClient {
    /** ipmitool -I lan. */
    IPMITOOL_LAN("ipmitool-lan", "ipmitool", "ipmitool"),
    /** ipmitool -I lanplus (IPMI 2.0 / RMCP+), strongest common cipher suite as ipmitool picks it. */
    IPMITOOL_LANPLUS("ipmitool-lanplus", "ipmitool", "ipmitool"),
    /** ipmiutil; always talks to UDP 623. */
    IPMIUTIL("ipmiutil", "ipmiutil", "ipmiutil"),
    /** FreeIPMI tools with -D LAN. */
    FREEIPMI("freeipmi", "bmc-info", "freeipmi-tools");

    /** The operations every tool can do the same way. */
    public enum Operation { MC_INFO, CHASSIS_STATUS }

    /**
     * Where and how to reach the BMC.
     *
     * @param host     address
     * @param port     UDP port
     * @param user     user name
     * @param password password
     * @param extra    tool-specific extra arguments (e.g. FreeIPMI's -W idzero), appended last
     */
    public record Target(String host, int port, String user, String password, List<String> extra) {
        public static Target of(String host, int port, String user, String password) {
            return new Target(host, port, user, password, List.of());
        }
    }

    /**
     * The program to run for an operation: {@code binary} when a lab file gives one (for FreeIPMI the path of
     * {@code bmc-info}; {@code ipmi-chassis} is taken from the same directory), else the tool's name on the PATH.
     */
    public String program(Operation op, Path binary) {
        String name = this == FREEIPMI && op == Operation.CHASSIS_STATUS ? "ipmi-chassis" : this == FREEIPMI ? "bmc-info" : probeBinary;
        if (binary == null) {
            return name;
        }
        if (this == FREEIPMI && op == Operation.CHASSIS_STATUS) {
            Path dir = binary.toAbsolutePath().getParent();
            String ext = binary.getFileName().toString().endsWith(".exe") ? ".exe" : "";
            return dir == null ? name : dir.resolve(name + ext).toString();
        }
        return binary.toString();
    }

    /** The tool family a lab file's {@code client-paths} names: ipmitool, ipmiutil or freeipmi. */
    public String family() {
        return switch (this) {
            case IPMITOOL_LAN, IPMITOOL_LANPLUS -> "ipmitool";
            case IPMIUTIL -> "ipmiutil";
            case FREEIPMI -> "freeipmi";
        };
    }

    public static final List<String> FAMILIES = List.of("ipmitool", "ipmiutil", "freeipmi");

    /** Installed here: the given binary is an executable file, or (none given) the tool is on the PATH. */
    public boolean available(Path binary) {
        if (binary == null) {
            return available();
        }
        return !(this == FREEIPMI && WINDOWS) && java.nio.file.Files.isRegularFile(binary) && java.nio.file.Files.isExecutable(binary);
    }

    /** {@link #command(Operation, Target)} with the program taken from {@code binary} (null: the PATH). */
    public List<String> command(Operation op, Target t, Path binary) {
        List<String> c = new ArrayList<>(command(op, t));
        c.set(0, program(op, binary));
        return c;
    }

    private final String id;
    private final String probeBinary;
    private final String debianPackage;

    ToolClient(String id, String probeBinary, String debianPackage) {
        this.id = id;
        this.probeBinary = probeBinary;
        this.debianPackage = debianPackage;
    }

    public String id() {
        return id;
    }

    public boolean available() {
        return !(this == FREEIPMI && WINDOWS) && CommandRunner.which(probeBinary).isPresent();
    }

    private static final boolean WINDOWS = System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).startsWith("windows");

    public Optional<Path> binary() {
        return CommandRunner.which(probeBinary);
    }

    /** The sentence a skipped cell shows. */
    public String installHint() {
        if (this == FREEIPMI && WINDOWS) {
            return "FreeIPMI does not run on Windows";
        }
        if (WINDOWS) {
            return probeBinary + ".exe is not on the PATH" + (this == IPMIUTIL ? " (install ipmiutil for Windows)"
                    : " (ipmitool exists for Windows only as a Cygwin build)");
        }
        return probeBinary + " is not installed: apt-get install " + debianPackage;
    }

    /**
     * How long one matrix cell may take with this tool before the harness stops it. ipmiutil has no timeout option
     * and spends 16 s (2 s x 4 tries, twice) on a BMC that never answers; an answering BMC is done in under a second
     * (2.5 s with every reply 300 ms late), so it is stopped after 4 s and the cell counts as a timeout. The others
     * time out by themselves first.
     */
    public Duration cellBudget() {
        return this == IPMIUTIL ? Duration.ofSeconds(4) : Duration.ofSeconds(60);
    }

    /** True when the tool can reach a BMC on this port (ipmiutil is fixed to 623). */
    public boolean supportsPort(int port) {
        return this != IPMIUTIL || port == 623;
    }

    /**
     * True when the tool speaks IPMI over IPv6: ipmitool and FreeIPMI do (the IPMI 2.0 addendum's IPv6 support);
     * ipmiutil 3.1.8 sends nothing to an IPv6 address (measured: no datagram reaches [::1]:623).
     */
    public boolean supportsIpv6() {
        return this != IPMIUTIL;
    }

    public List<String> command(Operation op, Target t) {
        List<String> c = new ArrayList<>();
        switch (this) {
            case IPMITOOL_LAN -> {
                c.addAll(List.of("ipmitool", "-I", "lan", "-H", t.host(), "-p", Integer.toString(t.port()),
                        "-U", t.user(), "-P", t.password(), "-N", "1", "-R", "1"));
                c.addAll(op == Operation.MC_INFO ? List.of("mc", "info") : List.of("chassis", "status"));
            }
            case IPMITOOL_LANPLUS -> {
                c.addAll(List.of("ipmitool", "-I", "lanplus", "-H", t.host(), "-p", Integer.toString(t.port()),
                        "-U", t.user(), "-P", t.password(), "-N", "1", "-R", "1"));
                c.addAll(op == Operation.MC_INFO ? List.of("mc", "info") : List.of("chassis", "status"));
            }
            case IPMIUTIL -> {
                // mc info is a raw Get Device ID (bus 0, BMC 0x20, netFn App/LUN 0 = 0x18, cmd 0x01): a session and one
                // command, where "health" runs a dozen commands; chassis status is part of "health".
                c.addAll(List.of("ipmiutil", op == Operation.MC_INFO ? "cmd" : "health", "-N", t.host(), "-U", t.user(),
                        "-P", t.password(), "-F", "lan"));
                if (op == Operation.MC_INFO) {
                    c.addAll(List.of("00", "20", "18", "01"));
                }
            }
            case FREEIPMI -> {
                c.add(op == Operation.MC_INFO ? "bmc-info" : "ipmi-chassis");
                // host:port; an IPv6 address in brackets, as FreeIPMI reads [2001:2::10]:623
                String host = t.host().contains(":") ? "[" + t.host() + "]" : t.host();
                c.addAll(List.of("-D", "LAN", "-h", host + ":" + t.port(), "-u", t.user(), "-p", t.password(),
                        "-l", "ADMIN", "--session-timeout=2000", "--retransmission-timeout=500"));
                if (op == Operation.CHASSIS_STATUS) {
                    c.add("--get-status");
                }
            }
            default -> throw new IllegalStateException();
        }
        c.addAll(t.extra());
        return c;
    }

    /** Runs one operation; stdout is the value on success. */
    public CallOutcome<String> run(CommandRunner runner, Operation op, Target t, Duration timeout) {
        if (!available()) {
            return new CallOutcome<>(null, Failure.IO_ERROR, installHint(), 0, List.of(), 0);
        }
        return outcome(runner.run(timeout, command(op, t)));
    }

    /** Words of an error line. */
    private static final java.util.regex.Pattern ERROR_LINE = java.util.regex.Pattern.compile(
            "(?i)error|fail|unable|timeout|timed out|invalid|not support|denied|rejected");

    /** Words of a tool that received a reply and refused it (not a timeout). */
    private static final java.util.regex.Pattern REJECTION = java.util.regex.Pattern.compile(
            "(?i)not supported|invalid|mismatch|unexpected|does not support|bad (checksum|length|response)|malformed");

    /** The first line (stderr, then stdout) with words of {@code p}, else the first line. */
    static String firstLine(CommandRunner.Result r, java.util.regex.Pattern p) {
        for (String s : List.of(r.stderr(), r.stdout())) {
            for (String l : s.split("\\R")) {
                if (p.matcher(l).find()) {
                    return l.trim();
                }
            }
        }
        return r.firstLine();
    }

    /** A finished tool run as a {@link CallOutcome}: the kind of failure read from its exit and its first error line. */
    public static CallOutcome<String> outcome(CommandRunner.Result r) {
        long micros = r.elapsed().toNanos() / 1000;
        if (r.ok()) {
            return new CallOutcome<>(r.stdout(), null, "ok", 1, List.of(), micros);
        }
        // The telling line is not always the first: ipmiutil prints its banner first and its error last.
        String line = firstLine(r, ERROR_LINE);
        String all = (r.stderr() + "\n" + r.stdout()).toLowerCase(java.util.Locale.ROOT);
        boolean rejected = REJECTION.matcher(all).find();
        // A tool that got a reply it did not like says so before its generic "unable to establish" line.
        Failure f = r.timedOut() ? Failure.TIMEOUT
                : all.contains("password") || all.contains("username") || all.contains("user name") || all.contains("privilege")
                ? Failure.AUTH_FAILED
                : rejected ? Failure.PROTOCOL_ERROR
                : all.contains("timeout") || all.contains("timed out") || all.contains("unable to establish")
                || all.contains("no response") || all.contains("receive from bmc failed") ? Failure.TIMEOUT
                : r.exitCode() == -1 ? Failure.IO_ERROR
                : Failure.PROTOCOL_ERROR;
        if (r.cancelled() != null) {
            // ended before its own timeout, which the evidence said it was bound to reach (timedOut() is true)
            line = r.cancelled();
        } else if (r.timedOut()) {
            line = "no answer within " + r.elapsed().toSeconds() + " s: stopped by the harness";
        }
        if (f == Failure.PROTOCOL_ERROR && rejected) {
            line = firstLine(r, REJECTION);
        }
        return new CallOutcome<>(null, f, r.commandLine() + ": " + line, 1, List.of(), micros);
    }
}

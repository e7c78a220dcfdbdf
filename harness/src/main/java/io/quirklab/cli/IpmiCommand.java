package io.quirklab.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.quirklab.client.AuthCapabilities;
import io.quirklab.client.CallOutcome;
import io.quirklab.client.ChassisStatus;
import io.quirklab.client.ClientCommand;
import io.quirklab.client.ClientCommands;
import io.quirklab.client.ClientOptions;
import io.quirklab.client.DeviceId;
import io.quirklab.client.IpmiCall;
import io.quirklab.client.Lanplus;
import io.quirklab.client.SelInfo;
import io.quirklab.client.SensorReading;
import io.quirklab.input.InputFile;
import io.quirklab.ipmi.AsfMessage;
import io.quirklab.ipmi.AuthType;
import io.quirklab.ipmi.CipherSuite;
import io.quirklab.ipmi.CompletionCode;
import io.quirklab.ipmi.IpmiResponse;
import io.quirklab.ipmi.Privilege;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/** {@code quirklab ipmi}: the project's own IPMI LAN client, IPMI 1.5 or (with --lanplus) IPMI 2.0 / RMCP+. */
@Command(name = "ipmi", mixinStandardHelpOptions = true,
        description = {"The Java IPMI client: IPMI 1.5 LAN, or IPMI 2.0 / RMCP+ with --lanplus.",
                "Exit code 0 on success, otherwise 1 with a one-line reason.",
                "Example: quirklab ipmi -H 127.0.0.2 -U admin -P secret mc-info",
                "         quirklab ipmi -H 127.0.0.2 -U admin -P secret --lanplus -C 17 sdr-list"},
        subcommands = {IpmiCommand.Ping.class, IpmiCommand.Caps.class, IpmiCommand.McInfo.class, IpmiCommand.ChassisStatusCmd.class,
                IpmiCommand.PowerStatus.class, IpmiCommand.Power.class, IpmiCommand.SdrList.class, IpmiCommand.SelInfoCmd.class,
                IpmiCommand.Raw.class})
public final class IpmiCommand implements Runnable {
    @Option(names = "-H", required = true, scope = ScopeType.INHERIT, paramLabel = "HOST", description = "BMC address.")
    String host;

    @Option(names = "-p", defaultValue = "623", scope = ScopeType.INHERIT, paramLabel = "PORT", description = "UDP port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "-U", defaultValue = "admin", scope = ScopeType.INHERIT, paramLabel = "USER", description = "User name (default: ${DEFAULT-VALUE}).")
    String user;

    @Option(names = "-P", defaultValue = "", scope = ScopeType.INHERIT, paramLabel = "PASS", description = "Password.")
    String password;

    @Option(names = "-A", scope = ScopeType.INHERIT, paramLabel = "AUTH", description = "Auth type: none, md2, md5, password (default: strongest offered).")
    String auth;

    @Option(names = "-L", defaultValue = "ADMINISTRATOR", scope = ScopeType.INHERIT, paramLabel = "PRIV",
            description = "Session privilege: USER, OPERATOR, ADMINISTRATOR (default: ${DEFAULT-VALUE}).")
    String privilege;

    @Option(names = "--lanplus", scope = ScopeType.INHERIT,
            description = "IPMI 2.0 / RMCP+ session (ipmitool's -I lanplus) instead of IPMI 1.5.")
    boolean lanplus;

    @Option(names = "-C", scope = ScopeType.INHERIT, paramLabel = "SUITE",
            description = "RMCP+ cipher suite: 0, 1, 2, 3 or 17 (default: the strongest both sides support, as ipmitool picks it).")
    String cipherSuite;

    @Option(names = "-k", scope = ScopeType.INHERIT, paramLabel = "KG",
            description = "RMCP+ BMC key Kg, when the BMC has one set (text, at most 20 bytes).")
    String kg;

    @Option(names = "--timeout", defaultValue = "1000", scope = ScopeType.INHERIT, paramLabel = "MS", description = "Per-attempt timeout in ms (default: ${DEFAULT-VALUE}).")
    int timeoutMs;

    @Option(names = "--retries", defaultValue = "2", scope = ScopeType.INHERIT, paramLabel = "N", description = "Retransmissions per request (default: ${DEFAULT-VALUE}).")
    int retries;

    @Option(names = "--json", scope = ScopeType.INHERIT, description = "Print the result and the outcome (attempts, timings) as JSON.")
    boolean json;

    @Option(names = "--allow-any-address", scope = ScopeType.INHERIT,
            description = "Allow a BMC outside loopback and 198.18.0.0/15 (a real BMC on your lab LAN). Never used by the harness.")
    boolean anyAddress;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "missing COMMAND: ping, caps, mc-info, chassis-status, power-status, power, sdr-list, sel-info, raw");
    }

    ClientOptions options() throws UnknownHostException {
        InetAddress addr = AddressPolicy.option("-H", host);
        if (!anyAddress) {
            AddressPolicy.requireTestAddress(addr);
        }
        if (!lanplus && (cipherSuite != null || kg != null)) {
            throw new IllegalArgumentException("-C and -k apply to IPMI 2.0 sessions: add --lanplus");
        }
        Lanplus plus = lanplus ? new Lanplus(cipherSuite == null ? null : CipherSuite.parse(cipherSuite), null).withKg(kg) : null;
        return new ClientOptions(host, port, user, password, auth == null ? null : AuthType.fromCliName(auth),
                Privilege.parse(privilege), Duration.ofMillis(timeoutMs), retries, plus);
    }

    <T> int execute(boolean session, ClientCommand<T> command, Function<T, String> text) throws UnknownHostException {
        CallOutcome<T> outcome = IpmiCall.run(options(), session, command);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("ok", outcome.ok());
            doc.put("result", outcome.ok() ? jsonValue(outcome.value()) : null);
            doc.put("outcome", outcome);
            try {
                out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(doc));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        } else if (outcome.ok()) {
            out.print(text.apply(outcome.value()));
        }
        if (!outcome.ok()) {
            spec.commandLine().getErr().println("Error: " + outcome.failure() + ": " + outcome.message());
            return 1;
        }
        return 0;
    }

    private static Object jsonValue(Object v) {
        if (v instanceof IpmiResponse r) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("completion_code", r.completionCode());
            m.put("data", java.util.HexFormat.of().formatHex(r.data()));
            return m;
        }
        if (v instanceof AsfMessage a) {
            return Map.of("supports_ipmi", a.supportsIpmi(), "tag", a.tag());
        }
        return v;
    }

    abstract static class Sub implements Callable<Integer> {
        @ParentCommand
        IpmiCommand parent;
    }

    @Command(name = "ping", mixinStandardHelpOptions = true, description = "ASF presence ping (RMCP); no session.")
    static final class Ping extends Sub {
        @Override
        public Integer call() throws Exception {
            return parent.execute(false, ClientCommands::ping, p -> parent.host + " answers the RMCP presence ping and supports IPMI\n");
        }
    }

    @Command(name = "caps", mixinStandardHelpOptions = true, description = "Get Channel Authentication Capabilities; no session.")
    static final class Caps extends Sub {
        @Override
        public Integer call() throws Exception {
            return parent.execute(false, ClientCommands::caps, IpmiCommand::formatCaps);
        }
    }

    @Command(name = "mc-info", mixinStandardHelpOptions = true, description = "Get Device ID, printed like ipmitool's mc info.")
    static final class McInfo extends Sub {
        @Override
        public Integer call() throws Exception {
            return parent.execute(true, ClientCommands::mcInfo, IpmiCommand::formatDeviceId);
        }
    }

    @Command(name = "chassis-status", mixinStandardHelpOptions = true, description = "Get Chassis Status, printed like ipmitool's chassis status.")
    static final class ChassisStatusCmd extends Sub {
        @Override
        public Integer call() throws Exception {
            return parent.execute(true, ClientCommands::chassisStatus, IpmiCommand::formatChassis);
        }
    }

    @Command(name = "power-status", mixinStandardHelpOptions = true, description = "Chassis power state.")
    static final class PowerStatus extends Sub {
        @Override
        public Integer call() throws Exception {
            return parent.execute(true, ClientCommands::chassisStatus, s -> "Chassis Power is " + (s.powerOn() ? "on" : "off") + "\n");
        }
    }

    @Command(name = "power", mixinStandardHelpOptions = true, description = "Chassis Control: on, off, cycle, reset, soft.")
    static final class Power extends Sub {
        @Parameters(paramLabel = "ACTION", description = "on, off, cycle, reset or soft")
        String action;

        @Override
        public Integer call() throws Exception {
            int control = switch (action) {
                case "off" -> 0;
                case "on" -> 1;
                case "cycle" -> 2;
                case "reset" -> 3;
                case "soft" -> 5;
                default -> throw new IllegalArgumentException("unknown power action '" + action + "' (on, off, cycle, reset, soft)");
            };
            return parent.execute(true, ClientCommands.chassisControl(control), c -> "Chassis Power Control: " + action + "\n");
        }
    }

    @Command(name = "sdr-list", mixinStandardHelpOptions = true, description = "Every sensor with its reading, like ipmitool's sdr list.")
    static final class SdrList extends Sub {
        @Override
        public Integer call() throws Exception {
            return parent.execute(true, ClientCommands::sdrList, IpmiCommand::formatSdr);
        }
    }

    @Command(name = "sel-info", mixinStandardHelpOptions = true, description = "System event log information, like ipmitool's sel info.")
    static final class SelInfoCmd extends Sub {
        @Override
        public Integer call() throws Exception {
            return parent.execute(true, ClientCommands::selInfo, IpmiCommand::formatSel);
        }
    }

    @Command(name = "raw", mixinStandardHelpOptions = true, description = "Send a raw request in a session and print the response data (hex).")
    static final class Raw extends Sub {
        @Parameters(index = "0", paramLabel = "NETFN", description = "Network function, e.g. 0x06.")
        String netFn;

        @Parameters(index = "1", paramLabel = "CMD", description = "Command, e.g. 0x01.")
        String cmd;

        @Parameters(index = "2..*", paramLabel = "BYTE", description = "Request data bytes.")
        List<String> bytes = new ArrayList<>();

        @Override
        public Integer call() throws Exception {
            byte[] data = new byte[bytes.size()];
            for (int i = 0; i < data.length; i++) {
                data[i] = (byte) parseByte(bytes.get(i));
            }
            int nf = parseByte(netFn);
            int c = parseByte(cmd);
            int rc = parent.execute(true, ClientCommands.raw(nf, c, data), r -> {
                if (!r.ok()) {
                    return "";
                }
                StringBuilder sb = new StringBuilder();
                for (byte b : r.data()) {
                    sb.append(String.format(" %02x", b & 0xFF));
                }
                return sb.append('\n').toString();
            });
            return rc;
        }

        static int parseByte(String s) {
            int v;
            try {
                v = s.startsWith("0x") || s.startsWith("0X") ? Integer.parseInt(s.substring(2), 16) : Integer.decode(s);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a byte: " + InputFile.token(s)
                        + " (0..255, decimal or 0x hex, e.g. 0x06)");
            }
            if (v < 0 || v > 255) {
                throw new IllegalArgumentException("not a byte: " + s);
            }
            return v;
        }
    }

    static String formatCaps(AuthCapabilities c) {
        return String.format("Channel %d%nAuth types  : %s%nIPMI v2.0   : %s%nLogin status: 0x%02x%nOEM IANA    : %d%n",
                c.channel(), c.authTypes().stream().map(AuthType::cliName).toList(), c.ipmi20() ? "supported" : "not supported",
                c.loginStatus(), c.oemId());
    }

    static String formatDeviceId(DeviceId d) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("Device ID                 : %d%n", d.deviceId()));
        sb.append(String.format("Device Revision           : %d%n", d.deviceRevision()));
        sb.append(String.format("Firmware Revision         : %s%n", d.firmware()));
        sb.append(String.format("IPMI Version              : %s%n", d.ipmiVersion()));
        sb.append(String.format("Manufacturer ID           : %d%n", d.manufacturerId()));
        sb.append(String.format("Manufacturer Name         : %s%n", d.manufacturerId() == 6653 ? "Tyan Computer Corporation" : "Unknown"));
        sb.append(String.format("Product ID                : %d (0x%04x)%n", d.productId(), d.productId()));
        sb.append(String.format("Device Available          : %s%n", d.deviceAvailable() ? "yes" : "no"));
        sb.append(String.format("Provides Device SDRs      : %s%n", d.providesSdrs() ? "yes" : "no"));
        sb.append("Additional Device Support :\n");
        String[] names = {"Sensor Device", "SDR Repository Device", "SEL Device", "FRU Inventory Device",
            "IPMB Event Receiver", "IPMB Event Generator", "Bridge", "Chassis Device"};
        for (int i = 0; i < 8; i++) {
            if ((d.additionalSupport() & (1 << i)) != 0) {
                sb.append("    ").append(names[i]).append('\n');
            }
        }
        if (!d.auxFirmware().isEmpty()) {
            sb.append(String.format("Aux Firmware Rev Info     : %s%n", d.auxFirmware()));
        }
        return sb.toString();
    }

    static String formatChassis(ChassisStatus s) {
        return String.format("System Power         : %s%nPower Restore Policy : %s%nLast Power Event     : %s%n",
                s.powerOn() ? "on" : "off", s.restorePolicy(), s.lastEventText());
    }

    static String formatSdr(List<SensorReading> list) {
        StringBuilder sb = new StringBuilder();
        for (SensorReading r : list) {
            sb.append(String.format("%-16s | %-17s | %s%n", r.name(), r.valueText(), r.status()));
        }
        return sb.toString();
    }

    static String formatSel(SelInfo s) {
        return String.format("SEL Information%nVersion          : %s%nEntries          : %d%nFree Space       : %d bytes%n"
                        + "Last Add Time    : %s%nLast Del Time    : %s%nOverflow         : %s%n",
                s.version(), s.entries(), s.freeBytes(), time(s.lastAddEpoch()), time(s.lastEraseEpoch()), s.overflow());
    }

    private static String time(long epoch) {
        return epoch == 0xFFFFFFFFL || epoch == 0 ? "Not Available" : Instant.ofEpochSecond(epoch).toString();
    }

    static String describe(int cc) {
        return CompletionCode.describe(cc);
    }
}

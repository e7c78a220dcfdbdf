package io.quirklab.bmc;

import io.quirklab.ipmi.AuthType;
import io.quirklab.ipmi.CipherSuite;
import io.quirklab.ipmi.CompletionCode;
import io.quirklab.ipmi.NetFn;
import io.quirklab.ipmi.Privilege;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Transport commands (netFn 0x0C): Get/Set LAN Configuration Parameters (IPMI v2.0 section 23) and, on personas that
 * speak 2.0, Get/Set SOL Configuration Parameters (section 26).
 */
final class LanCommands {
    static final int SET_LAN_CONFIG = 0x01;
    static final int GET_LAN_CONFIG = 0x02;
    static final int SET_SOL_CONFIG = 0x21;
    static final int GET_SOL_CONFIG = 0x22;
    /** App netFn: Set Channel Security Keys, whose "read key" operation FreeIPMI's Lan_Conf_Security_Keys uses. */
    static final int CHANNEL_SECURITY_KEYS = 0x56;
    static final int READ_KEY = 0;
    static final int KEY_R = 0;
    static final int KEY_G = 1;
    /** Lock status "key is not lockable". */
    static final int NOT_LOCKABLE = 0x00;
    static final int LAN_CHANNEL = 1;
    static final int CURRENT_CHANNEL = 0x0E;
    /** Parameter revision of LAN and SOL configuration (1.1), the first byte of every Get answer. */
    static final int PARAMETER_REVISION = 0x11;
    static final int REVISION_ONLY = 0x80;

    // LAN configuration parameter selectors (table 23-4)
    static final int AUTH_TYPE_SUPPORT = 1;
    static final int AUTH_TYPE_ENABLES = 2;
    static final int IP_ADDRESS = 3;
    static final int IP_ADDRESS_SOURCE = 4;
    static final int MAC_ADDRESS = 5;
    static final int SUBNET_MASK = 6;
    static final int IPV4_HEADER = 7;
    static final int PRIMARY_RMCP_PORT = 8;
    static final int ARP_CONTROL = 10;
    static final int GRATUITOUS_ARP_INTERVAL = 11;
    static final int DEFAULT_GATEWAY = 12;
    static final int DEFAULT_GATEWAY_MAC = 13;
    static final int BACKUP_GATEWAY = 14;
    static final int BACKUP_GATEWAY_MAC = 15;
    static final int COMMUNITY = 16;
    static final int DESTINATION_COUNT = 17;
    static final int DESTINATION_TYPE = 18;
    static final int DESTINATION_ADDRESS = 19;
    static final int VLAN_ID = 20;
    static final int VLAN_PRIORITY = 21;
    static final int CIPHER_SUITE_COUNT = 22;
    static final int CIPHER_SUITE_ENTRIES = 23;
    static final int CIPHER_SUITE_PRIVILEGES = 24;
    static final int DESTINATION_VLAN = 25;
    /** Alert destinations 1..4 (non-volatile) besides destination 0 (volatile). */
    static final int DESTINATIONS = 4;
    /** IP address source values: 1 static, 2 DHCP (0 unspecified, 3 BIOS, 4 other). */
    static final int SOURCE_STATIC = 1;
    static final int SOURCE_OTHER = 4;

    // SOL configuration parameter selectors (table 26-5)
    static final int SOL_ENABLE = 1;
    static final int SOL_AUTHENTICATION = 2;
    static final int SOL_ACCUMULATE = 3;
    static final int SOL_RETRY = 4;
    static final int SOL_NON_VOLATILE_RATE = 5;
    static final int SOL_VOLATILE_RATE = 6;
    static final int SOL_PAYLOAD_CHANNEL = 7;
    static final int SOL_PAYLOAD_PORT = 8;
    /** Bit rates: 6 = 9.6k, 7 = 19.2k, 8 = 38.4k, 9 = 57.6k, 10 = 115.2k, 0 = the serial channel's own. */
    private static final Set<Integer> BIT_RATES = Set.of(0, 6, 7, 8, 9, 10);

    private LanCommands() {
    }

    static void register(CommandTable t, boolean ipmi20) {
        t.add(NetFn.TRANSPORT, GET_LAN_CONFIG, "Get LAN Configuration Parameters", Privilege.OPERATOR,
                (c, d) -> get(c.model().lan(), d));
        t.add(NetFn.TRANSPORT, SET_LAN_CONFIG, "Set LAN Configuration Parameters", Privilege.ADMINISTRATOR,
                (c, d) -> set(c.model().lan(), d));
        if (ipmi20) {
            t.add(NetFn.TRANSPORT, GET_SOL_CONFIG, "Get SOL Configuration Parameters", Privilege.USER,
                    (c, d) -> get(c.model().sol(), d));
            t.add(NetFn.TRANSPORT, SET_SOL_CONFIG, "Set SOL Configuration Parameters", Privilege.ADMINISTRATOR,
                    (c, d) -> set(c.model().sol(), d));
            t.add(NetFn.APP, CHANNEL_SECURITY_KEYS, "Set Channel Security Keys", Privilege.ADMINISTRATOR, LanCommands::securityKeys);
        }
    }

    /** Request: channel (bit 7: revision only), parameter, set selector, block selector. */
    static Reply get(ConfigParameters params, byte[] d) {
        if (d.length != 4) {
            return Reply.error(CompletionCode.REQUEST_DATA_LENGTH_INVALID);
        }
        if (!lanChannel(d[0])) {
            return Reply.error(CompletionCode.INVALID_DATA_FIELD);
        }
        int selector = d[1] & 0xFF;
        if ((d[0] & REVISION_ONLY) != 0) {
            return Reply.ok(PARAMETER_REVISION);
        }
        ConfigParameters.Read r = params.get(selector, d[2] & 0xFF);
        if (r.completionCode() != CompletionCode.OK) {
            return Reply.error(r.completionCode());
        }
        byte[] out = new byte[r.data().length + 1];
        out[0] = PARAMETER_REVISION;
        System.arraycopy(r.data(), 0, out, 1, r.data().length);
        return Reply.ok(out);
    }

    /** Request: channel, parameter, data. */
    static Reply set(ConfigParameters params, byte[] d) {
        if (d.length < 3) {
            return Reply.error(CompletionCode.REQUEST_DATA_LENGTH_INVALID);
        }
        if (!lanChannel(d[0]) || (d[0] & 0xF0) != 0) {
            return Reply.error(CompletionCode.INVALID_DATA_FIELD);
        }
        return Reply.error(params.set(d[1] & 0xFF, Arrays.copyOfRange(d, 2, d.length)));
    }

    /**
     * Request: channel, operation, key ID (0 K_R, 1 K_G), key for a set. Reading answers the key (K_R unused: 20 zero
     * bytes; K_G as configured, zeros when session keys derive from the password). Setting or locking a key is
     * refused with 0xD5: K_G is part of the session set-up's configuration, which commands do not change.
     */
    static Reply securityKeys(CommandContext ctx, byte[] d) {
        if (d.length < 3) {
            return Reply.error(CompletionCode.REQUEST_DATA_LENGTH_INVALID);
        }
        int op = d[1] & 0x03;
        int key = d[2] & 0xFF;
        if (!lanChannel(d[0]) || op == 0x03 || key > KEY_G) {
            return Reply.error(CompletionCode.INVALID_DATA_FIELD);
        }
        if (op != READ_KEY) {
            return Reply.error(CompletionCode.NOT_SUPPORTED_IN_PRESENT_STATE);
        }
        if (d.length != 3) {
            return Reply.error(CompletionCode.REQUEST_DATA_LENGTH_INVALID);
        }
        byte[] kg = ctx.model().kg();
        byte[] value = key == KEY_G && kg != null ? kg : new byte[20];
        byte[] out = new byte[21];
        out[0] = NOT_LOCKABLE;
        System.arraycopy(value, 0, out, 1, 20);
        return Reply.ok(out);
    }

    static boolean lanChannel(byte b) {
        int ch = b & 0x0F;
        return ch == LAN_CHANNEL || ch == CURRENT_CHANNEL;
    }

    /**
     * The LAN channel's parameters. Writable: what a user sets on a real card and the simulation can keep (address,
     * mask, source, gateways, community, alert destinations). Read-only: what the simulation decides elsewhere and
     * would otherwise misreport (MAC, VLAN, port, ARP and IP header behaviour belong to the persona's quirk profile;
     * auth types and cipher suite privileges to the session code).
     */
    static ConfigParameters lanDefaults(BmcConfig config) {
        int support = AuthType.mask(advertised(config));
        int enabled = AuthType.mask(config.authTypes());
        ConfigParameters p = new ConfigParameters()
                .live(AUTH_TYPE_SUPPORT, () -> ConfigParameters.bytes(support))
                .live(AUTH_TYPE_ENABLES, () -> ConfigParameters.bytes(enabled, enabled, enabled, enabled, enabled))
                .value(IP_ADDRESS, true, ConfigParameters::any, 0, 0, 0, 0)
                .value(IP_ADDRESS_SOURCE, true, d -> (d[0] & 0xFF) <= SOURCE_OTHER, SOURCE_STATIC)
                .value(MAC_ADDRESS, false, ConfigParameters::any, 0, 0, 0, 0, 0, 0)
                .value(SUBNET_MASK, true, LanCommands::contiguousMask, 0, 0, 0, 0)
                // TTL 64, DF set, precedence 0 / TOS "minimise delay": the IPMI default
                .value(IPV4_HEADER, false, ConfigParameters::any, 0x40, 0x40, 0x10)
                .value(PRIMARY_RMCP_PORT, false, ConfigParameters::any, 0x6F, 0x02)
                // Bit 1: answers ARP requests; bit 0 clear: sends no gratuitous ARP (the responder answers ARP for the persona)
                .value(ARP_CONTROL, false, ConfigParameters::any, 0x02)
                .value(GRATUITOUS_ARP_INTERVAL, false, ConfigParameters::any, 0x04)
                .value(DEFAULT_GATEWAY, true, ConfigParameters::any, 0, 0, 0, 0)
                .value(DEFAULT_GATEWAY_MAC, true, ConfigParameters::any, 0, 0, 0, 0, 0, 0)
                .value(BACKUP_GATEWAY, true, ConfigParameters::any, 0, 0, 0, 0)
                .value(BACKUP_GATEWAY_MAC, true, ConfigParameters::any, 0, 0, 0, 0, 0, 0)
                .value(COMMUNITY, true, ConfigParameters::any, Arrays.copyOf("public".getBytes(StandardCharsets.US_ASCII), 18))
                .value(DESTINATION_COUNT, false, ConfigParameters::any, DESTINATIONS)
                // PET trap, not acknowledged; 3 s timeout, 3 retries
                .table(DESTINATION_TYPE, DESTINATIONS + 1, true,
                        d -> Set.of(0, 6, 7).contains(d[1] & 0x07) && (d[1] & 0x78) == 0 && (d[3] & 0xF8) == 0, 0, 0x00, 0x03, 0x03)
                // address format 0 (IPv4 + MAC), default gateway
                .table(DESTINATION_ADDRESS, DESTINATIONS + 1, true, d -> (d[1] & 0xF0) == 0 && (d[2] & 0xFE) == 0,
                        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
                .value(VLAN_ID, false, ConfigParameters::any, 0, 0)
                .value(VLAN_PRIORITY, false, ConfigParameters::any, 0);
        if (config.ipmi20()) {
            List<CipherSuite> suites = CipherSuite.PREFERENCE.stream().filter(config.cipherSuites()::contains)
                    .sorted((a, b) -> Integer.compare(a.id(), b.id())).toList();
            byte[] entries = new byte[17];
            byte[] privileges = new byte[9];
            for (int i = 0; i < suites.size() && i < 16; i++) {
                entries[i + 1] = (byte) suites.get(i).id();
                privileges[1 + i / 2] |= (byte) (Privilege.ADMINISTRATOR.level() << (4 * (i % 2)));
            }
            p.value(CIPHER_SUITE_COUNT, false, ConfigParameters::any, suites.size())
                    .value(CIPHER_SUITE_ENTRIES, false, ConfigParameters::any, entries)
                    .value(CIPHER_SUITE_PRIVILEGES, false, ConfigParameters::any, privileges)
                    .table(DESTINATION_VLAN, DESTINATIONS + 1, true, d -> (d[1] & 0xF0) <= 0x10, 0, 0, 0, 0);
        }
        return p;
    }

    /**
     * The SOL parameters ipmitool's sol info shows: USER privilege, 115.2 kbit/s, payload on port 623, and SOL
     * disabled, because the simulated BMC has no SOL payload to activate (a user may still switch the flag).
     */
    static ConfigParameters solDefaults() {
        return new ConfigParameters()
                .value(SOL_ENABLE, true, d -> (d[0] & 0xFE) == 0, 0x00)
                .value(SOL_AUTHENTICATION, true, d -> (d[0] & 0x30) == 0 && (d[0] & 0x0F) >= 1 && (d[0] & 0x0F) <= 5, 0xC2)
                // 60 ms accumulate interval (5 ms units), send after 96 characters
                .value(SOL_ACCUMULATE, true, d -> d[0] != 0, 0x0C, 0x60)
                // 7 retries, 500 ms apart (10 ms units)
                .value(SOL_RETRY, true, d -> (d[0] & 0xF8) == 0, 0x07, 0x32)
                .value(SOL_NON_VOLATILE_RATE, true, d -> BIT_RATES.contains(d[0] & 0xFF), 0x0A)
                .value(SOL_VOLATILE_RATE, true, d -> BIT_RATES.contains(d[0] & 0xFF), 0x0A)
                .value(SOL_PAYLOAD_CHANNEL, false, ConfigParameters::any, LAN_CHANNEL)
                .value(SOL_PAYLOAD_PORT, false, ConfigParameters::any, 0x6F, 0x02);
    }

    /** Writes where the BMC sits into its LAN parameters: address, MAC, mask, port, VLAN. */
    static void station(ConfigParameters lan, LanStation s) {
        lan.put(IP_ADDRESS, s.address().getAddress());
        lan.put(IP_ADDRESS_SOURCE, ConfigParameters.bytes(SOURCE_STATIC));
        lan.put(MAC_ADDRESS, s.mac());
        lan.put(SUBNET_MASK, s.mask());
        lan.put(PRIMARY_RMCP_PORT, ConfigParameters.bytes(s.port() & 0xFF, s.port() >> 8));
        lan.put(VLAN_ID, s.vlanId() == 0 ? new byte[2] : ConfigParameters.bytes(s.vlanId() & 0xFF, 0x80 | s.vlanId() >> 8));
    }

    /** Auth types advertised: the enabled ones, plus OEM when the firmware insists on it (as Get Channel Auth Caps). */
    static Set<AuthType> advertised(BmcConfig config) {
        Set<AuthType> s = EnumSet.noneOf(AuthType.class);
        s.addAll(config.authTypes());
        if (config.has(FirmwareQuirk.OEM_AUTH_REQUIRED)) {
            s.add(AuthType.OEM);
        }
        return s;
    }

    static boolean contiguousMask(byte[] d) {
        long m = (d[0] & 0xFFL) << 24 | (d[1] & 0xFFL) << 16 | (d[2] & 0xFFL) << 8 | (d[3] & 0xFFL);
        long inverted = ~m & 0xFFFFFFFFL;
        return (inverted & (inverted + 1)) == 0;
    }
}

package io.quirklab.host;

import java.util.List;

/**
 * The stable names of offload settings in a fingerprint ({@code dut_interface.offloads}) and in change records, the
 * same on every OS; the OS's own names (ethtool features, Windows registry keywords, macOS ifconfig options) and
 * translated display names never appear. Values are "on"/"off", except for OS-wide switches, which keep their value.
 *
 * <ul>
 *   <li>Linux has one receive checksum switch ({@code rx-checksumming}): every {@code rx_*_checksum} key mirrors it.
 *   <li>Windows has a switch per protocol with a direction each ({@code *UDPChecksumOffloadIPv4} = 0 off, 1 Tx,
 *       2 Rx, 3 Rx+Tx): split into the {@code rx_} and {@code tx_} keys.
 *   <li>macOS has per-interface options ({@code RXCSUM}) and a system-wide receive switch
 *       ({@code net.link.generic.system.hwcksum_rx}); {@code rx_udp4_checksum} is on only when both are.
 * </ul>
 */
public final class OffloadKeys {
    /** The setting this project switches: the NIC verifies UDP/IPv4 checksums on receive. */
    public static final String RX_UDP4_CHECKSUM = "rx_udp4_checksum";
    public static final String TX_UDP4_CHECKSUM = "tx_udp4_checksum";
    public static final String RX_TCP4_CHECKSUM = "rx_tcp4_checksum";
    public static final String TX_TCP4_CHECKSUM = "tx_tcp4_checksum";
    public static final String RX_IP4_CHECKSUM = "rx_ip4_checksum";
    public static final String TX_IP4_CHECKSUM = "tx_ip4_checksum";
    public static final String RX_UDP6_CHECKSUM = "rx_udp6_checksum";
    public static final String TX_UDP6_CHECKSUM = "tx_udp6_checksum";
    public static final String RX_TCP6_CHECKSUM = "rx_tcp6_checksum";
    public static final String TX_TCP6_CHECKSUM = "tx_tcp6_checksum";
    /** The interface's receive checksum offload as a whole (Linux rx-checksumming, macOS RXCSUM). */
    public static final String RX_CHECKSUM = "rx_checksum";
    /** The interface's transmit checksum offload as a whole (Linux tx-checksumming, macOS TXCSUM). */
    public static final String TX_CHECKSUM = "tx_checksum";
    /** TCP segmentation offload (Linux tcp-segmentation-offload, macOS TSO4). */
    public static final String TSO = "tso";
    /** TCP segmentation offload for IPv6 (Linux tx-tcp6-segmentation, macOS TSO6). */
    public static final String TSO6 = "tso6";
    /** Large send offload v2 for IPv4 (Windows *LsoV2IPv4). */
    public static final String LSO = "lso";
    /** Large send offload v2 for IPv6 (Windows *LsoV2IPv6). */
    public static final String LSO6 = "lso6";
    /** Receive side scaling (Windows *RSS). */
    public static final String RSS = "rss";
    /** The NIC hands the RSS hash to the stack (Linux receive-hashing). */
    public static final String RX_HASH = "rx_hash";
    /** Receive segment coalescing (Windows *RscIPv4). */
    public static final String RSC = "rsc";
    public static final String RSC6 = "rsc6";
    /** UDP segmentation offload (Linux tx-udp-segmentation, Windows *UsoIPv4). */
    public static final String USO = "uso";
    public static final String GSO = "gso";
    public static final String GRO = "gro";
    public static final String GRO_HW = "gro_hw";
    public static final String LRO = "lro";
    public static final String SG = "sg";
    public static final String RX_VLAN = "rx_vlan";
    public static final String TX_VLAN = "tx_vlan";
    /** Receive frames with a bad FCS, or bad frames in general (Linux rx-fcs / rx-all). */
    public static final String RX_FCS = "rx_fcs";
    public static final String RX_ALL = "rx_all";
    /** Windows: HKLM\SYSTEM\CurrentControlSet\Services\Tcpip\Parameters DisableTaskOffload ("0", "1", "unset"). */
    public static final String TCPIP_DISABLE_TASK_OFFLOAD = "tcpip_disable_task_offload";
    /** macOS: net.link.generic.system.hwcksum_rx ("0", "1"). */
    public static final String SYSTEM_HWCKSUM_RX = "system_hwcksum_rx";
    /** macOS: net.link.generic.system.hwcksum_tx ("0", "1"). */
    public static final String SYSTEM_HWCKSUM_TX = "system_hwcksum_tx";

    /** Settings a change of the receive checksum may drag along (RSS, LSO, ...): recorded before and after. */
    public static final List<String> SIDE_EFFECTS = List.of(RSS, RX_HASH, LSO, LSO6, TSO, TSO6, RSC, RSC6, USO, GRO, LRO,
            TX_UDP4_CHECKSUM, TX_TCP4_CHECKSUM, RX_TCP4_CHECKSUM, RX_IP4_CHECKSUM);

    public static final String ON = "on";
    public static final String OFF = "off";

    private OffloadKeys() {
    }

    static String onOff(boolean on) {
        return on ? ON : OFF;
    }
}

package io.quirklab.observe;

import io.quirklab.wire.InternetChecksum;
import io.quirklab.wire.MacAddress;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;

/** An Ethernet/IPv4/UDP frame built by hand for tests, with the deviations the checks must notice. */
final class TestFrame {
    private final Inet4Address src;
    private final Inet4Address dst;
    private final byte[] payload;
    private MacAddress srcMac = MacAddress.local(10);
    private MacAddress dstMac = MacAddress.local(1);
    private int srcPort = 623;
    private int dstPort = 40000;
    private int vlan = -1;
    private boolean moreFragments;
    private boolean badUdpChecksum;
    private boolean badIpChecksum;
    private boolean noUdpChecksum;

    private TestFrame(Inet4Address src, Inet4Address dst, byte[] payload) {
        this.src = src;
        this.dst = dst;
        this.payload = payload.clone();
    }

    static TestFrame udp(String src, String dst, byte[] payload) {
        return new TestFrame(ip(src), ip(dst), payload);
    }

    static Inet4Address ip(String dotted) {
        try {
            return (Inet4Address) InetAddress.getByName(dotted);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(dotted, e);
        }
    }

    TestFrame macs(MacAddress from, MacAddress to) {
        srcMac = from;
        dstMac = to;
        return this;
    }

    TestFrame ports(int from, int to) {
        srcPort = from;
        dstPort = to;
        return this;
    }

    TestFrame vlan(int id) {
        vlan = id;
        return this;
    }

    TestFrame moreFragments() {
        moreFragments = true;
        return this;
    }

    TestFrame badUdpChecksum() {
        badUdpChecksum = true;
        return this;
    }

    TestFrame badIpChecksum() {
        badIpChecksum = true;
        return this;
    }

    TestFrame noUdpChecksum() {
        noUdpChecksum = true;
        return this;
    }

    byte[] bytes() {
        int udpLen = 8 + payload.length;
        int cs = InternetChecksum.udpFieldValue(InternetChecksum.udpChecksum(src, dst, srcPort, dstPort, payload));
        cs = noUdpChecksum ? 0 : badUdpChecksum ? cs ^ 0x5A5A : cs;
        ByteBuffer ipb = ByteBuffer.allocate(20 + udpLen);
        ipb.put((byte) 0x45).put((byte) 0).putShort((short) (20 + udpLen)).putShort((short) 0x1234)
                .putShort((short) (moreFragments ? 0x2000 : 0x4000)).put((byte) 64).put((byte) 17).putShort((short) 0)
                .put(src.getAddress()).put(dst.getAddress())
                .putShort((short) srcPort).putShort((short) dstPort).putShort((short) udpLen).putShort((short) cs).put(payload);
        byte[] ip = ipb.array();
        int hc = InternetChecksum.checksum(ip, 0, 20) ^ (badIpChecksum ? 0x0101 : 0);
        ip[10] = (byte) (hc >> 8);
        ip[11] = (byte) hc;
        ByteBuffer eth = ByteBuffer.allocate(Math.max(60, 14 + (vlan >= 0 ? 4 : 0) + ip.length));
        eth.put(dstMac.bytes()).put(srcMac.bytes());
        if (vlan >= 0) {
            eth.putShort((short) 0x8100).putShort((short) vlan);
        }
        eth.putShort((short) 0x0800).put(ip);
        return eth.array();
    }
}

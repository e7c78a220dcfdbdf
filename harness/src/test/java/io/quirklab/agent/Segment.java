package io.quirklab.agent;

import io.quirklab.testing.QueueTap;
import io.quirklab.wire.FrameInjector;
import io.quirklab.wire.FrameTap;
import io.quirklab.wire.MacAddress;
import io.quirklab.wire.ParsedFrame;
import java.net.Inet4Address;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An in-memory Ethernet segment for the agent's unit tests: what the agent injects is collected (and copied to its
 * taps, as a hub would, so the agent must ignore its own frames), and hosts that "own" an address answer ARP for it
 * (requests and RFC 5227 probes alike), the way a Linux host on the segment does. The real segment (veth, bridge,
 * pcap, a Linux host answering) is AgentIT's.
 */
final class Segment implements FrameInjector {
    final List<byte[]> sent = new CopyOnWriteArrayList<>();
    final QueueTap responderTap = new QueueTap();
    final QueueTap arpTap = new QueueTap();
    /** address -> MAC of another host that owns it. */
    final Map<Inet4Address, MacAddress> others = new ConcurrentHashMap<>();

    /** A frame from some other station arrives at the agent's interface. */
    void arrive(byte[] frame) {
        FrameTap.Captured c = new FrameTap.Captured(System.currentTimeMillis() * 1000, frame);
        responderTap.queue.add(c);
        if (ParsedFrame.parse(frame).flatMap(ParsedFrame::arp).isPresent()) {
            arpTap.queue.add(c);
        }
    }

    @Override
    public long send(byte[] frame) {
        sent.add(frame);
        ParsedFrame.parse(frame).flatMap(ParsedFrame::arp).ifPresent(a -> {
            MacAddress owner = others.get(a.targetIp());
            if (a.op() == ParsedFrame.Arp.REQUEST && owner != null) {
                arrive(arpReply(owner, a.targetIp(), a.senderMac(), a.senderIp()));
            }
        });
        return System.currentTimeMillis() * 1000;
    }

    static byte[] arpReply(MacAddress mac, Inet4Address ip, MacAddress toMac, Inet4Address toIp) {
        ByteBuffer b = ByteBuffer.allocate(42);
        b.put(toMac.bytes()).put(mac.bytes()).putShort((short) 0x0806).putShort((short) 1).putShort((short) 0x0800).put((byte) 6)
                .put((byte) 4).putShort((short) 2).put(mac.bytes()).put(ip.getAddress()).put(toMac.bytes()).put(toIp.getAddress());
        return b.array();
    }

    @Override
    public void close() {
    }
}

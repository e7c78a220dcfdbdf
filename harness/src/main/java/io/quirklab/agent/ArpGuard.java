package io.quirklab.agent;

import io.quirklab.wire.ArpFrames;
import io.quirklab.wire.FrameInjector;
import io.quirklab.wire.FrameTap;
import io.quirklab.wire.MacAddress;
import io.quirklab.wire.ParsedFrame;
import java.io.IOException;
import java.net.Inet4Address;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * IPv4 address conflict detection (RFC 5227) for the addresses the agent claims on a real, shared segment: probes
 * from 0.0.0.0 before an address is used, announcements once it is, and defence of the addresses held (one
 * announcement per {@link Timing#defendInterval} when another host claims one). Reads every ARP frame of the segment
 * from its own tap, on its own thread.
 */
public final class ArpGuard implements AutoCloseable {
    /**
     * RFC 5227's timing constants.
     *
     * @param probes           PROBE_NUM
     * @param probeInterval    between probes (PROBE_MIN..PROBE_MAX; one value here)
     * @param announceWait     after the last probe, before the address counts as free (ANNOUNCE_WAIT)
     * @param announcements    ANNOUNCE_NUM
     * @param announceInterval ANNOUNCE_INTERVAL
     * @param defendInterval   DEFEND_INTERVAL
     */
    public record Timing(int probes, Duration probeInterval, Duration announceWait, int announcements, Duration announceInterval,
                  Duration defendInterval) {
        /** The RFC's values (probe interval the middle of 1..2 s, no random initial wait: the agent is not booting). */
        public static final Timing RFC_5227 = new Timing(3, Duration.ofMillis(1500), Duration.ofSeconds(2), 2, Duration.ofSeconds(2),
                Duration.ofSeconds(10));
        /** For segments the harness built itself (veth, bridge): the same frames, faster. */
        public static final Timing FAST = new Timing(3, Duration.ofMillis(100), Duration.ofMillis(300), 2, Duration.ofMillis(200),
                Duration.ofSeconds(10));

        public static Timing parse(String s) {
            return switch (s) {
                case "rfc5227" -> RFC_5227;
                case "fast" -> FAST;
                default -> throw new IllegalArgumentException("--arp-timing '" + s + "' (rfc5227, fast)");
            };
        }
    }

    private final FrameTap tap;
    private final FrameInjector injector;
    private final Timing timing;
    private final Consumer<String> log;
    /** Address under probe -> the MAC of the first other host that answered for it (or null so far). */
    private final Map<Inet4Address, Optional<MacAddress>> probing = new ConcurrentHashMap<>();
    /** Address held -> its persona's MAC. */
    private final Map<Inet4Address, MacAddress> held = new ConcurrentHashMap<>();
    private final Map<Inet4Address, Long> lastDefence = new ConcurrentHashMap<>();
    private final AtomicLong conflictsSeen = new AtomicLong();
    private final Thread reader;
    private volatile boolean open = true;

    ArpGuard(FrameTap tap, FrameInjector injector, Timing timing, Consumer<String> log) {
        this.tap = tap;
        this.injector = injector;
        this.timing = timing;
        this.log = log;
        this.reader = new Thread(this::read, "agent-arp-guard");
        reader.setDaemon(true);
        reader.start();
    }

    private void read() {
        while (open) {
            try {
                tap.next(Duration.ofMillis(200)).flatMap(c -> ParsedFrame.parse(c.data())).ifPresent(this::seen);
            } catch (IOException | RuntimeException e) {
                if (open) {
                    log.accept("ARP guard: capture failed, no more conflict detection: " + e.getMessage());
                }
                return;
            }
        }
    }

    /** One ARP frame from the segment. */
    void seen(ParsedFrame f) {
        if (f.arp().isEmpty()) {
            return;
        }
        for (Inet4Address a : probing.keySet()) {
            ArpFrames.conflict(f, a, this::ours).ifPresent(mac -> probing.computeIfPresent(a, (k, v) -> v.isPresent() ? v : Optional.of(mac)));
        }
        for (Map.Entry<Inet4Address, MacAddress> h : held.entrySet()) {
            Optional<MacAddress> other = ArpFrames.conflict(f, h.getKey(), this::ours);
            if (other.isPresent()) {
                conflictsSeen.incrementAndGet();
                long now = System.nanoTime();
                Long last = lastDefence.get(h.getKey());
                if (last == null || now - last > timing.defendInterval().toNanos()) {
                    lastDefence.put(h.getKey(), now);
                    log.accept("ARP conflict: " + other.get() + " claims " + h.getKey().getHostAddress() + "; defending it");
                    send(ArpFrames.announcement(h.getValue(), h.getKey()));
                } else {
                    log.accept("ARP conflict again: " + other.get() + " claims " + h.getKey().getHostAddress()
                            + " within the defend interval; it keeps answering, the run's evidence will show it");
                }
            }
        }
    }

    private boolean ours(MacAddress mac) {
        return held.containsValue(mac);
    }

    /**
     * Probes the addresses (each with the MAC it will use), all at once; returns address -> the MAC of another host
     * that uses it, for those that are taken. Free addresses are not held yet: {@link #hold} does that.
     */
    Map<Inet4Address, MacAddress> probe(Map<Inet4Address, MacAddress> candidates) throws InterruptedException {
        candidates.keySet().forEach(a -> probing.put(a, Optional.empty()));
        try {
            for (int i = 0; i < timing.probes(); i++) {
                candidates.forEach((a, mac) -> send(ArpFrames.probe(mac, a)));
                Thread.sleep(i == timing.probes() - 1 ? timing.announceWait().toMillis() : timing.probeInterval().toMillis());
            }
            Map<Inet4Address, MacAddress> taken = new LinkedHashMap<>();
            candidates.keySet().forEach(a -> probing.get(a).ifPresent(mac -> taken.put(a, mac)));
            return taken;
        } finally {
            candidates.keySet().forEach(probing::remove);
        }
    }

    /** Starts defending the addresses and announces them (in the background: ANNOUNCE_NUM x ANNOUNCE_INTERVAL). */
    void hold(Map<Inet4Address, MacAddress> addresses) {
        held.putAll(addresses);
        Thread t = new Thread(() -> {
            try {
                for (int i = 0; i < timing.announcements(); i++) {
                    addresses.forEach((a, mac) -> {
                        if (mac.equals(held.get(a))) {
                            send(ArpFrames.announcement(mac, a));
                        }
                    });
                    Thread.sleep(timing.announceInterval().toMillis());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "agent-arp-announce");
        t.setDaemon(true);
        t.start();
    }

    /** Stops defending the addresses (RFC 5227 has no release message: the agent just stops answering for them). */
    void release(Collection<Inet4Address> addresses) {
        addresses.forEach(a -> {
            held.remove(a);
            lastDefence.remove(a);
        });
    }

    List<Inet4Address> held() {
        return List.copyOf(held.keySet());
    }

    long conflictsSeen() {
        return conflictsSeen.get();
    }

    private void send(byte[] frame) {
        try {
            injector.send(frame);
        } catch (IOException e) {
            log.accept("ARP guard: cannot send: " + e.getMessage());
        }
    }

    @Override
    public void close() {
        open = false;
        held.clear();
        try {
            reader.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        tap.close();
    }
}

package io.quirklab.host;

import io.quirklab.process.Await;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one way an offload setting is changed, the same on every OS: read the value, write the original to the restore
 * journal (on disk) before anything changes, switch, wait (bounded) until link and addresses are back, read back, and
 * record what else moved (RSS, LSO, ...).
 */
final class OffloadProcedure {
    private OffloadProcedure() {
    }

    /** Switches receive UDP/IPv4 checksum offload on or off, journaled. */
    static OffloadChange set(RxSwitch sw, String iface, boolean on, OffloadJournal journal) throws IOException {
        String current = sw.read(iface);
        String target = sw.target(current, on);
        if (current.equals(target)) {
            Map<String, String> now = sideEffects(sw, iface);
            return new OffloadChange(iface, OffloadKeys.RX_UDP4_CHECKSUM, current, target, current, false, true, 0, true, false,
                    sw.mechanism(iface, target), now, now, null);
        }
        OffloadJournal.Recorded rec = journal.recordOriginal(iface, OffloadKeys.RX_UDP4_CHECKSUM, current, sw.mechanism(iface, target));
        try {
            return change(sw, iface, current, target);
        } catch (IOException | RuntimeException e) {
            if (rec.created() && current.equals(readQuietly(sw, iface))) {
                journal.forget(rec.entry()); // nothing changed, nothing to restore
            }
            throw e;
        }
    }

    /** Puts a recorded original value back (the journal's restore path). */
    static OffloadChange restore(RxSwitch sw, String iface, String original) throws IOException {
        String current = sw.read(iface);
        if (current.equals(original)) {
            Map<String, String> now = sideEffects(sw, iface);
            return new OffloadChange(iface, OffloadKeys.RX_UDP4_CHECKSUM, current, original, current, false, true, 0, true, false,
                    sw.mechanism(iface, original), now, now, null);
        }
        return change(sw, iface, current, original);
    }

    private static OffloadChange change(RxSwitch sw, String iface, String current, String target) throws IOException {
        Map<String, String> before = sideEffects(sw, iface);
        LinkState linkBefore = sw.link(iface);
        long t0 = System.nanoTime();
        sw.write(iface, target);
        boolean[] wentDown = {false};
        Await.Outcome<LinkState> link = Await.poll("the link of " + iface + " after the switch", sw.linkTimeout(), sw.pollInterval(),
                () -> {
                    LinkState now = sw.link(iface);
                    wentDown[0] |= linkBefore.up() && !now.up();
                    return now;
                }, now -> now.restores(linkBefore));
        boolean back = link.reached();
        long waited = Duration.ofNanos(System.nanoTime() - t0).toMillis();
        String now = sw.read(iface);
        Map<String, String> after = sideEffects(sw, iface);
        String note = back ? null : "link/addresses were " + linkBefore + " before and are " + sw.link(iface) + " after "
                + sw.linkTimeout().toSeconds() + " s";
        return new OffloadChange(iface, OffloadKeys.RX_UDP4_CHECKSUM, current, target, now, true, now.equals(target), waited, back,
                wentDown[0], sw.mechanism(iface, target), before, after, note);
    }

    private static String readQuietly(RxSwitch sw, String iface) {
        try {
            return sw.read(iface);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The side-effect settings this interface has (empty when the offloads cannot be read). */
    private static Map<String, String> sideEffects(RxSwitch sw, String iface) {
        Map<String, String> all;
        try {
            all = sw.offloads(iface);
        } catch (IOException | RuntimeException e) {
            return Map.of();
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (String k : OffloadKeys.SIDE_EFFECTS) {
            if (all.containsKey(k)) {
                out.put(k, all.get(k));
            }
        }
        return out;
    }
}

package io.quirklab.engine;

import io.quirklab.lab.FaultModel;
import io.quirklab.lab.LabState;
import io.quirklab.matrix.OffloadState;
import io.quirklab.observe.DutObservers;
import io.quirklab.wire.QuirkField;
import io.quirklab.wire.QuirkProfile;
import java.util.Optional;

/**
 * The one rule for ending a cell before its client does (verdicts at the speed of the evidence). A probe ends its
 * client the moment every reply of its flow that reached the DUT interface has been dropped in the stack, each drop
 * seen for that flow ({@link DutObservers.Window#awaitDropped}), when all of these hold:
 * <ol>
 *   <li>the run's evidence is per flow: every drop is seen with its packet (kfree_skb, a PktMon stream);</li>
 *   <li>the cell is probed once: repeats are asked for to see what varies;</li>
 *   <li>the persona cannot deliver later: its replies are neither delayed nor duplicated;</li>
 *   <li>what drops a reply drops the next one too: offload off (no fault but the persona's own quirks), or an emulated
 *       fault model that matches what a persona puts in every reply ({@link FaultModel#sameFateForEveryReply}); not one that depends on each
 *       reply's IP ID or checksum (id-echo, csum-ffff), a custom expression (it may draw random numbers) or a real
 *       NIC's offload (its faults may come and go).</li>
 * </ol>
 * A reply the stack holds for a reassembly that cannot happen (a lone fragment) counts as dropped for a persona whose
 * every reply is one ({@link #lonePieces}): no drop is seen until the stack's reassembly timeout, but the capture shows
 * the piece and, once the pieces sent with it have had time to arrive, that none came.
 * Otherwise the cell waits for its client as before. Either way the verdict comes from the evidence alone: an ended
 * client's outcome is the timeout it was bound to reach, and its message says the harness ended it ({@link #ENDED}).
 */
public final class EarlyVerdict {
    /** What an ended client's outcome says. */
    public static final String ENDED = "ended by the harness after the evidence decided";

    private EarlyVerdict() {
    }

    /**
     * Why the cell must wait for its client, or empty when it may end at the evidence.
     *
     * @param enabled   the run's setting (off: every cell waits, as before evidence-time verdicts)
     * @param perFlow   the run's drops are seen per packet with their flow
     * @param attempts  attempts per cell
     * @param persona   the persona (its reply-shaping quirks)
     * @param offload   the cell's offload state
     * @param fault     the lab's emulated fault model, or empty where offload=on is a real NIC setting
     */
    public static Optional<String> mustWait(boolean enabled, boolean perFlow, int attempts, LabState.PersonaInfo persona,
                                            OffloadState offload, Optional<FaultModel> fault) {
        if (!enabled) {
            return Optional.of("the run waits for every client (--full-wait)");
        }
        if (!perFlow) {
            return Optional.of("drops are not seen per flow");
        }
        if (attempts > 1) {
            return Optional.of("repeats were asked for");
        }
        QuirkProfile q = persona.profile();
        if (q.effective(QuirkField.DELAY_MILLIS) > 0) {
            return Optional.of("its replies come late");
        }
        if (q.effective(QuirkField.DUPLICATE)) {
            return Optional.of("its replies come twice");
        }
        if (offload.on()) {
            if (fault.isEmpty()) {
                return Optional.of("a real NIC's offload may drop one reply and pass the next");
            }
            if (!fault.get().sameFateForEveryReply()) {
                return Optional.of("fault model " + fault.get().name() + " may drop one reply and pass the next");
            }
        }
        return Optional.empty();
    }

    /**
     * Whether every reply of the persona is a lone IPv4 fragment (MF set, or a non-zero offset, and not a reply split
     * into pieces that complete each other): the stack holds such replies for a reassembly that cannot happen, which is
     * as decided as a drop once the capture shows them ({@link io.quirklab.observe.HeldFragments}).
     */
    static boolean lonePieces(QuirkProfile q) {
        return q.effective(QuirkField.FRAGMENT) != QuirkProfile.Fragment.NONE && q.effective(QuirkField.SPLIT) == QuirkProfile.Split.NONE;
    }

    /** The words an ended client's outcome carries. */
    static String words(DutObservers.Dropped d) {
        String replies = d.replies() == 1 ? "its one reply on the DUT wire was" : "all " + d.replies() + " replies on the DUT wire were";
        if (d.held()) {
            return ENDED + ": " + replies + " held in the stack as fragments of datagrams whose other pieces never came ("
                    + d.source() + ")";
        }
        return ENDED + ": " + replies + " dropped in the stack (" + d.source() + " " + d.reason() + ")";
    }
}

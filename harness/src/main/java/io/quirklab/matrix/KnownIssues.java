package io.quirklab.matrix;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Cells whose deviation from {@code expected} is already understood, so a regression run stays green until something
 * changes. An entry names the cell (each of persona, client and offload may be {@code *}), the verdict the cell is
 * known to get and, optionally, the reason; a cell with another verdict or reason is not covered.
 *
 * <pre>
 * known-issues:
 *   - persona: smdc-tyan
 *     client: "*"
 *     offload: "on"
 *     verdict: DROPPED_IN_STACK
 *     reason: UDP_CSUM                 # optional
 *     why: "the emulated df-clear offload fault drops DF-clear replies: the seed"
 *   - persona: short-head
 *     fault: igb-short-frame           # optional: only under this one of several fault models
 *     verdict: DROPPED_IN_STACK
 * </pre>
 *
 * @param entries the entries, in file order (the first match wins)
 */
public record KnownIssues(List<Entry> entries) {
    public static final KnownIssues NONE = new KnownIssues(List.of());

    /**
     * One known deviation.
     *
     * @param persona persona name or {@code *}
     * @param client  client id or {@code *}
     * @param offload offload state, or empty for any
     * @param verdict the verdict the cell is known to get
     * @param reason  the reason it is known to get, or null for any
     * @param why     one sentence for the report
     * @param fault   the fault model (of several) the cell must be under, or {@code *} for any
     */
    public record Entry(String persona, String client, Optional<OffloadState> offload, Verdict verdict, Reason reason, String why,
                        String fault) {
        public Entry {
            Objects.requireNonNull(verdict, "verdict");
            persona = persona == null ? "*" : persona;
            client = client == null ? "*" : client;
            offload = offload == null ? Optional.empty() : offload;
            why = why == null || why.isBlank() ? "listed as a known issue" : why;
            fault = fault == null ? "*" : fault;
        }

        /** An entry for any fault model. */
        public Entry(String persona, String client, Optional<OffloadState> offload, Verdict verdict, Reason reason, String why) {
            this(persona, client, offload, verdict, reason, why, null);
        }

        public boolean covers(MatrixDocument.Cell c) {
            return matches(persona, c.persona()) && matches(client, c.client()) && offload.map(o -> o == c.offload()).orElse(true)
                    && (fault.equals("*") || fault.equals(c.fault())) && verdict == c.verdict()
                    && (reason == null || reason.equals(c.reason()));
        }

        private static boolean matches(String pattern, String value) {
            return pattern.equals("*") || pattern.equals(value);
        }
    }

    public KnownIssues {
        entries = List.copyOf(entries);
    }

    /** The entry that covers this cell's deviation; empty when the cell meets its expectation or is not listed. */
    public Optional<Entry> covering(MatrixDocument.Cell c) {
        if (!c.finding()) {
            return Optional.empty();
        }
        return entries.stream().filter(e -> e.covers(c)).findFirst();
    }
}

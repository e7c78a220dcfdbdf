package io.quirklab.observe;

import io.quirklab.process.CommandRunner;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Collects observation point (3) around one probe: {@link #begin} snapshots the kernel counters and the NIC's
 * counters and starts the drop-reason trace, {@link #end} snapshots again and reports what changed. Never throws: a
 * source that cannot be read is listed as unavailable with the reason, and the verdict works with what is left.
 */
public final class OsEvidence implements EvidenceSession {
    private final CommandRunner runner;
    private final String dutIface;
    private final SnmpCounters snmpBefore;
    private final String snmpProblem;
    private final EthtoolStats nicBefore;
    private final DropReasonTrace trace;
    private final String traceProblem;
    /** What the trace could not clean up, said in the kfree_skb source of the report. */
    private final List<String> traceLeftovers;
    private OsReport report;

    private OsEvidence(CommandRunner runner, String dutIface, SnmpCounters snmpBefore, String snmpProblem, EthtoolStats nicBefore,
                       DropReasonTrace trace, String traceProblem, List<String> traceLeftovers) {
        this.runner = runner;
        this.dutIface = dutIface;
        this.snmpBefore = snmpBefore;
        this.snmpProblem = snmpProblem;
        this.nicBefore = nicBefore;
        this.trace = trace;
        this.traceProblem = traceProblem;
        this.traceLeftovers = traceLeftovers;
    }

    /** Takes the "before" snapshots of the DUT interface {@code dutIface} and starts tracing drop reasons. */
    public static OsEvidence begin(CommandRunner runner, String dutIface) {
        SnmpCounters snmp = null;
        String snmpProblem = null;
        try {
            snmp = SnmpCounters.read();
        } catch (IOException | RuntimeException e) {
            snmpProblem = "cannot read " + SnmpCounters.PROC_NET_SNMP + ": " + e.getMessage();
        }
        EthtoolStats nic = EthtoolStats.read(runner, dutIface);
        DropReasonTrace trace = null;
        String traceProblem = DropReasonTrace.unavailable().orElse(null);
        List<String> leftovers = Collections.synchronizedList(new ArrayList<>());
        if (traceProblem == null) {
            try {
                trace = DropReasonTrace.start(leftovers::add);
            } catch (IOException | RuntimeException e) {
                traceProblem = "kfree_skb drop reasons unavailable: " + e.getMessage() + String.join("", leftovers.stream().map(l -> "; " + l).toList());
            }
        }
        return new OsEvidence(runner, dutIface, snmp, snmpProblem, nic, trace, traceProblem, leftovers);
    }

    /** Takes the "after" snapshots, stops the trace, and reports the changes (idempotent). */
    @Override
    public synchronized OsReport end() {
        if (report != null) {
            return report;
        }
        List<OsReport.Source> sources = new ArrayList<>();
        Map<String, Long> counters = Map.of();
        if (snmpBefore == null) {
            sources.add(new OsReport.Source(OsReport.SNMP, false, snmpProblem));
        } else {
            try {
                counters = SnmpCounters.read().deltaSince(snmpBefore);
                sources.add(new OsReport.Source(OsReport.SNMP, true, SnmpCounters.PROC_NET_SNMP.toString()));
            } catch (IOException | RuntimeException e) {
                sources.add(new OsReport.Source(OsReport.SNMP, false, "cannot read " + SnmpCounters.PROC_NET_SNMP + ": " + e.getMessage()));
            }
        }
        Map<String, Long> nic = Map.of();
        EthtoolStats nicAfter = nicBefore.available() ? EthtoolStats.read(runner, dutIface) : nicBefore;
        if (nicAfter.available()) {
            nic = nicAfter.deltaSince(nicBefore);
            sources.add(new OsReport.Source(OsReport.ETHTOOL, true, "ethtool -S " + dutIface
                    + ": rx checksum-error counters: " + nicAfter.describeChecksumCounters()));
        } else {
            sources.add(new OsReport.Source(OsReport.ETHTOOL, false, nicAfter.unavailable()));
        }
        Map<String, Long> reasons = Map.of();
        if (trace == null) {
            sources.add(new OsReport.Source(OsReport.KFREE_SKB, false, traceProblem));
        } else {
            try {
                reasons = trace.stop();
                sources.add(new OsReport.Source(OsReport.KFREE_SKB, true, "tracefs filter: " + trace.filter()
                        + String.join("", traceLeftovers.stream().map(l -> "; " + l).toList())));
            } catch (IOException | RuntimeException e) {
                sources.add(new OsReport.Source(OsReport.KFREE_SKB, false, "kfree_skb trace could not be read: " + e.getMessage()));
            }
        }
        report = new OsReport(counters, nic, reasons, sources);
        return report;
    }

    /** Removes the trace instance when {@link #end} was never called. */
    @Override
    public void close() {
        if (trace != null) {
            trace.close();
        }
    }
}

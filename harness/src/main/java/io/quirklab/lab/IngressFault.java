package io.quirklab.lab;

import io.quirklab.process.CommandRunner;
import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * The emulated fault model ({@link FaultModel}) on any Linux DUT interface: an nftables netdev ingress table of its
 * own per interface ({@code qlab_fault_IF}), written to the restore journal before it is made, so a lab whose machine
 * under test is Linux (an agent lab, a second-nic lab) reproduces the seed the way the virtual lab does.
 */
public final class IngressFault {
    static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(20);

    private final String device;
    private final String table;
    private final RestoreJournal journal;
    private final CommandRunner runner;
    private boolean journaled;

    /**
     * @param journal where the table is written down before it is made, or null for a table in a guest, which goes with it
     * @param runner  runs nft where the interface is (this host, or a guest)
     */
    public IngressFault(String device, RestoreJournal journal, CommandRunner runner) {
        if (!device.matches("[A-Za-z0-9._-]{1,15}")) {
            throw new IllegalArgumentException("'" + device + "' is not a Linux interface name");
        }
        this.device = device;
        this.table = tableFor(device);
        this.journal = journal;
        this.runner = runner;
    }

    /** The table name for one interface (nft names: letters, digits, underscore). */
    public static String tableFor(String device) {
        return FaultModel.TABLE + "_" + device.replaceAll("[^A-Za-z0-9]", "_");
    }

    public String table() {
        return table;
    }

    /** Installs {@code model} on the interface, replacing what was there; null removes it. */
    public synchronized void apply(FaultModel model) throws IOException {
        if (runner.run(COMMAND_TIMEOUT, List.of("nft", "list", "table", FaultModel.FAMILY, table)).ok()) {
            CommandRunner.Result del = runner.run(COMMAND_TIMEOUT, List.of("nft", "delete", "table", FaultModel.FAMILY, table));
            if (!del.ok()) {
                throw new IOException(del.commandLine() + " failed: " + del.firstLine());
            }
        }
        if (model == null) {
            return;
        }
        String rules = model.ruleset(device, table);
        CommandRunner.Result check = runner.run(COMMAND_TIMEOUT, List.of("nft", "-c", "-f", "-"), rules.getBytes());
        if (!check.ok()) {
            throw new IOException("nftables rejects fault model " + model.name() + " on " + device + ": " + check.firstLine());
        }
        if (!journaled && journal != null) {
            journal.record(new JournalEntry.NftTable(FaultModel.FAMILY, table));
            journaled = true;
        }
        CommandRunner.Result apply = runner.run(COMMAND_TIMEOUT, List.of("nft", "-f", "-"), rules.getBytes());
        if (!apply.ok()) {
            throw new IOException("nft -f failed for fault model " + model.name() + " on " + device + ": " + apply.firstLine());
        }
    }
}

package io.quirklab.client;

import io.quirklab.process.Cancellation;
import io.quirklab.process.CommandRunner;
import java.nio.file.Path;
import java.util.Optional;

/** A real tool (ipmitool, ipmiutil, FreeIPMI) as a matrix client, run through the one command runner. */
final class ToolIpmiClient implements IpmiClient {
    private final ClientKind kind;
    private final Path binary;
    private final CommandRunner runner;

    /**
     * @param binary the tool's binary from the lab file's client-paths, or null for the PATH
     */
    ToolIpmiClient(ClientKind kind, Path binary, CommandRunner runner) {
        this.kind = kind;
        this.binary = binary;
        this.runner = runner;
    }

    @Override
    public ClientKind kind() {
        return kind;
    }

    @Override
    public Optional<String> unavailable() {
        ToolClient tool = kind.tool();
        if (tool.available(binary)) {
            return Optional.empty();
        }
        return Optional.of(binary != null ? binary + " is not an executable file (client-paths of the lab file)" : tool.installHint());
    }

    @Override
    public ClientOutcome deviceId(String host, int port, String user, String password) {
        return deviceId(host, port, user, password, Cancellation.never());
    }

    @Override
    public ClientOutcome deviceId(String host, int port, String user, String password, Cancellation end) {
        Optional<String> why = unavailable();
        if (why.isPresent()) {
            return ClientOutcome.unavailable(why.get());
        }
        ToolClient tool = kind.tool();
        CommandRunner.Result r = runner.run(end, tool.cellBudget(),
                tool.command(ToolClient.Operation.MC_INFO, ToolClient.Target.of(host, port, user, password), binary));
        CallOutcome<String> o = ToolClient.outcome(r);
        return new ClientOutcome(o.failure(), o.message(), r.exitCode(), 0, 0, false, (r.stdout() + r.stderr()).strip(),
                r.elapsed().toNanos() / 1000);
    }
}

package io.quirklab.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.quirklab.process.CommandRunner;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** How a finished tool run is read: outputs as the real tools print them (recorded on this project's lab). */
class ToolClientOutcomeTest {
    private static CommandRunner.Result result(int exit, String stdout, String stderr) {
        return new CommandRunner.Result("tool", exit, stdout, stderr, false, Duration.ofSeconds(1));
    }

    @Test
    void ipmiutilPrintsItsBannerFirstAndTheTimeoutLast() {
        // ipmiutil 3.18 against a persona whose replies the stack drops (exit 253)
        CallOutcome<String> o = ToolClient.outcome(result(253, "ipmiutil health ver 3.18\n",
                "ipmilan_open_session error, rv = -3\nipmilan receive from BMC failed\nipmiutil health, receive from BMC failed\n"));
        assertThat(o.failure()).isEqualTo(Failure.TIMEOUT);
        assertThat(o.message()).contains("ipmilan_open_session error").doesNotContain("ver 3.18");
    }

    @Test
    void ipmitoolSessionFailureIsATimeoutAndAPasswordErrorIsAuth() {
        assertThat(ToolClient.outcome(result(1, "", "Error: Unable to establish IPMI v1.5 / RMCP session\n")).failure())
                .isEqualTo(Failure.TIMEOUT);
        assertThat(ToolClient.outcome(result(1, "", "Error: Unable to establish IPMI v2 / RMCP+ session\n")).failure())
                .isEqualTo(Failure.TIMEOUT);
        assertThat(ToolClient.outcome(result(1, "", "> Activate Session error:\tInvalid user name\n")).failure())
                .isEqualTo(Failure.AUTH_FAILED);
    }

    @Test
    void otherErrorsAreProtocolErrorsAndSuccessIsNotAFailure() {
        CallOutcome<String> bad = ToolClient.outcome(result(1, "", "Get Device ID command failed: 0xc1 Invalid command\n"));
        assertThat(bad.failure()).isEqualTo(Failure.PROTOCOL_ERROR);
        assertThat(ToolClient.outcome(result(0, "Device ID : 32\n", "")).ok()).isTrue();
    }

    @Test
    void aReplyTheToolRefusedBeforeGivingUpIsAProtocolErrorNotATimeout() {
        // ipmitool 1.8.19 against duplicate-replies: the duplicate answer is taken for the next request's
        CallOutcome<String> o = ToolClient.outcome(result(1, "", "Authentication type NONE not supported\n"
                + "Error: Unable to establish LAN session\nError: Unable to establish IPMI v1.5 / RMCP session\n"));
        assertThat(o.failure()).isEqualTo(Failure.PROTOCOL_ERROR);
        assertThat(o.message()).contains("Authentication type NONE not supported");
        // ipmitool against a persona whose replies never arrive: only the generic lines
        assertThat(ToolClient.outcome(result(1, "", "Error: Unable to establish LAN session\n"
                + "Error: Unable to establish IPMI v1.5 / RMCP session\n")).failure()).isEqualTo(Failure.TIMEOUT);
    }

    @Test
    void aToolStoppedAtItsCellBudgetTimedOut() {
        CallOutcome<String> o = ToolClient.outcome(new CommandRunner.Result("ipmiutil health", -1, "ipmiutil health ver 3.18\n", "",
                true, Duration.ofSeconds(6)));
        assertThat(o.failure()).isEqualTo(Failure.TIMEOUT);
        assertThat(o.message()).contains("no answer within 6 s: stopped by the harness");
        assertThat(ToolClient.IPMIUTIL.cellBudget()).isLessThan(ToolClient.IPMITOOL_LAN.cellBudget());
    }

    @Test
    void aLabFilesBinaryReplacesTheProgramAndFreeIpmiFindsItsSibling() {
        ToolClient.Target t = ToolClient.Target.of("198.18.0.10", 623, "admin", "secret");
        java.nio.file.Path bmcInfo = java.nio.file.Path.of("/opt/freeipmi/sbin/bmc-info");
        assertThat(ToolClient.FREEIPMI.command(ToolClient.Operation.MC_INFO, t, bmcInfo).get(0)).isEqualTo("/opt/freeipmi/sbin/bmc-info");
        assertThat(ToolClient.FREEIPMI.command(ToolClient.Operation.CHASSIS_STATUS, t, bmcInfo).get(0))
                .isEqualTo("/opt/freeipmi/sbin/ipmi-chassis");
        java.util.List<String> c = ToolClient.IPMIUTIL.command(ToolClient.Operation.MC_INFO, t, java.nio.file.Path.of("/x/ipmiutil.exe"));
        assertThat(c.get(0)).isEqualTo("/x/ipmiutil.exe");
        assertThat(c.subList(1, 3)).containsExactly("cmd", "-N"); // ipmiutil wants -N right after the subcommand
        assertThat(ToolClient.IPMITOOL_LAN.command(ToolClient.Operation.MC_INFO, t, null).get(0)).isEqualTo("ipmitool");
        assertThat(ToolClient.IPMITOOL_LAN.available(java.nio.file.Path.of("/nonexistent/ipmitool"))).isFalse();
    }
}

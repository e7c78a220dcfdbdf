package io.quirklab.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** quirklab agent's command line: one clear line for a wrong control address, never a stack trace. */
class AgentCommandTest {
    @Test
    void theControlAddressIsOneAddressAndAPort() {
        assertThat(AgentCommand.parseControl("198.18.7.2:8623").getPort()).isEqualTo(8623);
        assertThat(AgentCommand.parseControl("198.18.7.2:8623").getAddress().getHostAddress()).isEqualTo("198.18.7.2");
        assertThatThrownBy(() -> AgentCommand.parseControl("0.0.0.0:8623")).hasMessageContaining("not the wildcard");
        assertThatThrownBy(() -> AgentCommand.parseControl("agent.lab:8623")).hasMessageContaining("not a name");
        assertThatThrownBy(() -> AgentCommand.parseControl("198.18.7.2:99999")).hasMessageContaining("'99999' is not 1..65535");
        assertThatThrownBy(() -> AgentCommand.parseControl("198.18.7.2")).hasMessageContaining("expected ADDR:PORT");
    }

    @Test
    void badOptionsAreOneLine() {
        StringWriter err = new StringWriter();
        var cl = QuirklabCommand.commandLine();
        cl.setErr(new PrintWriter(err, true));
        cl.setOut(new PrintWriter(new StringWriter(), true));
        int rc = cl.execute("agent", "--iface", "lo", "--control", "0.0.0.0:8623");
        assertThat(rc).isNotZero();
        assertThat(err.toString()).contains("not the wildcard").doesNotContain("\tat ");
        StringWriter err2 = new StringWriter();
        cl.setErr(new PrintWriter(err2, true));
        assertThat(cl.execute("agent", "--iface", "lo", "--control", "127.0.0.1:8623", "--arp-timing", "slow")).isNotZero();
        assertThat(err2.toString()).contains("--arp-timing 'slow' (rfc5227, fast)");
    }
}

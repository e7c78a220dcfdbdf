package io.quirklab.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DropReasonTraceTest {
    /** The reason list of kernel 6.x's skb/kfree_skb/format, shortened. */
    static final String FORMAT_6 = """
            name: kfree_skb
            ID: 1521
            format:
            \tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;
            \tfield:void * skbaddr;\toffset:8;\tsize:8;\tsigned:0;
            \tfield:unsigned short protocol;\toffset:32;\tsize:2;\tsigned:0;
            \tfield:enum skb_drop_reason reason;\toffset:36;\tsize:4;\tsigned:0;

            print fmt: "skbaddr=%p rx_sk=%p protocol=%u location=%pS reason: %s", REC->skbaddr, REC->rx_sk, REC->protocol, \
            REC->location, __print_symbolic(REC->reason, { 1, "CONSUMED" }, { 2, "NOT_SPECIFIED" }, { 3, "NO_SOCKET" }, \
            { 5, "PKT_TOO_SMALL" }, { 8, "UDP_CSUM" })
            """;

    @Test
    void countsReasonsAndLeavesOutNotSpecified() {
        List<String> trace = List.of(
                "# tracer: nop",
                "#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION",
                "          <idle>-0       [001] ..s1.  5123.001: kfree_skb: skbaddr=00000000a1b2 rx_sk=0000000000000000 "
                        + "protocol=2048 location=__udp4_lib_rcv+0x7c1/0xd30 reason: UDP_CSUM",
                "          <idle>-0       [001] ..s1.  5123.002: kfree_skb: skbaddr=00000000a1b3 rx_sk=0000000000000000 "
                        + "protocol=2048 location=__udp4_lib_rcv+0x7c1/0xd30 reason: UDP_CSUM",
                "            java-4242    [000] ..s1.  5123.003: kfree_skb: skbaddr=00000000a1b4 protocol=2048 "
                        + "location=0xffffffff81a0 reason: NOT_SPECIFIED",
                "  ksoftirqd/0-14    [000] ..s.   5123.004: kfree_skb: skbaddr=00000000a1b5 protocol=2048 location=ip_rcv_core+0x1 reason: IP_CSUM",
                "CPU:1 [LOST 3 EVENTS]",
                "  something else: reason: FAKE");
        assertThat(DropReasonTrace.parseTrace(trace)).isEqualTo(Map.of("UDP_CSUM", 2L, "IP_CSUM", 1L));
        assertThat(DropReasonTrace.parseTrace(List.of())).isEmpty();
    }

    @Test
    void findsTheValueOfNotSpecifiedInTheEventFormat() {
        assertThat(DropReasonTrace.notSpecifiedValue(FORMAT_6)).isEqualTo(OptionalInt.of(2));
        assertThat(DropReasonTrace.notSpecifiedValue("__print_symbolic(REC->reason, { 0, \"NOT_SPECIFIED\" }, { 1, \"NO_SOCKET\" })"))
                .isEqualTo(OptionalInt.of(0));
        assertThat(DropReasonTrace.notSpecifiedValue("{ SKB_DROP_REASON_NOT_SPECIFIED, \"NOT_SPECIFIED\" }")).isEmpty();
        assertThat(DropReasonTrace.notSpecifiedValue("print fmt: \"skbaddr=%p protocol=%u location=%p\"")).isEmpty();
    }

    /** Looked for where tracefs is not (whether or not this host has it mounted, which a lab run may change meanwhile). */
    @Test
    void withoutTracefsItSaysSoInASentence(@TempDir Path dir) {
        List<Path> roots = List.of(dir.resolve("sys/kernel/tracing"), dir.resolve("sys/kernel/debug/tracing"));
        assertThat(DropReasonTrace.unavailable(roots).orElseThrow()).startsWith("kfree_skb drop reasons unavailable: tracefs is not mounted")
                .contains(dir.resolve("sys/kernel/tracing/events/skb/kfree_skb").toString());
        assertThatThrownBy(() -> DropReasonTrace.start(roots, l -> { })).isInstanceOf(IOException.class).hasMessageContaining("tracefs is not mounted");
    }

    @Test
    void aFailedStartLeavesNoInstanceBehind(@TempDir Path root) throws IOException {
        Files.createDirectories(root.resolve("instances"));
        Files.createDirectories(root.resolve(DropReasonTrace.EVENT)); // the instance itself gets no events: start fails
        List<String> problems = new ArrayList<>();
        assertThatThrownBy(() -> DropReasonTrace.start(root, "quirklab-test", problems::add)).isInstanceOf(IOException.class);
        assertThat(root.resolve("instances/quirklab-test")).doesNotExist();
        try (var left = Files.list(root.resolve("instances"))) {
            assertThat(left).isEmpty();
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void anInstanceThatCannotBeRemovedIsALineForTheFrontEndNotAConsoleWrite(@TempDir Path root) throws IOException {
        Path instance = Files.createDirectories(root.resolve("instances/quirklab-test"));
        Files.writeString(instance.resolve("trace"), ""); // an ordinary directory keeps its files; tracefs would not
        assertThat(DropReasonTrace.deleteQuietly(instance)).hasValueSatisfying(l -> assertThat(l)
                .startsWith("could not remove trace instance " + instance + ": ").endsWith("(rmdir it by hand)"));
        Files.delete(instance.resolve("trace"));
        assertThat(DropReasonTrace.deleteQuietly(instance)).isEmpty();
        assertThat(instance).doesNotExist();
    }
}

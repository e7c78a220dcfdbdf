package io.quirklab.responder;

import static org.assertj.core.api.Assertions.assertThat;

import io.quirklab.wire.PcapFile;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResponderJournalTest {
    @Test
    void boundedByEntriesAndBytesOldestFirst() {
        ResponderJournal j = new ResponderJournal(3, 1000);
        for (int i = 0; i < 5; i++) {
            j.add(i, "p", ResponderJournal.Direction.IN, ResponderJournal.Kind.RMCP, "198.18.0.1:40000", null, new byte[10], "#" + i);
        }
        assertThat(j.size()).isEqualTo(3);
        assertThat(j.evicted()).isEqualTo(2);
        assertThat(j.window(0, 10, null)).extracting(ResponderJournal.Entry::summary).containsExactly("#2", "#3", "#4");
        ResponderJournal small = new ResponderJournal(100, 25);
        small.add(1, "p", ResponderJournal.Direction.IN, ResponderJournal.Kind.RMCP, "198.18.0.1:40000", null, new byte[10], "a");
        small.add(2, "p", ResponderJournal.Direction.OUT, ResponderJournal.Kind.RMCP, "198.18.0.1:40000", null, new byte[10], "b");
        small.add(3, "p", ResponderJournal.Direction.OUT, ResponderJournal.Kind.RMCP, "198.18.0.1:40000", null, new byte[10], "c");
        assertThat(small.size()).isEqualTo(2);
    }

    @Test
    void windowsFilterByTimeAndPersonaAndExportAsPcap(@TempDir Path dir) throws Exception {
        ResponderJournal j = new ResponderJournal(100, 1 << 20);
        j.add(1_000, "a", ResponderJournal.Direction.IN, ResponderJournal.Kind.RMCP, "198.18.0.1:40000", null, new byte[] {1}, "");
        j.add(2_000, "b", ResponderJournal.Direction.IN, ResponderJournal.Kind.RMCP, "198.18.0.1:40000", null, new byte[] {2}, "");
        j.add(3_000, "a", ResponderJournal.Direction.OUT, ResponderJournal.Kind.RMCP, "198.18.0.1:40000", null, new byte[] {3, 3}, "");
        List<ResponderJournal.Entry> a = j.window(1_500, 3_000, "a");
        assertThat(a).hasSize(1);
        Path pcap = dir.resolve("w.pcap");
        ResponderJournal.writePcap(pcap, j.window(0, 5_000, null));
        List<PcapFile.Record> back = PcapFile.read(pcap);
        assertThat(back).extracting(PcapFile.Record::timestampMicros).containsExactly(1_000L, 2_000L, 3_000L);
        assertThat(back.get(2).data()).containsExactly(3, 3);
    }
}

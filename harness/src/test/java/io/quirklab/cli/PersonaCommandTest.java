package io.quirklab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quirklab.responder.PersonaCatalogue;
import io.quirklab.testing.SpecialFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PersonaCommandTest {
    private static Path capture(String name) throws Exception {
        return Path.of(PersonaCommandTest.class.getResource("/io/quirklab/responder/captures/" + name).toURI());
    }

    @Test
    void fromPcapWritesAPersonaTheCatalogueReads(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("z.yaml");
        try (Console c = new Console()) {
            assertEquals(0, c.run("persona", "from-pcap", capture("z_fi_w.pcap").toString(), "--name", "research-bmc", "--out", out.toString()),
                    c.err());
            assertTrue(c.out().startsWith("persona research-bmc: "), c.out());
        }
        PersonaCatalogue cat = PersonaCatalogue.load(out, PersonaCatalogue.address(PersonaCatalogue.DEFAULT_BASE));
        assertTrue(cat.get("research-bmc").bmc().quirks().contains(io.quirklab.bmc.FirmwareQuirk.SESSION_ID_ZERO));
        assertTrue(Files.readString(out).contains("# not told by the capture"));
    }

    @Test
    void badInputIsOneLine(@TempDir Path dir) throws Exception {
        try (Console c = new Console()) {
            assertNotEquals(0, c.run("persona", "from-pcap", dir.resolve("missing.pcap").toString()));
            assertTrue(c.err().contains("missing.pcap: no such capture"), c.err());
            assertFalse(c.err().contains("\tat "), "no stack trace");
            c.reset();
            // what is there, but no file, is named for what it is (it was "no such capture")
            assertEquals(2, c.run("persona", "from-pcap", "/dev/null"));
            assertEquals("quirklab: /dev/null: is a character device, not a capture\n", c.err());
            c.reset();
            Path fifo = SpecialFiles.fifo(dir, "capture.pcap");
            assertEquals(2, c.run("persona", "from-pcap", fifo.toString()));
            assertEquals("quirklab: " + fifo + ": is a named pipe (FIFO), not a capture\n", c.err());
            c.reset();
            assertEquals(2, c.run("persona", "from-pcap", dir.toString()));
            assertEquals("quirklab: " + dir + ": is a directory, not a capture\n", c.err());
            c.reset();
            assertNotEquals(0, c.run("persona", "from-pcap", capture("z_fi_w.pcap").toString(), "--name", "Bad Name"));
            assertTrue(c.err().contains("--name 'Bad Name' is not a persona name"), c.err());
            c.reset();
            assertNotEquals(0, c.run("persona", "from-pcap", capture("z_fi_w.pcap").toString(), "--bmc", "198.18.9.9"));
            assertTrue(c.err().contains("no UDP replies from 198.18.9.9 in the capture"), c.err());
            c.reset();
            assertNotEquals(0, c.run("bisect", "smdc-tyan", "--repeat", "1"));
            assertTrue(c.err().contains("--repeat 1 is outside 2..200"), c.err());
        }
    }
}

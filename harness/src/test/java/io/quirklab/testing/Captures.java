package io.quirklab.testing;

import io.quirklab.wire.PcapFile;
import io.quirklab.wire.UdpDatagram;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The real client captures, as UDP datagrams. They are test resources of this module
 * ({@code src/test/resources/io/quirklab/testdata/ipmi-captures}, README there), so a clone of the repository alone has
 * them; {@code -Dquirklab.captures=DIR} points the tests at another set.
 */
public final class Captures {
    public static final int IPMI_PORT = 623;

    private Captures() {
    }

    /** Where the captures live on the test classpath. */
    public static final String RESOURCE = "/io/quirklab/testdata/ipmi-captures";

    /** The capture directory: -Dquirklab.captures, else the test resources. */
    public static Optional<Path> directory() {
        String prop = System.getProperty("quirklab.captures");
        if (prop != null && !prop.isBlank()) {
            return Optional.of(Path.of(prop)).filter(Files::isDirectory);
        }
        return TestData.directory(RESOURCE);
    }

    /** The capture directory, or a skip (a failure when captures are required). */
    public static Path require() {
        Optional<Path> d = directory();
        Require.capability(Require.CAPTURES, d.isPresent(), "Test requires the IPMI captures: the test resource " + RESOURCE
                + " (src/test/resources) is missing, or -Dquirklab.captures names no directory");
        return d.get();
    }

    public static List<Path> files() {
        try (Stream<Path> s = Files.list(require())) {
            return s.filter(p -> p.toString().endsWith(".pcap")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every UDP datagram of one capture, in order. */
    public static List<UdpDatagram> datagrams(Path pcap) {
        try {
            List<UdpDatagram> out = new ArrayList<>();
            for (PcapFile.Record r : PcapFile.read(pcap)) {
                UdpDatagram.fromEthernet(r.data()).ifPresent(out::add);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every UDP payload of every capture; the fuzz corpus. */
    public static List<byte[]> allPayloads() {
        List<byte[]> out = new ArrayList<>();
        for (Path f : files()) {
            datagrams(f).forEach(d -> out.add(d.payload()));
        }
        return out;
    }
}

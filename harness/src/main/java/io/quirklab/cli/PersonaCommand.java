package io.quirklab.cli;

import io.quirklab.input.AddressText;
import io.quirklab.input.InputFile;
import io.quirklab.responder.CapturedPersona;
import io.quirklab.responder.PersonaCatalogue;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code quirklab persona}: personas from the outside world. */
@Command(name = "persona", mixinStandardHelpOptions = true, description = "Personas: clone one from a capture.",
        subcommands = PersonaCommand.FromPcap.class)
public final class PersonaCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "missing COMMAND: from-pcap");
    }

    @Command(name = "from-pcap", mixinStandardHelpOptions = true,
            description = {"Write a persona YAML whose quirks reproduce what a real BMC does, from a capture of its replies and",
                    "the requests they answer (tcpdump or Wireshark pcap, Ethernet). What the capture cannot tell is listed, not guessed.",
                    "Example: quirklab persona from-pcap smdc.pcap --bmc 198.18.0.20 --name my-smdc > my-smdc.yaml"})
    static final class FromPcap implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "FILE.pcap", description = "The capture.")
        Path file;

        @Option(names = "--bmc", paramLabel = "ADDR", description = "The BMC's address, IPv4 or IPv6 (default: where the requests to UDP 623 go).")
        String bmc;

        @Option(names = "--name", paramLabel = "N", defaultValue = "captured", description = "The persona's name (default: ${DEFAULT-VALUE}).")
        String name;

        @Option(names = "--out", paramLabel = "FILE", description = "Write the YAML here instead of printing it.")
        Path out;

        @Override
        public Integer call() throws Exception {
            InputFile.requireRegular(file, "capture");
            if (!name.matches("[a-z0-9][a-z0-9-]*")) {
                throw new IllegalArgumentException("--name '" + name + "' is not a persona name (lower-case letters, digits and '-')");
            }
            Optional<InetAddress> address = Optional.empty();
            if (bmc != null) {
                try {
                    address = Optional.of(AddressText.ip(bmc));
                } catch (AddressText.NotAnAddress e) {
                    throw new IllegalArgumentException("--bmc " + e.getMessage());
                }
            }
            CapturedPersona p;
            try {
                p = CapturedPersona.read(file, address); // a record at a time: memory does not grow with the capture
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
            }
            String yaml = p.yaml(name);
            PersonaCatalogue.parse(name + ".yaml", yaml, PersonaCatalogue.address(PersonaCatalogue.DEFAULT_BASE)); // it must read back
            if (out != null) {
                Files.writeString(out, yaml);
                spec.commandLine().getOut().println("persona " + name + ": " + out.toAbsolutePath() + " (" + p.quirks().set().size()
                        + " quirks, " + p.undetermined().size() + " fields not told by the capture)");
            } else {
                spec.commandLine().getOut().print(yaml);
            }
            return 0;
        }
    }
}

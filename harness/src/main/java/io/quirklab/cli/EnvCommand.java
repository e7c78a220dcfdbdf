package io.quirklab.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.quirklab.host.HostAdapter;
import io.quirklab.lab.VirtualLab;
import io.quirklab.matrix.MatrixDocument;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code quirklab env}: the environment fingerprint a matrix run records (changes nothing). */
@Command(name = "env", mixinStandardHelpOptions = true,
        description = {"Print this host's environment fingerprint: OS and build, the DUT interface (model, PCI ids, driver,",
                "firmware, link speed, every offload setting) and the installed IPMI clients. Changes nothing.",
                "Default interface: the virtual lab's " + VirtualLab.DUT_IF + " when it exists, else the default route's."})
public final class EnvCommand implements Callable<Integer> {
    @Option(names = "--iface", paramLabel = "IF", description = "The DUT interface (Windows: the adapter's Name).")
    String iface;

    @Option(names = "--json", description = "Print the environment as matrix.json does (snake_case).")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        HostAdapter host = HostAdapter.detect();
        Optional<String> chosen = Optional.ofNullable(iface).or(() -> defaultInterface(host, Path.of("/sys/class/net")));
        if (chosen.isEmpty()) {
            spec.commandLine().getErr().println("env: no interface given and no default route found: pass --iface IF (" + host.howToListInterfaces() + ")");
            return 2;
        }
        MatrixDocument.Environment env = host.fingerprint(chosen.get());
        if (json) {
            spec.commandLine().getOut().println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(env));
        } else {
            print(spec.commandLine().getOut(), env);
        }
        return 0;
    }

    /** The virtual lab's DUT end when it exists (Linux), else the interface of the default route. */
    static Optional<String> defaultInterface(HostAdapter host, Path sysClassNet) {
        if (HostAdapter.LINUX.equals(host.family()) && Files.exists(sysClassNet.resolve(VirtualLab.DUT_IF))) {
            return Optional.of(VirtualLab.DUT_IF);
        }
        return host.defaultInterface();
    }

    private static void print(PrintWriter out, MatrixDocument.Environment env) {
        MatrixDocument.Os os = env.os();
        out.printf("os        : %s (%s; version %s, build %s)%n", os.name(), os.family(), orDash(os.version()), orDash(os.build()));
        out.printf("host      : %s%n", env.host());
        out.printf("java      : %s%n", env.java());
        MatrixDocument.DutInterface d = env.dutInterface();
        out.printf("interface : %s (MAC %s)%n", d.name(), orDash(d.mac()));
        out.printf("  model   : %s%n", orDash(d.model()));
        out.printf("  pci     : %s%s%n", orDash(d.pciId()), d.pciSubsystemId() == null ? "" : " (subsystem " + d.pciSubsystemId() + ")");
        out.printf("  driver  : %s %s%s%s%s%n", orDash(d.driver()), orDash(d.driverVersion()),
                d.driverDate() == null ? "" : ", date " + d.driverDate(), d.driverFile() == null ? "" : ", file " + d.driverFile(),
                d.driverProvider() == null ? "" : ", by " + d.driverProvider());
        out.printf("  firmware: %s%n", orDash(d.firmware()));
        out.printf("  link    : %s%n", orDash(d.linkSpeed()));
        out.printf("  offloads: %s%n", join(d.offloads()));
        out.printf("clients   : %s%n", env.clients().isEmpty() ? "none installed (ipmitool, ipmiutil, FreeIPMI)" : join(env.clients()));
    }

    private static String join(Map<String, String> m) {
        return m.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", "));
    }

    private static String orDash(String s) {
        return s == null ? "-" : s;
    }
}

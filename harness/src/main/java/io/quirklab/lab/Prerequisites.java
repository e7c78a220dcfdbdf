package io.quirklab.lab;

import io.quirklab.process.CommandRunner;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** What the virtual lab needs from the host, checked up front with one clear message. */
public final class Prerequisites {
    private static final Map<String, String> TOOLS = Map.of("ip", "iproute2", "nft", "nftables", "ethtool", "ethtool",
            "sysctl", "procps");

    private Prerequisites() {
    }

    public static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** Throws with every missing piece named, and how to get it. */
    public static void require(CommandRunner runner) throws IOException {
        List<String> problems = new ArrayList<>();
        if (!System.getProperty("os.name", "").toLowerCase().contains("linux")) {
            problems.add("the virtual lab needs Linux (network namespaces, veth, nftables)");
        }
        if (!isRoot()) {
            problems.add("the virtual lab needs root (it creates a network namespace, a veth pair and an nftables table)");
        }
        List<String> pkgs = new ArrayList<>();
        TOOLS.forEach((cmd, pkg) -> {
            if (CommandRunner.which(cmd).isEmpty()) {
                pkgs.add(pkg);
            }
        });
        if (!pkgs.isEmpty()) {
            problems.add("missing commands; install: apt-get install " + String.join(" ", pkgs.stream().sorted().toList()));
        }
        if (!problems.isEmpty()) {
            throw new IOException(String.join("; ", problems));
        }
    }
}

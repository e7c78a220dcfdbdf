package io.quirklab.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quirklab.lab.ResponderContainer;
import io.quirklab.process.CommandRunner;
import io.quirklab.testing.Require;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.wait.strategy.Wait;

/**
 * The responder image on a real Docker engine (the local socket or DOCKER_HOST; .ci/run starts one with
 * docker/dockerd.sh): built or reused by docker/build-image.sh, tagged with a tag of this test's own, started by
 * {@link ResponderContainer} with host networking running the simulated SMDC on loopback, answering the Java client
 * from the host; a start that fails is removed too; afterwards no container of the test and not its tag are left.
 */
@DisplayName("the responder image under Testcontainers")
@Order(40)
class ResponderContainerIT {
    private static final CommandRunner RUN = new CommandRunner();

    @Test
    void theImageRunsTheSmdcOnLoopbackAndNothingIsLeftAfterwards() throws Exception {
        Require.root("docker/build-image.sh runs debootstrap for the base image");
        Tools.require("docker", "docker.io");
        Tools.require("debootstrap", "debootstrap");
        CommandRunner.Result engine = RUN.run(Duration.ofSeconds(20), List.of("docker", "version", "--format", "{{.Server.APIVersion}}"));
        Require.capability(Require.TOOLS, engine.ok(), "no Docker engine answers at " + System.getenv().getOrDefault("DOCKER_HOST",
                "the local socket") + ": start one with docker/dockerd.sh start and export the DOCKER_HOST it prints");
        CommandRunner.Result build = RUN.run(Duration.ofMinutes(8), List.of(MatrixSession.rootDir().resolve("docker/build-image.sh").toString()));
        assertThat(build.exitCode()).as("%s: %s", build.commandLine(), build.stderr()).isZero();
        String image = build.stdout().strip().lines().reduce((a, b) -> b).orElseThrow();
        assertThat(image).startsWith("quirklab-responder:");
        String testTag = "quirklab-responder-test:" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(docker("tag", image, testTag).ok()).isTrue();
        List<String> containers = new ArrayList<>();
        try {
            int port;
            try (DatagramSocket probe = new DatagramSocket(0, InetAddress.getByName("127.0.0.2"))) {
                port = probe.getLocalPort(); // a free port: the container binds it in the host's network namespace
            }
            try (ResponderContainer smdc = ResponderContainer.start(testTag,
                    Wait.forLogMessage(".*simulated SMDC .* on udp 127\\.0\\.0\\.2:" + port + ".*\\n", 1),
                    "smdc", "--bind", "127.0.0.2", "--port", String.valueOf(port), "--quiet")) {
                containers.add(smdc.containerId());
                LabFixture.Cli mcInfo = LabFixture.cli("ipmi", "-H", "127.0.0.2", "-p", String.valueOf(port), "-U", "admin", "-P", "secret",
                        "--timeout", "1000", "--retries", "2", "mc-info");
                assertThat(mcInfo.exit()).as(mcInfo.out() + mcInfo.err() + "\ncontainer log:\n" + smdc.logs()).isZero();
                assertThat(mcInfo.out()).isNotBlank();
            }
            // a command that fails at once: the start fails with the container's own words, and the container is gone
            assertThatThrownBy(() -> ResponderContainer.start(testTag, Wait.forLogMessage(".*never.*", 1), Duration.ofSeconds(10),
                    "smdc", "--bind", "10.0.0.1"))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("did not get ready");
        } finally {
            docker("rmi", testTag);
        }
        for (String id : containers) {
            assertThat(docker("inspect", id).ok()).as("container " + id + " removed").isFalse();
        }
        assertThat(docker("ps", "-a", "-q", "--filter", "label=org.testcontainers=true").stdout()).as("containers of Testcontainers").isBlank();
        assertThat(docker("image", "inspect", testTag).ok()).as("the test's tag " + testTag + " removed").isFalse();
        assertThat(docker("image", "inspect", image).ok()).as("the responder image stays for reuse").isTrue();
    }

    private static CommandRunner.Result docker(String... args) {
        List<String> c = new ArrayList<>(List.of("docker"));
        c.addAll(List.of(args));
        return RUN.run(Duration.ofSeconds(60), c);
    }
}

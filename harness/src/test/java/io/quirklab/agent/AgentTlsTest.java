package io.quirklab.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quirklab.process.CommandRunner;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --tls-keystore: the agent over HTTPS with a key store made by the JDK's keytool, the client trusting its certificate. */
class AgentTlsTest {
    @Test
    void theAgentServesHttpsWithItsKeyStore(@TempDir Path dir) throws Exception {
        Path ks = dir.resolve("agent.p12");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        CommandRunner.Result made = new CommandRunner().run(Duration.ofSeconds(60), List.of(keytool, "-genkeypair", "-alias", "agent",
                "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=quirklab-agent", "-ext", "SAN=ip:127.0.0.1", "-validity", "2",
                "-storetype", "PKCS12", "-keystore", ks.toString(), "-storepass", "agent-pass", "-keypass", "agent-pass"));
        assertThat(made.ok()).as(made.stdout() + made.stderr()).isTrue();
        Segment segment = new Segment();
        AgentHost host = AgentHost.start(new AgentHost.Config(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                AgentFixture.TOKEN, null, ArpGuard.Timing.FAST, AgentTls.serverContext(ks, "agent-pass".toCharArray()), Duration.ofMinutes(1),
                1000, 1 << 20), segment.responderTap, segment.arpTap, segment, l -> { });
        try {
            URI url = URI.create("https://127.0.0.1:" + host.address().getPort());
            AgentControl c = new AgentControl(url, AgentFixture.TOKEN, trusting(ks));
            assertThat(c.health().status()).isEqualTo("serving");
            assertThat(c.claim("tls", "test", "here", 10).id()).isNotBlank();
            // a client that does not trust the certificate gets no answer at all
            AgentControl stranger = new AgentControl(url, AgentFixture.TOKEN, SSLContext.getDefault());
            assertThatThrownBy(stranger::health).hasMessageContaining("cannot reach the agent");
        } finally {
            host.close();
        }
        assertThatThrownBy(() -> AgentTls.serverContext(ks, "wrong".toCharArray())).hasMessageContaining("agent.p12")
                .hasMessageContaining(AgentTls.PASSWORD_ENV);
    }

    @Test
    void aLabFileTrustsTheAgentsExportedCertificateAndNoOther(@TempDir Path dir) throws Exception {
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        CommandRunner run = new CommandRunner();
        for (String name : List.of("agent", "other")) {
            CommandRunner.Result made = run.run(Duration.ofSeconds(60), List.of(keytool, "-genkeypair", "-alias", "agent", "-keyalg", "EC",
                    "-groupname", "secp256r1", "-dname", "CN=quirklab-" + name, "-ext", "SAN=ip:127.0.0.1", "-validity", "2",
                    "-storetype", "PKCS12", "-keystore", dir.resolve(name + ".p12").toString(), "-storepass", "agent-pass"));
            assertThat(made.ok()).as(made.stdout() + made.stderr()).isTrue();
            // what the agent's operator hands to the lab machines: its certificate, PEM
            CommandRunner.Result exported = run.run(Duration.ofSeconds(60), List.of(keytool, "-exportcert", "-rfc", "-alias", "agent",
                    "-keystore", dir.resolve(name + ".p12").toString(), "-storepass", "agent-pass", "-file", dir.resolve(name + ".pem").toString()));
            assertThat(exported.ok()).as(exported.stdout() + exported.stderr()).isTrue();
        }
        Files.writeString(dir.resolve("tok"), AgentFixture.TOKEN);
        Segment segment = new Segment();
        AgentHost host = AgentHost.start(new AgentHost.Config(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                AgentFixture.TOKEN, null, ArpGuard.Timing.FAST, AgentTls.serverContext(dir.resolve("agent.p12"), "agent-pass".toCharArray()),
                Duration.ofMinutes(1), 1000, 1 << 20), segment.responderTap, segment.arpTap, segment, l -> { });
        try {
            String url = "https://127.0.0.1:" + host.address().getPort();
            for (String trusted : List.of("agent", "other")) {
                Path lab = Files.writeString(dir.resolve(trusted + ".yaml"), "kind: agent\ndut-interface: lo\nresponder:\n  url: " + url
                        + "\n  token-file: tok\n  trust: " + trusted + ".pem\n");
                io.quirklab.lab.LabKind.Agent a = (io.quirklab.lab.LabKind.Agent) io.quirklab.lab.LabFile.read(lab).kind();
                assertThat(a.trust()).contains(dir.resolve(trusted + ".pem").toAbsolutePath());
                AgentControl c = new AgentControl(a.url(), AgentFixture.TOKEN, AgentTls.clientContext(a.trust().get()));
                if (trusted.equals("agent")) {
                    assertThat(c.health().status()).isEqualTo("serving");
                } else {
                    assertThatThrownBy(c::health).as("another certificate is not the agent's").hasMessageContaining("cannot reach the agent");
                }
            }
        } finally {
            host.close();
        }
    }

    static SSLContext trusting(Path keystore) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            ks.load(in, "agent-pass".toCharArray());
        }
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("agent", ks.getCertificate("agent"));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext c = SSLContext.getInstance("TLS");
        c.init(null, tmf.getTrustManagers(), null);
        return c;
    }
}

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

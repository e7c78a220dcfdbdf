package io.quirklab.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quirklab.process.CommandRunner;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
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
        assertThatThrownBy(() -> AgentTls.serverContext(ks, "agent-pass".toCharArray())).as("keytool leaves it 0644 under umask 022")
                .hasMessageContaining("agent.p12: the key store is readable by others").hasMessageEndingWith("chmod 600 it");
        Files.setPosixFilePermissions(ks, PosixFilePermissions.fromString("rw-------"));
        AgentHost host = startTls(ks);
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
        Files.setPosixFilePermissions(dir.resolve("agent.p12"), PosixFilePermissions.fromString("rw-------"));
        AgentHost host = startTls(dir.resolve("agent.p12"));
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

    /**
     * TLS 1.2 offers AEAD suites with forward secrecy only: each suite the JDK could speak is tried alone, and none with
     * CBC or a SHA-1 MAC, without forward secrecy or with finite-field DHE completes a handshake; TLS 1.3 does.
     */
    @Test
    void tls12OffersNoCbcNorSha1SuitesAndOlderVersionsNone(@TempDir Path dir) throws Exception {
        Path ks = dir.resolve("agent.p12");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        for (String alg : List.of("EC", "RSA")) {
            Files.deleteIfExists(ks);
            List<String> cmd = new ArrayList<>(List.of(keytool, "-genkeypair", "-alias", "agent", "-keyalg", alg, "-dname", "CN=quirklab-agent",
                    "-ext", "SAN=ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12", "-keystore", ks.toString(), "-storepass", "agent-pass"));
            cmd.addAll(alg.equals("EC") ? List.of("-groupname", "secp256r1") : List.of("-keysize", "2048"));
            CommandRunner.Result made = new CommandRunner().run(Duration.ofSeconds(60), cmd);
            assertThat(made.ok()).as(made.stdout() + made.stderr()).isTrue();
            Files.setPosixFilePermissions(ks, PosixFilePermissions.fromString("rw-------"));
            AgentHost host = startTls(ks);
            try {
                SSLContext client = trusting(ks);
                List<String> accepted = new ArrayList<>();
                for (String suite : client.getSupportedSSLParameters().getCipherSuites()) {
                    if (!suite.startsWith("TLS_AES") && !suite.startsWith("TLS_CHACHA") && !suite.contains("SCSV")
                            && handshake(client, host.address().getPort(), "TLSv1.2", suite)) {
                        accepted.add(suite);
                    }
                }
                System.out.println(alg + " key, TLS 1.2 suites the agent accepts: " + accepted);
                assertThat(accepted).isNotEmpty().allSatisfy(s -> assertThat(s).startsWith("TLS_ECDHE_").doesNotEndWith("_SHA")
                        .doesNotContain("_CBC_").containsAnyOf("_GCM_", "_CHACHA20_"));
                assertThat(handshake(client, host.address().getPort(), "TLSv1.3", "TLS_AES_128_GCM_SHA256")).isTrue();
            } finally {
                host.close();
            }
        }
    }

    /** An agent on an in-memory segment serving HTTPS with the key store's key (password agent-pass). */
    static AgentHost startTls(Path keystore) throws IOException {
        Segment segment = new Segment();
        return AgentHost.start(new AgentHost.Config(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), AgentFixture.TOKEN, null,
                ArpGuard.Timing.FAST, AgentTls.serverContext(keystore, "agent-pass".toCharArray()), Duration.ofMinutes(1), 1000, 1 << 20),
                segment.responderTap, segment.arpTap, segment, l -> { });
    }

    private static boolean handshake(SSLContext c, int port, String protocol, String suite) {
        try (SSLSocket s = (SSLSocket) c.getSocketFactory().createSocket("127.0.0.1", port)) {
            s.setSoTimeout(5000);
            s.setEnabledProtocols(new String[] {protocol});
            s.setEnabledCipherSuites(new String[] {suite});
            s.startHandshake();
            return true;
        } catch (IOException | IllegalArgumentException e) {
            return false;
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

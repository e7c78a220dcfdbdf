package io.quirklab.agent;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * The agent's HTTPS: the server's SSL context from a PKCS12 key store (its key and certificate), and a client's that
 * trusts the certificates of a PEM file (the agent's own, self-signed, or the CA that signed it).
 */
public final class AgentTls {
    public static final String PASSWORD_ENV = "QUIRKLAB_AGENT_TLS_PASSWORD";

    private AgentTls() {
    }

    public static SSLContext serverContext(Path keystore, char[] password) throws IOException {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(keystore)) {
                ks.load(in, password);
            }
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, password);
            SSLContext c = SSLContext.getInstance("TLS");
            c.init(kmf.getKeyManagers(), null, null);
            return c;
        } catch (IOException | GeneralSecurityException e) {
            throw new IOException(keystore + ": cannot read it as a PKCS12 key store with $" + PASSWORD_ENV + " (" + e.getMessage() + ")", e);
        }
    }

    /** The X.509 certificates of a PEM (or DER) file, at least one; one line naming the file when it holds none. */
    public static java.util.List<java.security.cert.X509Certificate> trustedCertificates(Path pem) throws IOException {
        byte[] bytes = io.quirklab.input.InputFile.bytes(pem, "certificate file", 1 << 20);
        try {
            java.util.List<java.security.cert.X509Certificate> out = new java.util.ArrayList<>();
            for (java.security.cert.Certificate c : java.security.cert.CertificateFactory.getInstance("X.509")
                    .generateCertificates(new java.io.ByteArrayInputStream(bytes))) {
                out.add((java.security.cert.X509Certificate) c);
            }
            if (out.isEmpty()) {
                throw new java.security.cert.CertificateException("no certificate in it");
            }
            return out;
        } catch (java.security.cert.CertificateException | ClassCastException e) {
            throw new IOException(pem + ": not a PEM certificate (export the agent's with keytool -exportcert -rfc)", e);
        }
    }

    /** A client context that trusts exactly the certificates in {@code pem} (host names and addresses still checked). */
    public static SSLContext clientContext(Path pem) throws IOException {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            int i = 0;
            for (java.security.cert.X509Certificate c : trustedCertificates(pem)) {
                trust.setCertificateEntry("trusted-" + i++, c);
            }
            javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext c = SSLContext.getInstance("TLS");
            c.init(null, tmf.getTrustManagers(), null);
            return c;
        } catch (GeneralSecurityException e) {
            throw new IOException(pem + ": cannot trust its certificates (" + e.getMessage() + ")", e);
        }
    }
}

package io.quirklab.agent;

import io.quirklab.input.InputFile;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The agent's HTTPS: the server's SSL context from a PKCS12 key store (its key and certificate), and a client's that
 * trusts the certificates of a PEM file (the agent's own, self-signed, or the CA that signed it).
 */
public final class AgentTls {
    public static final String PASSWORD_ENV = "QUIRKLAB_AGENT_TLS_PASSWORD";

    private AgentTls() {
    }

    /**
     * The server's context from a key store that only its owner may read (a private key readable by the group or the
     * world is refused, as the token file is).
     */
    public static SSLContext serverContext(Path keystore, char[] password) throws IOException {
        InputFile.requireOwnerOnly(keystore, "key store");
        byte[] bytes = InputFile.bytes(keystore, "key store", InputFile.Kind.KEY_STORE.limit());
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(new ByteArrayInputStream(bytes), password);
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, password);
            SSLContext c = SSLContext.getInstance("TLS");
            c.init(kmf.getKeyManagers(), null, null);
            return c;
        } catch (IOException | GeneralSecurityException e) {
            throw new IOException(keystore + ": cannot read it as a PKCS12 key store with $" + PASSWORD_ENV
                    + " (a wrong password, or not a PKCS12 file)", e);
        }
    }

    /** The X.509 certificates of a PEM (or DER) file, at least one; one line naming the file when it holds none. */
    public static List<X509Certificate> trustedCertificates(Path pem) throws IOException {
        byte[] bytes = InputFile.bytes(pem, "certificate file", InputFile.Kind.CERTIFICATE.limit());
        try {
            List<X509Certificate> out = new ArrayList<>();
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(bytes))) {
                out.add((X509Certificate) c);
            }
            if (out.isEmpty()) {
                throw new CertificateException("no certificate in it");
            }
            return out;
        } catch (CertificateException | ClassCastException e) {
            throw new IOException(pem + ": not a PEM certificate (export the agent's with keytool -exportcert -rfc)", e);
        }
    }

    /** A client context that trusts exactly the certificates in {@code pem} (host names and addresses still checked). */
    public static SSLContext clientContext(Path pem) throws IOException {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            int i = 0;
            for (X509Certificate c : trustedCertificates(pem)) {
                trust.setCertificateEntry("trusted-" + i++, c);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext c = SSLContext.getInstance("TLS");
            c.init(null, tmf.getTrustManagers(), null);
            return c;
        } catch (GeneralSecurityException e) {
            throw new IOException(pem + ": cannot trust its certificates (" + e.getMessage() + ")", e);
        }
    }
}

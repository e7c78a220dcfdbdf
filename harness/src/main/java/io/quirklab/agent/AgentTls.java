package io.quirklab.agent;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/** The agent's HTTPS: an SSL context from a PKCS12 key store (its key and certificate). */
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
}

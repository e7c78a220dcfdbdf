package io.quirklab.agent;

import io.quirklab.input.InputFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.LinkOption;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The agent's bearer token: from a token file, else from {@value #ENV}, else generated (32 random bytes) and stored
 * owner-only in the token file, and then shown once.
 *
 * @param value     the token
 * @param generated true when it was made just now (the caller prints it once)
 * @param file      where it is stored, or null when it came from the environment
 */
public record AgentToken(String value, boolean generated, Path file) {
    public static final String ENV = "QUIRKLAB_AGENT_TOKEN";
    static final int MIN_LENGTH = 16;

    /**
     * @param file        --token-file, or null
     * @param env         the environment's token, or null
     * @param defaultFile where a generated token goes when no file was named
     */
    public static AgentToken resolve(Path file, String env, Path defaultFile) throws IOException {
        if (file != null && Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            InputFile.requireOwnerOnly(file, "token file"); // a FIFO or device is refused here, before it is opened
            return new AgentToken(check(InputFile.text(file, InputFile.Kind.TOKEN).strip(), file.toString()), false, file);
        }
        if (file == null && env != null && !env.isBlank()) {
            return new AgentToken(check(env.strip(), "$" + ENV), false, null);
        }
        Path target = file != null ? file : defaultFile;
        byte[] b = new byte[32];
        new SecureRandom().nextBytes(b);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = dir.resolve(target.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        try {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException notPosix) {
            Files.createFile(tmp);
        }
        Files.writeString(tmp, token + "\n");
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return new AgentToken(token, true, target);
    }

    private static String check(String t, String where) throws IOException {
        if (t.length() < MIN_LENGTH || !t.matches("[A-Za-z0-9._~+/=-]+")) {
            throw new IOException(where + ": the token must be at least " + MIN_LENGTH + " characters of A-Z a-z 0-9 . _ ~ + / = -");
        }
        return t;
    }
}

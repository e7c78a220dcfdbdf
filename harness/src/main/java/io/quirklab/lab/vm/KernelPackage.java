package io.quirklab.lab.vm;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The versioned kernel image package a generation's metapackage points at today, e.g. {@code linux-image-amd64}
 * 6.1.192-3 depends on {@code linux-image-6.1.0-57-amd64 (= 6.1.192-3)}: its release {@code 6.1.0-57-amd64} is what
 * the guest runs and what the cache is keyed by.
 *
 * @param kernel       the generation asked for
 * @param imagePackage "linux-image-6.1.0-57-amd64"
 * @param version      the Debian version of that package, "6.1.192-3"
 * @param release      the kernel release ({@code uname -r}), "6.1.0-57-amd64"
 */
public record KernelPackage(GuestKernel kernel, String imagePackage, String version, String release) {
    private static final Pattern IMAGE = Pattern.compile("^linux-image-(\\d[^\\s(]*?)(?:-unsigned)?\\s*(?:\\(\\s*=\\s*([^)\\s]+)\\s*\\))?$");

    /**
     * Reads {@code apt-cache show --no-all-versions META}: the first stanza's Depends names the image package.
     *
     * @throws IOException in one line when the output names no image package of this generation
     */
    public static KernelPackage fromAptCache(GuestKernel kernel, String aptCacheShow) throws IOException {
        Map<String, String> fields = firstStanza(aptCacheShow);
        String depends = fields.get("Depends");
        if (depends == null) {
            throw new IOException("apt does not describe " + kernel.metaPackage() + " (no Depends field): run apt-get update");
        }
        for (String dep : depends.split(",")) {
            for (String alternative : dep.split("\\|")) {
                Matcher m = IMAGE.matcher(alternative.trim());
                if (m.matches() && kernel.owns(m.group(1))) {
                    String version = m.group(2) != null ? m.group(2) : fields.getOrDefault("Version", "");
                    return new KernelPackage(kernel, "linux-image-" + m.group(1), version, m.group(1));
                }
            }
        }
        throw new IOException(kernel.metaPackage() + " depends on no " + kernel.generation() + " kernel image ("
                + shortened(depends) + ")");
    }

    /** "linux-image-6.1.0-57-amd64=6.1.192-3", exactly what {@code apt-get download} should fetch. */
    public String downloadSpec() {
        return version.isEmpty() ? imagePackage : imagePackage + "=" + version;
    }

    /** The fields of the first stanza; continuation lines are joined to their field. */
    static Map<String, String> firstStanza(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        String last = null;
        for (String line : text.split("\\R")) {
            if (line.isBlank()) {
                if (!out.isEmpty()) {
                    break;
                }
                continue;
            }
            if ((line.startsWith(" ") || line.startsWith("\t")) && last != null) {
                out.put(last, out.get(last) + " " + line.trim());
                continue;
            }
            int colon = line.indexOf(':');
            if (colon > 0) {
                last = line.substring(0, colon).trim();
                out.put(last, line.substring(colon + 1).trim());
            }
        }
        return out;
    }

    private static String shortened(String s) {
        return s.length() > 80 ? s.substring(0, 77) + "..." : s;
    }
}

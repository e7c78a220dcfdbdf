package io.quirklab.observe.paste;

import io.quirklab.observe.Coverage;
import io.quirklab.process.CommandRunner;
import java.nio.charset.StandardCharsets;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Tool output as people paste it: decoded (UTF-8, UTF-16 LE/BE with or without a byte-order mark), cut into lines
 * (CRLF, LF or CR), each line freed of what the paste added around the tool's own text (mail quote marks
 * {@code > }, terminal colour codes, trailing blanks), and grouped into sections at the shell prompts in it
 * ({@code PS C:\...>}, {@code C:\...>}, {@code user@host:~$}, {@code $ cmd}, {@code # cmd}), each section without the
 * indentation all its lines share. Lines keep their number in the file, so every answer can point at one; a line a
 * console cut short keeps its mark ({@link Coverage#isCut}) for the parsers to see.
 *
 * <p>One pass over the text: linear in its length, and a run of blank lines is kept as one.
 *
 * @param sections the outputs between prompts, in file order (the text before the first prompt is a section without
 *                 a command)
 * @param lines    how many lines the text has
 */
public record Paste(List<Section> sections, int lines) {
    /** Longer lines are cut here (no tool prints such lines; a file without line ends would otherwise be one). */
    public static final int MAX_LINE = 8192;
    private static final Pattern ANSI = Pattern.compile("\u001b\\[[0-9;?]*[A-Za-z]");
    private static final Pattern POWERSHELL = Pattern.compile("^PS [^>]{0,300}>\\s?(.*)$");
    private static final Pattern CMD_EXE = Pattern.compile("^[A-Za-z]:\\\\[^>]{0,300}>\\s?(.*)$");
    /** user@host:path$ cmd, [user@host dir]# cmd, host:[path]$ cmd, host:~ user$ cmd. */
    private static final Pattern UNIX = Pattern.compile(
            "^(?:\\[[\\w.-]+@[\\w.-]+[^\\]]{0,200}]|[\\w.-]+@[\\w.-]+:[^\\s$#%]{0,200}|[\\w.-]+:\\S{0,200}(?: [\\w.-]+)?)\\s?[$#%]\\s+(\\S.*)$");
    private static final Pattern BARE = Pattern.compile("^[$#%]\\s+(\\S.*)$");
    /** Commands a bare "$ " or "# " prompt is believed for ("# source: ..." is a note, "#kernel" is nstat's). */
    private static final Set<String> COMMANDS = Set.of("pktmon", "netsh", "netstat", "nstat", "ethtool", "cat", "grep", "egrep", "awk",
            "sed", "head", "tail", "sudo", "doas", "perf", "pwru", "dropwatch", "ifconfig", "ip", "ss", "tc", "sysctl", "powershell",
            "pwsh", "type", "more", "less", "watch", "bpftrace", "tcpdump", "dmesg", "lspci", "uname", "modinfo", "systat", "echo",
            "get-netadapter", "get-netadapterchecksumoffload", "get-netadapteradvancedproperty", "get-netadapterstatistics");

    /**
     * One line as the tool printed it.
     *
     * @param number its line number in the file (1-based)
     * @param text   the text without quote marks, colour codes, trailing blanks and the section's shared indentation
     */
    public record Line(int number, String text) {
    }

    /**
     * The output after one prompt (or before any).
     *
     * @param command    the command the prompt shows ("ethtool -i enp59s0f0"), or null
     * @param promptLine the prompt's line number, or 0
     * @param lines      its lines, a run of blank lines kept as one
     */
    public record Section(String command, int promptLine, List<Line> lines) {
        public Section {
            lines = List.copyOf(lines);
        }

        /** The texts of the lines, as a view (parsers take lists of strings; their indexes are this list's). */
        public List<String> texts() {
            return new AbstractList<>() {
                @Override
                public String get(int index) {
                    return lines.get(index).text();
                }

                @Override
                public int size() {
                    return lines.size();
                }
            };
        }

        /** The line number in the file of the line at {@code index}. */
        public int lineNumber(int index) {
            return lines.get(index).number();
        }

        /** A part of this section as its own (same command): one of several outputs printed after one prompt. */
        public Section slice(int from, int to) {
            return new Section(command, promptLine, lines.subList(from, to));
        }

        /** Whether the section has no text but blank lines. */
        public boolean isBlank() {
            return lines.stream().allMatch(l -> l.text().isBlank());
        }

        /** The command's first word in lower case, after sudo ("ethtool"), or "" without a command. */
        public String tool() {
            if (command == null) {
                return "";
            }
            for (String w : command.trim().split("\\s+")) {
                String word = w.toLowerCase(Locale.ROOT).replaceFirst("^.*[/\\\\]", "").replaceFirst("\\.exe$", "");
                if (!word.equals("sudo") && !word.equals("doas") && !word.startsWith("-")) {
                    return word;
                }
            }
            return "";
        }
    }

    public Paste {
        sections = List.copyOf(sections);
    }

    /** Decodes the bytes (UTF-8 unless a byte-order mark or the NUL pattern of UTF-16 says otherwise). */
    public static Paste of(byte[] bytes) {
        return of(CommandRunner.decode(bytes, StandardCharsets.UTF_8));
    }

    /** Cuts the text into lines and sections. */
    public static Paste of(String text) {
        List<Section> sections = new ArrayList<>();
        List<Line> current = new ArrayList<>();
        String command = null;
        int promptLine = 0;
        int number = 0;
        boolean lastBlank = false;
        int pos = text.startsWith("\uFEFF") ? 1 : 0; // a BOM CommandRunner.decode left (UTF-8 decoded as such)
        int n = text.length();
        while (pos < n) {
            int end = pos;
            while (end < n && text.charAt(end) != '\n' && text.charAt(end) != '\r') {
                end++;
            }
            number++;
            if (blank(text, pos, end)) {
                pos = end < n - 1 && text.charAt(end) == '\r' && text.charAt(end + 1) == '\n' ? end + 2 : end + 1;
                if (!lastBlank && !current.isEmpty()) {
                    current.add(new Line(number, ""));
                    lastBlank = true;
                }
                continue;
            }
            // a line longer than any tool prints is kept as far as MAX_LINE, marked as cut
            String line = end - pos > MAX_LINE ? clean(text.substring(pos, pos + MAX_LINE)) + Coverage.CUT_MARK : clean(text.substring(pos, end));
            pos = end < n - 1 && text.charAt(end) == '\r' && text.charAt(end + 1) == '\n' ? end + 2 : end + 1;
            String prompt = prompt(line.strip());
            if (prompt != null) {
                add(sections, command, promptLine, current);
                current = new ArrayList<>();
                command = prompt;
                promptLine = number;
                lastBlank = false;
                continue;
            }
            boolean blank = line.isBlank();
            if (blank && (lastBlank || current.isEmpty())) {
                continue; // a run of blank lines is one; leading blank lines are none
            }
            current.add(new Line(number, blank ? "" : line));
            lastBlank = blank;
        }
        add(sections, command, promptLine, current);
        return new Paste(sections, number);
    }

    private static boolean blank(String text, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c != ' ' && c != '\t' && c != '\f' && c != '\u000b') {
                return false;
            }
        }
        return true;
    }

    /** All lines of every section, in file order. */
    public List<Line> allLines() {
        List<Line> out = new ArrayList<>();
        sections.forEach(s -> out.addAll(s.lines()));
        return out;
    }

    private static void add(List<Section> sections, String command, int promptLine, List<Line> lines) {
        while (!lines.isEmpty() && lines.get(lines.size() - 1).text().isBlank()) {
            lines.remove(lines.size() - 1);
        }
        if (lines.isEmpty() && command == null) {
            return;
        }
        sections.add(new Section(command, promptLine, dedent(lines)));
    }

    /** The lines without the leading blanks all their non-blank lines share. */
    private static List<Line> dedent(List<Line> lines) {
        int common = Integer.MAX_VALUE;
        for (Line l : lines) {
            String t = l.text();
            if (!t.isBlank()) {
                int i = 0;
                while (i < t.length() && (t.charAt(i) == ' ' || t.charAt(i) == '\t')) {
                    i++;
                }
                common = Math.min(common, i);
            }
        }
        if (common == 0 || common == Integer.MAX_VALUE) {
            return lines;
        }
        List<Line> out = new ArrayList<>(lines.size());
        for (Line l : lines) {
            out.add(l.text().isBlank() ? l : new Line(l.number(), l.text().substring(common)));
        }
        return out;
    }

    /** The line without colour codes, mail quote marks ("> > "), a NUL or a BOM left inside, and trailing blanks. */
    static String clean(String raw) {
        String s = raw.indexOf('\u001b') >= 0 ? ANSI.matcher(raw).replaceAll("") : raw;
        if (s.indexOf('\u0000') >= 0 || s.indexOf('\uFEFF') >= 0) {
            s = s.replace("\u0000", "").replace("\uFEFF", "");
        }
        int i = 0;
        int quoted = -1;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '>') {
                quoted = i + 1;
            } else if (c != ' ' && c != '\t') {
                break;
            }
            i++;
        }
        if (quoted >= 0 && !s.startsWith(">>>", skipBlanks(s))) {
            s = s.substring(quoted < s.length() && s.charAt(quoted) == ' ' ? quoted + 1 : quoted);
        }
        return s.stripTrailing();
    }

    private static int skipBlanks(String s) {
        int i = 0;
        while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
            i++;
        }
        return i;
    }

    /** The command of a prompt line, "" for a prompt without one, or null when the line is not a prompt. */
    static String prompt(String line) {
        if (line.isEmpty() || line.length() > 600) {
            return null;
        }
        char c = line.charAt(0);
        Matcher m;
        if (c == 'P' && (m = POWERSHELL.matcher(line)).matches()) {
            return m.group(1).trim();
        }
        if (line.length() > 2 && line.charAt(1) == ':' && line.charAt(2) == '\\' && (m = CMD_EXE.matcher(line)).matches()) {
            return m.group(1).trim();
        }
        if ((c == '$' || c == '#' || c == '%') && (m = BARE.matcher(line)).matches()) {
            return c == '$' || knownCommand(m.group(1)) ? m.group(1).trim() : null;
        }
        if ((line.indexOf('$') > 0 || line.indexOf('#') > 0 || line.indexOf('%') > 0) && (m = UNIX.matcher(line)).matches()
                && knownCommand(m.group(1))) {
            return m.group(1).trim();
        }
        return null;
    }

    /** Whether the text starts with a command people run to capture what quirklab reads (after sudo, or a path). */
    private static boolean knownCommand(String text) {
        for (String w : text.trim().split("\\s+", 4)) {
            String word = w.toLowerCase(Locale.ROOT);
            if (word.equals("sudo") || word.equals("doas")) {
                continue;
            }
            if (word.startsWith("./") || word.startsWith("/")) {
                return true;
            }
            return COMMANDS.contains(word.replaceFirst("\\.exe$", ""));
        }
        return false;
    }
}

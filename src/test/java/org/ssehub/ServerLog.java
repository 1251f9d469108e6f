package org.ssehub;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The log files of the server under test ({@code -Dit.server.logs}: a directory, or a file name that may stand for
 * numbered files and may not exist yet): what they gained since a mark. Files that shrank were rotated and are read from their start.
 */
public final class ServerLog {

    /** A record's level near the start of its first line, as Tomcat, WildFly and Payara write it. */
    private static final Pattern PROBLEM = Pattern.compile("^.{0,80}?[\\s\\[|](WARN|WARNING|ERROR|SEVERE)[\\s\\]|:]");
    /** The colours Payara Micro writes into its log file around the level and the logger. */
    private static final Pattern COLOUR = Pattern.compile("\u001B\\[[;\\d]*m");

    private final Path logs;
    private final Map<Path, Long> sizes;

    private ServerLog(Path logs, Map<Path, Long> sizes) {
        this.logs = logs;
        this.sizes = sizes;
    }

    public static ServerLog mark() throws IOException {
        Path logs = Path.of(System.getProperty("it.server.logs"));
        Map<Path, Long> sizes = new HashMap<>();
        for (Path file : files(logs)) {
            sizes.put(file, Files.size(file));
        }
        return new ServerLog(logs, sizes);
    }

    /** What the server wrote before any of it was read: the whole of its log files. */
    public static ServerLog whole(Path logs) {
        return new ServerLog(logs, Map.of());
    }

    /**
     * The WARN/WARNING/ERROR/SEVERE records written since the mark, but for those whose first line (with the next,
     * where Payara starts the message there) holds a key of {@code allowed}: a message id such as {@code UT005023},
     * or, for Tomcat's records, which have none, the logger or a fixed part of the message.
     */
    public List<String> problemsSince(Map<String, String> allowed) throws IOException {
        List<String> problems = new ArrayList<>();
        for (Path file : files(logs)) {
            List<String> lines = grownLines(file);
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                if (PROBLEM.matcher(line).find()) {
                    String record = line.endsWith("[[") && i + 1 < lines.size() ? line + " " + lines.get(i + 1).trim() : line;
                    if (allowed.keySet().stream().noneMatch(record::contains)) {
                        problems.add(file.getFileName() + ": " + record);
                    }
                }
            }
        }
        return problems;
    }

    /** Whether the server wrote anything since the mark. */
    public boolean wroteAnything() throws IOException {
        if (!Files.isDirectory(logs) && !Files.isDirectory(logs.getParent())) {
            return false;
        }
        for (Path file : files(logs)) {
            if (!grownLines(file).isEmpty()) {
                return true;
            }
        }
        return false;
    }

    /** Whether a line written since the mark contains {@code text}. */
    public boolean grewWith(String text) throws IOException {
        for (Path file : files(logs)) {
            if (grownLines(file).stream().anyMatch(line -> line.contains(text))) {
                return true;
            }
        }
        return false;
    }

    /** The log files of the server under test. */
    public static List<Path> files() throws IOException {
        return files(Path.of(System.getProperty("it.server.logs")));
    }

    /** The log files whose whole content holds {@code text}, for instance a secret. */
    public static List<Path> filesContaining(String text) throws IOException {
        List<Path> found = new ArrayList<>();
        for (Path file : files(Path.of(System.getProperty("it.server.logs")))) {
            if (new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1).contains(text)) {
                found.add(file);
            }
        }
        return found;
    }

    private List<String> grownLines(Path file) throws IOException {
        long from = sizes.getOrDefault(file, 0L);
        try (var in = new RandomAccessFile(file.toFile(), "r")) {
            if (in.length() < from) {
                from = 0;
            }
            byte[] grown = new byte[(int) (in.length() - from)];
            in.seek(from);
            in.readFully(grown);
            return new String(grown, StandardCharsets.UTF_8).lines().map(line -> COLOUR.matcher(line).replaceAll("")).toList();
        }
    }

    /**
     * The files of a log directory, or those a log file name stands for: the file and its numbered generations
     * ({@code payara-micro.log.0}, as Payara's {@code --logToFile} writes it).
     */
    private static List<Path> files(Path logs) throws IOException {
        if (Files.isDirectory(logs)) {
            try (Stream<Path> files = Files.list(logs)) {
                return files.filter(Files::isRegularFile).toList();
            }
        }
        String name = logs.getFileName().toString();
        try (Stream<Path> files = Files.list(logs.getParent())) {
            return files.filter(file -> file.getFileName().toString().matches(Pattern.quote(name) + "(\\.\\d+)*")).toList();
        }
    }
}

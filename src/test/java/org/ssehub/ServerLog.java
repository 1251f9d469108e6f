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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The log files of the server under test ({@code -Dit.server.logs}: a directory, or a file name that may stand for
 * numbered files and may not exist yet): what they gained since a mark. Files that shrank were rotated and are read from their start.
 */
public final class ServerLog {

    /** A record's level near the start of its first line, as Tomcat, WildFly and Payara write it. */
    private static final Pattern PROBLEM = Pattern.compile("^.{0,80}?[\\s\\[|](WARN|WARNING|ERROR|SEVERE)[\\s\\]|:]");
    /** A message id such as UT005088, WELD-000714, AS-WEB-CORE-00037 or WFLYSRV0009. */
    private static final Pattern ID = Pattern.compile("\\b([A-Z]{2,}(?:-[A-Z]+)*-?\\d{4,6})\\b");

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

    /**
     * The WARN/WARNING/ERROR/SEVERE records written since the mark, but for those whose message id is in
     * {@code allowed}.
     */
    public List<String> problemsSince(Map<String, String> allowed) throws IOException {
        List<String> problems = new ArrayList<>();
        for (Path file : files(logs)) {
            for (String line : grownLines(file)) {
                if (PROBLEM.matcher(line).find()) {
                    Matcher id = ID.matcher(line);
                    if (!(id.find() && allowed.containsKey(id.group(1)))) {
                        problems.add(file.getFileName() + ": " + line);
                    }
                }
            }
        }
        return problems;
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
            return new String(grown, StandardCharsets.UTF_8).lines().toList();
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
            return files.filter(file -> file.getFileName().toString().matches(Pattern.quote(name) + "(\\.\\d+)?")).toList();
        }
    }
}

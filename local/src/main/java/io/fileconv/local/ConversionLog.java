package io.fileconv.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * The converter's own record of each attempt it ran (one line per conversion, appended and synced before the
 * outcome is written to MySQL). Tests read it to prove that no conversion ran twice and none was lost.
 */
public final class ConversionLog {
    private final Path file;

    public ConversionLog(Path file) {
        this.file = file;
    }

    public synchronized void append(String fileId, int attempt, String outcome) {
        String line = System.currentTimeMillis() + " " + fileId + " " + attempt + " " + outcome + "\n";
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                    StandardOpenOption.SYNC);
        } catch (IOException e) {
            throw new IllegalStateException("conversion log not writable: " + file, e);
        }
    }

    public List<String> lines() throws IOException {
        return Files.exists(file) ? Files.readAllLines(file) : List.of();
    }
}

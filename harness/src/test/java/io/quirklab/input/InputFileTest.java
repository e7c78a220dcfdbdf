package io.quirklab.input;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quirklab.testing.SpecialFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A path that is there but no file is named for what it is, not "no such file", and never opened (a FIFO would block). */
@Timeout(30)
class InputFileTest {
    @TempDir
    Path dir;

    @Test
    void aFifoADeviceAndADirectoryAreSaidForWhatTheyAre() throws Exception {
        Path fifo = SpecialFiles.fifo(dir, "lab.yaml");
        assertThatThrownBy(() -> InputFile.text(fifo, "lab file", InputFile.LAB_FILE_LIMIT))
                .hasMessage(fifo + ": is a named pipe (FIFO), not a lab file");
        assertThatThrownBy(() -> InputFile.requireRegular(SpecialFiles.DEV_NULL, "capture"))
                .hasMessage("/dev/null: is a character device, not a capture");
        assertThatThrownBy(() -> InputFile.requireRegular(dir, "matrix document")).hasMessage(dir + ": is a directory, not a matrix document");
        assertThatThrownBy(() -> InputFile.requireRegular(dir.resolve("gone"), "capture")).hasMessage(dir.resolve("gone") + ": no such capture");
        Path file = Files.writeString(dir.resolve("ok.yaml"), "kind: virtual\n");
        assertThat(InputFile.requireRegular(file, "lab file").size()).isEqualTo(14);
    }
}

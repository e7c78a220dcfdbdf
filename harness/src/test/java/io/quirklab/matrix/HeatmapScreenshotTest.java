package io.quirklab.matrix;

import io.quirklab.matrix.Verdict;
import io.quirklab.matrix.OffloadState;
import static org.assertj.core.api.Assertions.assertThat;

import io.quirklab.process.CommandRunner;
import io.quirklab.matrix.Comparison.CellChange;
import io.quirklab.matrix.Heatmap.Geometry;
import io.quirklab.matrix.Heatmap.Rect;
import io.quirklab.matrix.MatrixDocument.Cell;
import io.quirklab.matrix.MatrixDocument.Key;
import io.quirklab.testing.Matrices;
import io.quirklab.testing.Require;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The heatmaps as a browser draws them: headless Chromium takes a screenshot of the page at device scale 1, and the
 * pixel at the centre of every cell (from {@link Geometry}) must be that cell's colour.
 */
class HeatmapScreenshotTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    private Path chromium;

    @BeforeEach
    void needsChromium() {
        Optional<Path> found = CommandRunner.which("chromium");
        Require.capability(Require.TOOLS, found.isPresent(), "chromium is not installed: apt-get install chromium");
        chromium = found.get();
    }

    @Test
    void everyCellOfMatrixHtmlHasItsVerdictColourAndTheMissingOneIsNotApplicable() throws IOException {
        MatrixDocument doc = Matrices.realistic();
        Path html = dir.resolve("matrix.html");
        Heatmap.write(doc, html);
        Geometry g = Heatmap.geometry(doc);
        BufferedImage shot = screenshot(html, g);

        List<String> wrong = new ArrayList<>();
        int checked = 0;
        int notApplicable = 0;
        for (OffloadState offload : g.offloads()) {
            for (String persona : g.personas()) {
                for (String client : g.clients()) {
                    Optional<Cell> cell = doc.cell(persona, client, offload);
                    String expected = cell.map(c -> Heatmap.colour(c.verdict())).orElse(Heatmap.NOT_APPLICABLE_COLOUR);
                    notApplicable += cell.isEmpty() ? 1 : 0;
                    check(shot, g.cell(offload, persona, client), expected, new Key(persona, client, offload) + " "
                            + cell.map(c -> c.verdict().name()).orElse("n/a"), wrong);
                    checked++;
                }
            }
        }
        assertThat(wrong).as("cells whose centre pixel is not their colour").isEmpty();
        assertThat(checked).isEqualTo(40);
        assertThat(notApplicable).isEqualTo(1);
        assertThat(doc.cells()).extracting(Cell::verdict).contains(Verdict.values());
    }

    @Test
    void everyCellOfTheDiffPageHasItsChangeColour() throws IOException {
        MatrixDocument before = Matrices.realistic();
        List<Cell> cells = new ArrayList<>(before.cells());
        cells.removeIf(c -> c.persona().equals("clean") && c.client().equals("freeipmi-lan") && c.offload() == OffloadState.OFF);
        cells.replaceAll(c -> c.persona().equals("clean") && c.client().equals("java-lan")
                ? Matrices.cell(c.persona(), c.client(), c.offload(), Verdict.DROPPED_IN_STACK, "UDP_CSUM", Verdict.DELIVERED) : c);
        cells.add(Matrices.cell("vlan-tagged", "java-lan", OffloadState.ON, Verdict.DELIVERED, null, Verdict.DELIVERED));
        MatrixDocument after = Matrices.document("new", Matrices.environment("5.6.0-k"), cells);
        Comparison comparison = Comparison.of(before, after);
        Path html = dir.resolve("diff.html");
        DiffHeatmap.write(comparison, html);
        Geometry g = DiffHeatmap.geometry(comparison);
        BufferedImage shot = screenshot(html, g);

        List<String> wrong = new ArrayList<>();
        for (OffloadState offload : g.offloads()) {
            for (String persona : g.personas()) {
                for (String client : g.clients()) {
                    Key key = new Key(persona, client, offload);
                    Optional<CellChange> change = comparison.cell(key);
                    String expected = change.map(c -> DiffHeatmap.colour(c.kind())).orElse(Heatmap.NOT_APPLICABLE_COLOUR);
                    check(shot, g.cell(key), expected, key + " " + change.map(c -> c.kind().name()).orElse("n/a"), wrong);
                }
            }
        }
        assertThat(wrong).as("cells whose centre pixel is not their colour").isEmpty();
        assertThat(comparison.count(Comparison.Kind.REGRESSION)).isEqualTo(2);
        assertThat(comparison.count(Comparison.Kind.ADDED)).isEqualTo(1);
        assertThat(comparison.count(Comparison.Kind.REMOVED)).isEqualTo(1);
    }

    private static void check(BufferedImage shot, Rect r, String colour, String what, List<String> wrong) {
        int rgb = shot.getRGB(r.centreX(), r.centreY()) & 0xffffff;
        int want = Integer.parseInt(colour.substring(1), 16);
        if (rgb != want) {
            wrong.add(String.format("%s at (%d,%d): #%06x, expected %s", what, r.centreX(), r.centreY(), rgb, colour));
        }
    }

    private BufferedImage screenshot(Path html, Geometry g) throws IOException {
        Path png = dir.resolve(html.getFileName() + ".png");
        List<String> command = new ArrayList<>(List.of(chromium.toString(), "--headless", "--disable-gpu", "--hide-scrollbars",
                "--force-device-scale-factor=1", "--force-color-profile=srgb", "--no-first-run", "--user-data-dir=" + dir.resolve("profile"),
                "--window-size=" + g.width() + "," + g.height(), "--screenshot=" + png));
        if (Require.isRoot()) {
            command.add(1, "--no-sandbox"); // Chromium refuses to run as root inside its sandbox
        }
        command.add(html.toUri().toString());
        CommandRunner.Result r = new CommandRunner().run(TIMEOUT, command);
        assertThat(Files.isRegularFile(png)).as("%s: %s (exit %d, %s)", r.commandLine(), r.firstLine(), r.exitCode(),
                r.timedOut() ? "timed out" : "finished").isTrue();
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image).as("a PNG from chromium").isNotNull();
        assertThat(image.getWidth()).isEqualTo(g.width());
        assertThat(image.getHeight()).isEqualTo(g.height());
        return image;
    }
}

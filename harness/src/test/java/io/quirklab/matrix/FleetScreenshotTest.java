package io.quirklab.matrix;

import static org.assertj.core.api.Assertions.assertThat;

import io.quirklab.matrix.FleetMatrix.MachineCell;
import io.quirklab.matrix.Heatmap.Geometry;
import io.quirklab.matrix.Heatmap.Rect;
import io.quirklab.process.CommandRunner;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fleet page as headless Chromium draws it, checked against the fleet JSON written beside it: the centre pixel
 * of every (persona, client @ machine, offload) cell is the colour of that machine's verdict in the JSON, or n/a, and
 * the cells the JSON calls differing carry the double outline at their top edge while the others do not.
 */
class FleetScreenshotTest {
    @TempDir
    Path dir;

    @Test
    void everyCellHasTheColourOfItsVerdictInTheJsonAndDifferingCellsTheirOutline() throws IOException {
        Optional<Path> chromium = CommandRunner.which("chromium");
        Require.capability(Require.TOOLS, chromium.isPresent(), "chromium is not installed: apt-get install chromium");
        // a third machine with one client only: its other column is n/a
        MatrixDocument third = FleetMatrixTest.sample("df-clear");
        third = third.withCells(third.cells().stream().filter(c -> c.client().equals("java-lan")).toList());
        FleetMatrix merged = FleetMatrix.merge(List.of(new FleetMatrix.Source("a", FleetMatrixTest.sample("df-clear")),
                new FleetMatrix.Source("b", FleetMatrixTest.sample("id-echo")), new FleetMatrix.Source("c", third)));
        Path json = dir.resolve("fleet.json");
        merged.write(json);
        Path html = dir.resolve("fleet.html");
        FleetPage.write(merged, html);

        FleetMatrix fleet = FleetMatrix.read(json);
        Geometry g = FleetPage.geometry(fleet);
        BufferedImage shot = screenshot(chromium.get(), html, g);
        List<String> wrong = new ArrayList<>();
        int differing = 0;
        int notApplicable = 0;
        for (FleetMatrix.Panel panel : fleet.panels()) {
            for (String persona : fleet.axes().personas()) {
                for (String client : fleet.axes().clients()) {
                    for (FleetMatrix.Machine m : fleet.machines()) {
                        MachineCell c = panel.cell(m.id(), persona, client);
                        Rect r = g.cell(panel.offload(), persona, FleetPage.column(client, m.id()));
                        String what = persona + " x " + client + " @ " + m.id() + " x " + panel.offload();
                        String colour = c == null ? Heatmap.NOT_APPLICABLE_COLOUR : Heatmap.colour(c.verdict());
                        expect(shot, r.centreX(), r.centreY(), colour, what + " centre", wrong);
                        // the top edge row: the double outline (black) on a differing cell, the 1 px white cell border on the others
                        boolean differs = c != null && c.differs();
                        expect(shot, r.centreX(), r.y(), differs ? "#000000" : "#ffffff", what + " edge", wrong);
                        differing += differs ? 1 : 0;
                        notApplicable += c == null ? 1 : 0;
                    }
                }
            }
        }
        assertThat(wrong).as("cells drawn otherwise than the JSON says").isEmpty();
        assertThat(differing).as("df-clear and id-echo, offload on: 3 java-lan and 2 ipmitool-lan columns each").isEqualTo(10);
        assertThat(notApplicable).isEqualTo(8);
    }

    private static void expect(BufferedImage shot, int x, int y, String colour, String what, List<String> wrong) {
        int rgb = shot.getRGB(x, y) & 0xffffff;
        if (rgb != Integer.parseInt(colour.substring(1), 16)) {
            wrong.add(String.format("%s at (%d,%d): #%06x, expected %s", what, x, y, rgb, colour));
        }
    }

    private BufferedImage screenshot(Path chromium, Path html, Geometry g) throws IOException {
        Path png = dir.resolve("fleet.png");
        List<String> command = new ArrayList<>(List.of(chromium.toString(), "--headless", "--disable-gpu", "--hide-scrollbars",
                "--force-device-scale-factor=1", "--force-color-profile=srgb", "--no-first-run", "--user-data-dir=" + dir.resolve("profile"),
                "--window-size=" + g.width() + "," + g.height(), "--screenshot=" + png));
        if (Require.isRoot()) {
            command.add(1, "--no-sandbox"); // Chromium refuses to run as root inside its sandbox
        }
        command.add(html.toUri().toString());
        CommandRunner.Result r = new CommandRunner().run(Duration.ofSeconds(90), command);
        assertThat(Files.isRegularFile(png)).as("%s: %s (exit %d)", r.commandLine(), r.firstLine(), r.exitCode()).isTrue();
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image.getWidth()).isEqualTo(g.width());
        assertThat(image.getHeight()).isEqualTo(g.height());
        return image;
    }
}

package io.quirklab.engine;

import io.quirklab.matrix.OffloadState;

/**
 * What a front end hears of a run ({@code ./quirklab run}, {@code probe}, the matrix suite): it renders, the engine
 * runs. Calls come one at a time (the engine serialises them), from the engine's threads.
 */
public interface RunListener {
    /** A line worth showing (lab set-up, notes about left-out cells). */
    default void note(String line) {
    }

    /** The run is planned and about to start. */
    default void started(MatrixEngine.Started run) {
    }

    /** The lab switched to the next offload state; its cells follow. */
    default void phase(OffloadState offload) {
    }

    /** The lab switched to the next state (an offload state, or one fault model of several); its cells follow. */
    default void phase(MatrixPlan.Phase phase) {
        phase(phase.offload());
    }

    /** A cell's probe began. */
    default void cellStarted(MatrixPlan.Planned cell, MatrixEngine.Progress progress) {
    }

    /** A cell is recorded (matrix.json already holds it). */
    default void cellFinished(MatrixPlan.Planned cell, MatrixRecorder.Recorded recorded, MatrixEngine.Progress progress) {
    }

    /** The run's outputs are written. */
    default void finished(MatrixEngine.Finished run) {
    }

    /** A listener that hears nothing. */
    RunListener NONE = new RunListener() {
    };
}

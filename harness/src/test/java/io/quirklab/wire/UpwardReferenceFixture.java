package io.quirklab.wire;

import io.quirklab.engine.MatrixEngine;

/** A reference against the package order (wire -> engine), for PackageOrderTest to catch; test code only. */
public final class UpwardReferenceFixture {
    private UpwardReferenceFixture() {
    }

    static MatrixEngine againstTheOrder(MatrixEngine.World world) {
        return new MatrixEngine(world);
    }
}

package io.quirklab.scenarios;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/** Hands the run's one {@link MatrixSession} (launcher-session scoped, opened on first use) to the suites that ask. */
final class MatrixSessionExtension implements ParameterResolver {
    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == MatrixSession.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        LabFixture.requireMatrixPrerequisites();
        return MatrixSession.get(context);
    }
}

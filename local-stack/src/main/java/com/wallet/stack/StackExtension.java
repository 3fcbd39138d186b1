package com.wallet.stack;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 access to the {@link SharedStack}: declare a {@link Stack} parameter on a test, a constructor or a
 * {@code @BeforeAll} method. With {@code -Dstack=containers} and no Docker engine, the tests abort by assumption.
 */
public final class StackExtension implements BeforeAllCallback, ParameterResolver {

    @Override
    public void beforeAll(ExtensionContext context) {
        if ("containers".equals(SharedStack.kind())) {
            Assumptions.assumeTrue(
                    ContainersStack.dockerAvailable(), "-Dstack=containers, but no Docker engine answers here");
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == Stack.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return SharedStack.get();
    }
}

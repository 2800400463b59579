package dev.litefs.spring.test.autoconfigure;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import org.springframework.test.context.junit.jupiter.SpringExtension;

/**
 * Gives an {@link AutoConfigureLiteFs} test its {@link LiteFsTestMount} and
 * {@link LiteFsRecorder} as parameters of its test and lifecycle methods, from the
 * test's application context. {@code @AutoConfigureLiteFs} registers it.
 *
 * @since 0.2.0
 */
public class LiteFsParameterResolver implements ParameterResolver {

	@Override
	public boolean supportsParameter(ParameterContext parameter, ExtensionContext extension) {
		Class<?> type = parameter.getParameter().getType();
		return type == LiteFsTestMount.class || type == LiteFsRecorder.class;
	}

	@Override
	public Object resolveParameter(ParameterContext parameter, ExtensionContext extension) {
		return SpringExtension.getApplicationContext(extension).getBean(parameter.getParameter().getType());
	}

}

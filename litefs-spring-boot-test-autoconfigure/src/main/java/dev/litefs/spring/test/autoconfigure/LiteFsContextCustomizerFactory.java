package dev.litefs.spring.test.autoconfigure;

import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.TestContextAnnotationUtils;

/**
 * Finds {@link AutoConfigureLiteFs} on a test class (or an enclosing one, for
 * {@code @Nested} tests) and has its context run on a fake mount. Registered in
 * {@code META-INF/spring.factories}, as Spring Boot's own test customizers are.
 *
 * @since 0.2.0
 */
public class LiteFsContextCustomizerFactory implements ContextCustomizerFactory {

	@Override
	public @Nullable ContextCustomizer createContextCustomizer(Class<?> testClass,
			List<ContextConfigurationAttributes> configAttributes) {
		AutoConfigureLiteFs annotation = TestContextAnnotationUtils.findMergedAnnotation(testClass,
				AutoConfigureLiteFs.class);
		return (annotation != null) ? new LiteFsContextCustomizer(MountSettings.of(annotation)) : null;
	}

}

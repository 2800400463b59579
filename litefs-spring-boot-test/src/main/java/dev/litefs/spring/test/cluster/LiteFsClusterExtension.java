package dev.litefs.spring.test.cluster;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The JUnit 5 extension behind {@link LiteFsClusterTest}: starts the class's cluster
 * before all its tests, keeps it in the class's store (which closes it after them), and
 * resolves {@link LiteFsCluster} parameters.
 *
 * @since 0.2.0
 */
public final class LiteFsClusterExtension implements BeforeAllCallback, ParameterResolver {

	private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace
		.create(LiteFsClusterExtension.class);

	@Override
	public void beforeAll(ExtensionContext context) {
		cluster(context);
	}

	@Override
	public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
		return parameter.getParameter().getType() == LiteFsCluster.class;
	}

	@Override
	public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
		return cluster(context);
	}

	private static LiteFsCluster cluster(ExtensionContext context) {
		Class<?> testClass = context.getRequiredTestClass();
		LiteFsClusterTest settings = AnnotationSupport.findAnnotation(testClass, LiteFsClusterTest.class)
			.orElseThrow(() -> new ExtensionConfigurationException(testClass.getName() + " has no @LiteFsClusterTest"));
		ExtensionContext classContext = classContext(context, testClass);
		return classContext.getStore(NAMESPACE)
			.computeIfAbsent(LiteFsCluster.class, (key) -> LiteFsCluster.builder()
				.hostnames(settings.hostnames())
				.primary(settings.primary())
				.start(), LiteFsCluster.class);
	}

	/** The context of the class that carries the annotation: one cluster for all its tests. */
	private static ExtensionContext classContext(ExtensionContext context, Class<?> testClass) {
		ExtensionContext current = context;
		while (current.getTestMethod().isPresent() || current.getTestClass().filter(testClass::equals).isEmpty()) {
			ExtensionContext parent = current.getParent().orElse(null);
			if (parent == null) {
				return context;
			}
			current = parent;
		}
		return current;
	}

}

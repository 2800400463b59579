package dev.litefs.spring.test.autoconfigure;

import org.springframework.context.ApplicationContext;
import org.springframework.test.context.TestContext;
import org.springframework.test.context.TestContextAnnotationUtils;
import org.springframework.test.context.support.AbstractTestExecutionListener;

/**
 * Before each method of an {@link AutoConfigureLiteFs} test, puts the fake mount back
 * in the annotation's state and empties the {@link LiteFsRecorder}: tests that share a
 * cached context start alike. Registered in {@code META-INF/spring.factories}.
 *
 * @since 0.2.0
 */
public class LiteFsTestExecutionListener extends AbstractTestExecutionListener {

	/** Runs after Spring's own listeners have prepared the test instance. */
	@Override
	public int getOrder() {
		return 10_000;
	}

	@Override
	public void beforeTestMethod(TestContext testContext) {
		if (TestContextAnnotationUtils.findMergedAnnotation(testContext.getTestClass(),
				AutoConfigureLiteFs.class) == null) {
			return;
		}
		ApplicationContext context = testContext.getApplicationContext();
		context.getBeanProvider(LiteFsTestMount.class).ifAvailable(LiteFsTestMount::reset);
		context.getBeanProvider(LiteFsRecorder.class).ifAvailable(LiteFsRecorder::clear);
	}

}

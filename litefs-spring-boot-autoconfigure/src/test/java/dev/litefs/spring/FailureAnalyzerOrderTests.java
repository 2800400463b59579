package dev.litefs.spring;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.core.annotation.AnnotationAwareOrderComparator;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.core.io.support.SpringFactoriesLoader.FailureHandler;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Spring Boot asks the {@link FailureAnalyzer}s of every {@code spring.factories} in
 * {@code AnnotationAwareOrderComparator} order and prints the first analysis; its own are
 * unordered, so without an order of their own the starter's would depend on the class
 * path's order to come before Boot's generic ones (which match the starter's
 * {@code InvalidConfigurationPropertyValueException}s too, and only say "Review the
 * configuration property").
 */
class FailureAnalyzerOrderTests {

	@Test
	void everyAnalyzerOfTheStarterComesBeforeAnUnorderedOne() {
		List<FailureAnalyzer> starters = SpringFactoriesLoader.forDefaultResourceLocation(getClass().getClassLoader())
			// Boot's own need constructor arguments: only the starter's are wanted here
			.load(FailureAnalyzer.class, null, FailureHandler.handleMessage((message, failure) -> {
			}))
			.stream()
			.filter((analyzer) -> analyzer.getClass().getName().startsWith("dev.litefs.spring."))
			.toList();
		assertThat(starters).hasSizeGreaterThanOrEqualTo(3);
		FailureAnalyzer unordered = (failure) -> null;
		for (FailureAnalyzer starter : starters) {
			List<FailureAnalyzer> sorted = new ArrayList<>(List.of(unordered, starter));
			AnnotationAwareOrderComparator.sort(sorted);
			assertThat(sorted).as(starter.getClass().getName()).first().isSameAs(starter);
		}
	}

}

package dev.litefs.spring;

import java.io.File;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.util.ClassUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The starter in an application whose class path holds no Actuator, no Spring Boot
 * health support and no Micrometer metrics: nothing of theirs is registered, and the
 * application starts. Micrometer's observation API (and its commons) stays: it is a
 * compile dependency of spring-context, which every Spring application has, and the
 * starter observes through it directly.
 */
class WithoutActuatorTests {

	private static final Pattern ACTUATOR_OR_MICROMETER = Pattern
		.compile("(spring-boot-actuator|spring-boot-health|spring-boot-micrometer|micrometer-(?!observation|commons)"
				+ "|prometheus-)[^"
				+ Pattern.quote(File.separator) + "]*\\.jar$");

	@TempDir
	Path dir;

	@Test
	@SuppressWarnings("unchecked")
	void theApplicationStartsWithTheNodeAndNothingElse() throws Exception {
		try (URLClassLoader loader = new URLClassLoader(classPathWithoutActuatorOrMicrometer(),
				ClassLoader.getPlatformClassLoader())) {
			assertThat(ClassUtils.isPresent("org.springframework.boot.actuate.endpoint.annotation.Endpoint", loader))
				.isFalse();
			assertThat(ClassUtils.isPresent("org.springframework.boot.health.contributor.HealthIndicator", loader))
				.isFalse();
			assertThat(ClassUtils.isPresent("io.micrometer.core.instrument.MeterRegistry", loader)).isFalse();
			Thread thread = Thread.currentThread();
			ClassLoader previous = thread.getContextClassLoader();
			thread.setContextClassLoader(loader);
			try {
				List<String> beans = (List<String>) loader.loadClass(WithoutActuatorApplication.class.getName())
					.getMethod("run", String.class)
					.invoke(null, this.dir.toString());
				assertThat(beans).contains("dev.litefs.spring.node.LiteFsNode")
					// the auto-configuration itself, whose every part backs off
					.noneMatch((type) -> type.startsWith("dev.litefs.spring.actuate.")
							&& !type.equals("dev.litefs.spring.actuate.autoconfigure.LiteFsActuatorAutoConfiguration"))
					.noneMatch((type) -> type.contains("ReadinessGroup"));
			}
			finally {
				thread.setContextClassLoader(previous);
			}
		}
	}

	private static URL[] classPathWithoutActuatorOrMicrometer() throws MalformedURLException {
		List<URL> urls = new ArrayList<>();
		for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
			if (!ACTUATOR_OR_MICROMETER.matcher(entry).find()) {
				urls.add(Path.of(entry).toUri().toURL());
			}
		}
		return urls.toArray(URL[]::new);
	}

}

package dev.litefs.spring;

import java.nio.file.Path;

import dev.litefs.spring.node.LiteFsNode;
import dev.litefs.spring.test.FakeLiteFsMount;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.annotation.ImportCandidates;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.util.ClassUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every LiteFS auto-configuration together, on classpaths that lack one optional
 * integration: the node is still there and the context starts.
 */
public class ClasspathBackOffTests {

	@TempDir
	Path dir;

	@ParameterizedTest
	@ValueSource(strings = { "org.springframework.web", "org.flywaydb", "org.springframework.boot.actuate",
			"io.micrometer", "org.aspectj", "org.sqlite", "org.springframework.boot.jdbc" })
	void startsWithout(String missingPackage) {
		FakeLiteFsMount mount = FakeLiteFsMount.primary(this.dir);
		new ApplicationContextRunner().withConfiguration(allLiteFsAutoConfigurations())
			.withClassLoader(new FilteredClassLoader(missingPackage))
			.withPropertyValues(mount.properties())
			.run((context) -> assertThat(context).hasNotFailed().hasSingleBean(LiteFsNode.class));
	}

	public static AutoConfigurations allLiteFsAutoConfigurations() {
		ClassLoader classLoader = ClasspathBackOffTests.class.getClassLoader();
		return AutoConfigurations.of(ImportCandidates.load(AutoConfiguration.class, classLoader)
			.getCandidates()
			.stream()
			.filter((name) -> name.startsWith("dev.litefs."))
			.map((name) -> ClassUtils.resolveClassName(name, classLoader))
			.toArray(Class<?>[]::new));
	}

}

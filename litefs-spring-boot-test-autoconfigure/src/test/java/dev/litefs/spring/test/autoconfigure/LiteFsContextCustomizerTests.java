package dev.litefs.spring.test.autoconfigure;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import dev.litefs.spring.test.autoconfigure.AutoConfigureLiteFs.Role;
import org.junit.jupiter.api.Test;

import org.springframework.context.support.GenericApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.context.support.TestPropertySourceUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class LiteFsContextCustomizerTests {

	final MountSettings replica = new MountSettings(Role.REPLICA, "node-b", "node-a", 5, Duration.ofSeconds(2),
			"app.db", false);

	@Test
	void theMountsFolderIsDeletedWhenItsContextCloses() {
		GenericApplicationContext context = new GenericApplicationContext();
		new LiteFsContextCustomizer(this.replica).customizeContext(context, null);
		context.refresh();
		Path dir = context.getBean(LiteFsTestMount.class).dir();
		assertThat(dir.resolve(".primary")).hasContent("node-a");
		assertThat(dir.resolve("app.db-pos")).hasContent("0000000000000005/" + "%016x".formatted(
				Long.rotateLeft(5 * 0x9E3779B97F4A7C15L, 17)));
		assertThat(dir.resolve(".lag")).hasContent("+000002000");

		context.close();

		assertThat(Files.exists(dir)).isFalse();
	}

	@Test
	void theTestsOwnPropertiesWin() {
		GenericApplicationContext context = new GenericApplicationContext();
		context.getEnvironment().getPropertySources().addFirst(new MapPropertySource(
				TestPropertySourceUtils.INLINED_PROPERTIES_PROPERTY_SOURCE_NAME, Map.of("litefs.hostname", "mine")));
		new LiteFsContextCustomizer(this.replica).customizeContext(context, null);
		context.refresh();
		try {
			assertThat(context.getEnvironment().getProperty("litefs.hostname")).isEqualTo("mine");
			assertThat(context.getEnvironment().getProperty("litefs.mount-dir"))
				.isEqualTo(context.getBean(LiteFsTestMount.class).dir().toString());
			assertThat(context.getEnvironment().getProperty("spring.datasource.url"))
				.isEqualTo("jdbc:sqlite:" + context.getBean(LiteFsTestMount.class).database());
		}
		finally {
			context.close();
		}
	}

	@Test
	void equalSettingsShareAContext() {
		assertThat(new LiteFsContextCustomizer(this.replica)).isEqualTo(new LiteFsContextCustomizer(
				new MountSettings(Role.REPLICA, "node-b", "node-a", 5, Duration.ofMillis(2000), "app.db",
						false)));
		assertThat(new LiteFsContextCustomizer(this.replica)).isNotEqualTo(new LiteFsContextCustomizer(
				new MountSettings(Role.REPLICA, "node-b", "node-a", 6, Duration.ofSeconds(2), "app.db",
						false)));
	}

	@Test
	void aLagThatIsNoDurationIsNamed() {
		@AutoConfigureLiteFs(role = Role.REPLICA, lag = "two seconds")
		class BadLag {
		}
		assertThatIllegalArgumentException()
			.isThrownBy(() -> MountSettings.of(BadLag.class.getAnnotation(AutoConfigureLiteFs.class)))
			.withMessage("@AutoConfigureLiteFs(lag = \"two seconds\") is no duration: write it as Spring Boot does, "
					+ "e.g. \"2s\" or \"150ms\"");
	}

}

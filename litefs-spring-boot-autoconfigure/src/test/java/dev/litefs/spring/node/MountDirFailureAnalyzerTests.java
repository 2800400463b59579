package dev.litefs.spring.node;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration;
import org.springframework.boot.liquibase.autoconfigure.LiquibaseAutoConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * An unusable {@code litefs.mount-dir} fails start-up with Spring Boot's failure report,
 * written by the starter's analyzer: what the value is, and what to set.
 */
@ExtendWith(OutputCaptureExtension.class)
class MountDirFailureAnalyzerTests {

	@TempDir
	Path dir;

	@Test
	void anUnsetMountDirSaysWhatToSetItTo(CapturedOutput output) {
		assertThatThrownBy(() -> application().run()).rootCause().isInstanceOf(MountDirException.class);
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("litefs.mount-dir is not set")
			.contains("Set litefs.mount-dir (or the environment variable LITEFS_MOUNT_DIR) to:")
			.contains("- the folder LiteFS mounts, 'fuse.dir' in litefs.yml")
			.contains("- or a plain folder, to run as a standalone primary without LiteFS")
			.contains("Or set litefs.enabled=false")
			.doesNotContain("Review the configuration property");
	}

	@Test
	void aMountDirThatIsAFileSaysWhereItPointsAndWhatToSet(CapturedOutput output) throws IOException {
		Path file = Files.writeString(this.dir.resolve("litefs"), "not a folder");
		assertThatThrownBy(() -> application().properties("litefs.mount-dir=" + file).run()).rootCause()
			.isInstanceOf(MountDirException.class);
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("litefs.mount-dir is '" + file + "' (resolved to " + file + "), and that is a file, not a folder")
			.contains("Set litefs.mount-dir to the folder LiteFS mounts, 'fuse.dir' in litefs.yml")
			.contains("If " + file + " is the folder you meant, move the file " + file + " out of the way.")
			.doesNotContain("Review the configuration property");
	}

	@Test
	void aRelativeMountDirUnderAFileSaysWhereItIsResolvedAndWhichFileIsInTheWay(CapturedOutput output)
			throws IOException {
		Path workingDir = Path.of("").toAbsolutePath();
		Path file = Files.writeString(Files.createTempFile(workingDir.resolve("target"), "mount-", ".txt"), "a file");
		try {
			Path relative = workingDir.relativize(file).resolve("litefs");
			assertThatThrownBy(() -> application().properties("litefs.mount-dir=" + relative).run()).rootCause()
				.isInstanceOf(MountDirException.class);
			assertThat(output).contains("litefs.mount-dir is '" + relative + "' (resolved to "
					+ workingDir.resolve(relative) + "), and it lies under " + file + ", which is a file, not a folder")
				.contains("a relative path is resolved against the working directory (" + workingDir + ")");
		}
		finally {
			Files.delete(file);
		}
	}

	private SpringApplicationBuilder application() {
		return new SpringApplicationBuilder(AutoConfiguredApplication.class).web(WebApplicationType.NONE)
			.properties("spring.main.banner-mode=off", "litefs.hostname=node-a");
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration(exclude = { LiquibaseAutoConfiguration.class, HibernateJpaAutoConfiguration.class }) // on this module's test classpath
	static class AutoConfiguredApplication {

	}

}

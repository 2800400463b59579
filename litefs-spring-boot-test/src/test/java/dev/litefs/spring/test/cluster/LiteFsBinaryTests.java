package dev.litefs.spring.test.cluster;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The documented lookup of the {@code litefs} binary.
 */
class LiteFsBinaryTests {

	@Test
	void theCacheFolderIsNamedAfterTheVersion() {
		assertThat(LiteFsBinary.cacheFolder().toString()).endsWith("litefs-spring-boot/litefs-v0.5.14");
	}

	@Test
	void aCommandOnPathIsFoundAndAMissingOneIsNot() {
		assertThat(LiteFsBinary.onPath("sh")).hasValueSatisfying((path) -> assertThat(path).isExecutable());
		assertThat(LiteFsBinary.onPath("no-such-command-anywhere")).isEmpty();
	}

}

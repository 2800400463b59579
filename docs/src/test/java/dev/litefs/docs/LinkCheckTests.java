package dev.litefs.docs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Relative links and anchors of Markdown pages.
 */
class LinkCheckTests {

	@TempDir
	Path root;

	@Test
	void anchorsAreGitHubs() {
		assertThat(LinkCheck.anchors(List.of("# LiteFS Spring Boot", "## Writes reach the primary: `@EnsurePrimary`",
				"### `forward` in detail", "## Notes", "## Notes", "```", "## not a heading", "```",
				"<a id=\"custom\"></a>")))
			.containsExactlyInAnyOrder("litefs-spring-boot", "writes-reach-the-primary-ensureprimary",
					"forward-in-detail", "notes", "notes-1", "custom");
	}

	@Test
	void reportsMissingFilesAndHeadingsAndNothingElse() throws IOException {
		Files.createDirectories(this.root.resolve("docs"));
		Files.writeString(this.root.resolve("docs/routing.md"), "# Routing\n\n## The safety net\n");
		Path readme = this.root.resolve("README.md");
		Files.writeString(readme, """
				# Title
				[ok](docs/routing.md) [ok](docs/routing.md#the-safety-net) [ok](#title) [ok](docs/)
				[site](https://example.com/x#y) `[code](missing.md)`
				[gone](docs/gone.md) [no heading](docs/routing.md#nowhere)
				```
				[in a block](missing.md)
				```
				[ref]: #nothing
				""");
		assertThat(new LinkCheck().check(this.root, List.of(readme))).containsExactly(
				"README.md:4: docs/gone.md (no such file)", "README.md:4: docs/routing.md#nowhere (no such heading)",
				"README.md:8: #nothing (no such heading)");
	}

}

package dev.litefs.docs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * The properties page rendered from configuration metadata.
 */
class ConfigurationPropertiesPageTests {

	private static final JsonMapper JSON = new JsonMapper();

	@Test
	void rendersOneTablePerGroupWithDefaultsAndHints() {
		String page = ConfigurationPropertiesPage.render(List.of(metadata("""
				{ "groups": [ { "name": "litefs", "sourceType": "dev.litefs.A" },
				              { "name": "litefs.routing", "sourceType": "dev.litefs.B" } ],
				  "properties": [
				    { "name": "litefs.routing.strategy", "sourceType": "dev.litefs.B", "defaultValue": "auto",
				      "description": "How | a replica answers." },
				    { "name": "litefs.enabled", "sourceType": "dev.litefs.A", "defaultValue": true,
				      "description": "Whether it is on." },
				    { "name": "litefs.routing.exclude", "sourceType": "dev.litefs.B", "defaultValue": ["/a/**", "/b"],
				      "description": "Paths." } ],
				  "hints": [ { "name": "litefs.routing.strategy", "values": [ { "value": "auto", "description": "The default." } ] } ] }
				"""), metadata("""
				{ "properties": [ { "name": "server.port", "sourceType": "org.example.Server" } ] }
				""")));
		assertThat(page).contains("""
				## `litefs`

				| property | default | meaning |
				| --- | --- | --- |
				| `litefs.enabled` | `true` | Whether it is on. |

				## `litefs.routing`

				| property | default | meaning |
				| --- | --- | --- |
				| `litefs.routing.exclude` | `/a/**`, `/b` | Paths. |
				| `litefs.routing.strategy` | `auto` | How \\| a replica answers. Values: `auto` (The default). |
				""").doesNotContain("server.port");
	}

	@Test
	void failsNamingEachPropertyOfTheStarterWithoutADescription() {
		assertThatIllegalStateException().isThrownBy(() -> ConfigurationPropertiesPage.render(List.of(metadata("""
				{ "properties": [ { "name": "litefs.a", "sourceType": "dev.litefs.A", "description": "A." },
				                  { "name": "litefs.b", "sourceType": "dev.litefs.A", "description": " " },
				                  { "name": "litefs.c", "sourceType": "dev.litefs.A" } ] }
				""")))).withMessageContaining("litefs.b (dev.litefs.A)").withMessageContaining("litefs.c (dev.litefs.A)")
			.withMessageNotContaining("litefs.a");
	}

	@Test
	void failsWithoutAnyPropertyOfTheStarter() {
		assertThatIllegalStateException().isThrownBy(() -> ConfigurationPropertiesPage.render(List.of(metadata("""
				{ "properties": [ { "name": "server.port", "sourceType": "org.example.Server" } ] }
				"""))));
	}

	@Test
	void aStalePageFailsNamingTheCommandThatRewritesItAndThatCommandRewritesIt(@TempDir Path dir) throws IOException {
		Path committed = dir.resolve("configuration-properties.md");
		Path generated = dir.resolve("target/configuration-properties.md");
		Files.writeString(committed, "# stale\n");
		String[] check = { committed.toString(), generated.toString(), "false" };
		assertThatIllegalStateException().isThrownBy(() -> ConfigurationPropertiesPage.main(check))
			.withMessageContaining(ConfigurationPropertiesPage.UPDATE_COMMAND);
		assertThat(generated).content().contains("| `litefs.enabled` | `true` |");

		ConfigurationPropertiesPage.main(new String[] { committed.toString(), generated.toString(), "true" });

		assertThat(committed).hasSameTextualContentAs(generated);
		ConfigurationPropertiesPage.main(check);
	}

	private static JsonNode metadata(String json) {
		return JSON.readTree(json);
	}

}

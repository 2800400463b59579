package dev.litefs.docs;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes {@code docs/configuration-properties.md} from the starter's
 * {@code META-INF/spring-configuration-metadata.json}: one table per group of properties
 * (as the metadata groups them: one per {@code @ConfigurationProperties} prefix), each
 * property with its default and description. Fails when a property has no description,
 * and when the committed page differs from what the metadata gives, unless asked to
 * rewrite it.
 */
public final class ConfigurationPropertiesPage {

	/** Where the properties documented come from: the starter's own types. */
	static final String SOURCE_PREFIX = "dev.litefs.";

	static final String UPDATE_COMMAND = "./mvnw -pl docs -am verify -DskipTests -Ddocs.update=true";

	private ConfigurationPropertiesPage() {
	}

	/**
	 * Arguments: the committed page, the page to write into {@code target/}, and
	 * {@code true} to rewrite the committed page.
	 * @param args the arguments
	 * @throws IOException when a file cannot be read or written
	 */
	public static void main(String[] args) throws IOException {
		Path committed = Path.of(args[0]);
		Path generated = Path.of(args[1]);
		boolean update = Boolean.parseBoolean(args[2]);
		String page = render(metadata());
		Files.createDirectories(generated.getParent());
		Files.writeString(generated, page);
		if (update) {
			Files.writeString(committed, page);
			return;
		}
		String current = Files.exists(committed) ? Files.readString(committed) : "";
		if (!current.equals(page)) {
			throw new IllegalStateException(committed + " is not what the configuration metadata gives (see "
					+ generated + "). Rewrite it with: " + UPDATE_COMMAND);
		}
	}

	/** Every metadata file on the class path, read as a tree. */
	static List<JsonNode> metadata() throws IOException {
		JsonMapper json = new JsonMapper();
		List<JsonNode> files = new ArrayList<>();
		for (URL url : Collections.list(ConfigurationPropertiesPage.class.getClassLoader()
			.getResources("META-INF/spring-configuration-metadata.json"))) {
			try (InputStream in = url.openStream()) {
				files.add(json.readTree(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
			}
		}
		return files;
	}

	/**
	 * The page for the starter's properties in these metadata files.
	 * @param metadata the metadata files
	 * @return the page, in Markdown
	 * @throws IllegalStateException naming every property of the starter without a description
	 */
	static String render(List<JsonNode> metadata) {
		List<String> groups = new ArrayList<>();
		List<JsonNode> properties = new ArrayList<>();
		Map<String, JsonNode> hints = new TreeMap<>();
		for (JsonNode file : metadata) {
			file.path("groups").forEach((group) -> {
				if (ours(group)) {
					groups.add(group.path("name").asString());
				}
			});
			file.path("properties").forEach((property) -> {
				if (ours(property)) {
					properties.add(property);
				}
			});
			file.path("hints").forEach((hint) -> hints.put(hint.path("name").asString(), hint));
		}
		if (properties.isEmpty()) {
			throw new IllegalStateException("No property of the starter in the configuration metadata on the class path");
		}
		List<String> undescribed = properties.stream()
			.filter((property) -> property.path("description").asString("").isBlank())
			.map((property) -> property.path("name").asString() + " (" + property.path("sourceType").asString() + ")")
			.toList();
		if (!undescribed.isEmpty()) {
			throw new IllegalStateException("Properties without a description: " + undescribed
					+ ". Write a Javadoc comment on each field: the configuration processor makes it the description");
		}
		Map<String, List<JsonNode>> byGroup = new TreeMap<>();
		properties.stream()
			.sorted(Comparator.comparing((JsonNode property) -> property.path("name").asString()))
			.forEach((property) -> byGroup.computeIfAbsent(groupOf(property.path("name").asString(), groups),
					(group) -> new ArrayList<>()).add(property));
		StringBuilder page = new StringBuilder();
		page.append("# Configuration properties\n\n")
			.append("<!-- Generated from the starter's configuration metadata by the docs module: do not edit.\n")
			.append("     Rewrite it with ").append(UPDATE_COMMAND).append(" -->\n\n")
			.append("Every property of the starter, as your IDE shows it from the starter's\n")
			.append("`spring-configuration-metadata.json`. Durations take Spring Boot's forms (`500ms`, `5s`, `1m`),\n")
			.append("sizes `1MB`. A value that cannot be used stops start-up with a failure naming the property.\n");
		byGroup.forEach((group, members) -> {
			page.append("\n## `").append(group).append("`\n\n")
				.append("| property | default | meaning |\n")
				.append("| --- | --- | --- |\n");
			for (JsonNode property : members) {
				page.append("| `").append(property.path("name").asString()).append("` | ")
					.append(defaultOf(property.path("defaultValue"))).append(" | ")
					.append(cell(meaningOf(property, hints))).append(" |\n");
			}
		});
		return page.toString();
	}

	private static boolean ours(JsonNode node) {
		return node.path("sourceType").asString("").startsWith(SOURCE_PREFIX);
	}

	/** The longest group that is a prefix of the property's name. */
	private static String groupOf(String name, List<String> groups) {
		return groups.stream()
			.filter((group) -> name.startsWith(group + "."))
			.max(Comparator.comparingInt(String::length))
			.orElse(name.substring(0, Math.max(name.lastIndexOf('.'), 0)));
	}

	private static String defaultOf(JsonNode value) {
		if (value.isMissingNode() || value.isNull()) {
			return "";
		}
		if (value.isArray()) {
			List<String> values = new ArrayList<>();
			value.forEach((element) -> values.add("`" + element.asString() + "`"));
			return String.join(", ", values);
		}
		return "`" + value.asString() + "`";
	}

	private static String meaningOf(JsonNode property, Map<String, JsonNode> hints) {
		StringBuilder meaning = new StringBuilder(property.path("description").asString().strip());
		JsonNode deprecation = property.path("deprecation");
		if (!deprecation.isMissingNode()) {
			meaning.append(" Deprecated");
			String replacement = deprecation.path("replacement").asString("");
			meaning.append(replacement.isEmpty() ? "." : ": use `" + replacement + "`.");
		}
		JsonNode hint = hints.get(property.path("name").asString());
		if (hint != null && !hint.path("values").isEmpty()) {
			List<String> values = new ArrayList<>();
			hint.path("values").forEach((value) -> {
				String description = value.path("description").asString("").strip().replaceAll("\\.$", "");
				values.add("`" + value.path("value").asString() + "`"
						+ (description.isEmpty() ? "" : " (" + description + ")"));
			});
			meaning.append(" Values: ").append(String.join(", ", values)).append('.');
		}
		return meaning.toString();
	}

	/** Text a table cell can hold: one line, its pipes escaped. */
	private static String cell(String text) {
		return text.replaceAll("\\s*\\R\\s*", " ").replace("|", "\\|");
	}

}

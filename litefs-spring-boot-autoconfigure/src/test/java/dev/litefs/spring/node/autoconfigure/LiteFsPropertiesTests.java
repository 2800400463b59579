package dev.litefs.spring.node.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import dev.litefs.spring.actuate.autoconfigure.LiteFsHealthProperties;
import dev.litefs.spring.consistency.autoconfigure.LiteFsConsistencyProperties;
import dev.litefs.spring.schema.autoconfigure.LiteFsSchemaProperties;
import dev.litefs.spring.halt.autoconfigure.LiteFsHaltProperties;
import dev.litefs.spring.routing.autoconfigure.LiteFsRoutingProperties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The reference documentation's page of properties (generated from the configuration
 * metadata by the docs module) against the starter's own: the same properties (as the
 * configuration metadata lists them), and the defaults it shows are the defaults the
 * properties classes have.
 */
class LiteFsPropertiesTests {

	private static final Path PAGE = Path.of("../docs/configuration-properties.md");

	/** A row of a table: the property, then its default as one or more {@code `values`}. */
	private static final Pattern ROW = Pattern.compile("^\\| `([a-z][a-z.-]*)` \\| ([^|]*) \\|");

	private static final Pattern VALUE = Pattern.compile("`([^`]*)`");

	/** A default column that is values alone: {@code `a`, `b`}, perhaps then {@code (a remark)}. */
	private static final Pattern DEFAULT = Pattern.compile("`[^`]*`(, `[^`]*`)*( \\(.*\\))?");

	@Test
	void theReadmeListsEveryPropertyOfTheStarterAndNoOther() throws IOException {
		assertThat(readmeDefaults().keySet()).containsExactlyInAnyOrderElementsOf(metadataProperties());
	}

	@Test
	void theDefaultsTheReadmeShowsAreTheDefaults() throws IOException {
		Map<String, String> shown = new LinkedHashMap<>();
		readmeDefaults().forEach((property, value) -> {
			// values in backticks, perhaps with a remark in brackets, are a default; "(required)",
			// "(empty)", "(unset: ...)" and "`$HOSTNAME`, then the machine's host name" are not
			if (DEFAULT.matcher(value).matches()) {
				List<String> values = new ArrayList<>();
				Matcher matcher = VALUE.matcher(value);
				while (matcher.find()) {
					values.add(matcher.group(1));
				}
				shown.put(property, String.join(",", values));
			}
		});
		assertThat(shown).hasSizeGreaterThan(25);
		Binder binder = new Binder(new MapConfigurationPropertySource(shown));
		assertBindsToDefaults(binder, "litefs", LiteFsProperties::new);
		assertBindsToDefaults(binder, "litefs.routing", LiteFsRoutingProperties::new);
		assertBindsToDefaults(binder, "litefs.consistency", LiteFsConsistencyProperties::new);
		assertBindsToDefaults(binder, "litefs.schema", LiteFsSchemaProperties::new);
		assertBindsToDefaults(binder, "litefs.halt", LiteFsHaltProperties::new);
		assertBindsToDefaults(binder, "litefs.health", LiteFsHealthProperties::new);
	}

	/** Each properties class, bound to the defaults shown under its prefix, is as it starts. */
	private static <T> void assertBindsToDefaults(Binder binder, String prefix, Supplier<T> properties) {
		T bound = binder.bind(prefix, Bindable.ofInstance(properties.get())).orElseGet(properties);
		assertThat(bound).as(prefix).usingRecursiveComparison().isEqualTo(properties.get());
	}

	/** The {@code litefs.*} rows of the page's tables, property to the default column as written. */
	private static Map<String, String> readmeDefaults() throws IOException {
		List<String> lines = Files.readAllLines(PAGE);
		assertThat(lines).as("the page's tables of properties").contains("| property | default | meaning |");
		Map<String, String> rows = new LinkedHashMap<>();
		for (int header = lines.indexOf("| property | default | meaning |"); header >= 0;
				header = indexOf(lines, "| property | default | meaning |", header + 1)) {
			for (int i = header + 2; i < lines.size() && lines.get(i).startsWith("|"); i++) {
				Matcher row = ROW.matcher(lines.get(i));
				assertThat(row.find()).as("a row of the table: %s", lines.get(i)).isTrue();
				if (row.group(1).startsWith("litefs.")) {
					rows.put(row.group(1), row.group(2).strip());
				}
			}
		}
		return rows;
	}

	private static int indexOf(List<String> lines, String line, int from) {
		int found = lines.subList(from, lines.size()).indexOf(line);
		return (found < 0) ? -1 : from + found;
	}

	/** The {@code litefs.*} properties of the metadata the configuration processor wrote. */
	private static TreeSet<String> metadataProperties() throws IOException {
		JsonMapper json = new JsonMapper();
		TreeSet<String> names = new TreeSet<>();
		for (URL url : Collections.list(LiteFsPropertiesTests.class.getClassLoader()
			.getResources("META-INF/spring-configuration-metadata.json"))) {
			try (InputStream in = url.openStream()) {
				for (JsonNode property : json.readTree(in).path("properties")) {
					String name = property.path("name").asString();
					if (name.startsWith("litefs.")) {
						names.add(name);
					}
				}
			}
		}
		assertThat(names).as("the starter's configuration metadata").isNotEmpty();
		return names;
	}

}

package dev.litefs.spring.test.autoconfigure;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

import dev.litefs.spring.jdbc.autoconfigure.LiteFsDataSourceEnvironmentPostProcessor;

import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.MergedContextConfiguration;
import org.springframework.test.context.support.TestPropertySourceUtils;

/**
 * Makes the fake mount of an {@link AutoConfigureLiteFs} for one application context:
 * its folder, the {@code litefs.*} properties that point the application at it, the
 * {@link LiteFsTestMount} and {@link LiteFsRecorder} beans, and the folder's deletion
 * when the context closes.
 */
class LiteFsContextCustomizer implements ContextCustomizer {

	/** The name of the property source this customizer adds. */
	static final String PROPERTY_SOURCE = "LiteFS fake mount (@AutoConfigureLiteFs)";

	/** No LiteFS listens here: a LiteFS running on the machine must not answer for the fake mount. */
	static final String NO_API = "http://127.0.0.1:1";

	private final MountSettings settings;

	LiteFsContextCustomizer(MountSettings settings) {
		this.settings = settings;
	}

	@Override
	public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration config) {
		Path dir;
		try {
			dir = Files.createTempDirectory("litefs-test-");
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot make the folder of the fake LiteFS mount", ex);
		}
		ConfigurableListableBeanFactory beans = context.getBeanFactory();
		LiteFsTestMount mount = new LiteFsTestMount(this.settings, dir, beans);
		beans.registerSingleton("liteFsTestMount", mount);
		beans.registerSingleton("liteFsRecorder", new LiteFsRecorder());
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("litefs.mount-dir", dir.toString());
		properties.put("litefs.hostname", this.settings.hostname());
		properties.put("litefs.database", this.settings.database());
		properties.put("litefs.api-url", NO_API);
		if (this.settings.virtualThreads()) {
			properties.put(ClusterApplication.SPRING_VIRTUAL_THREADS, "true");
		}
		MutablePropertySources sources = context.getEnvironment().getPropertySources();
		MapPropertySource source = new MapPropertySource(PROPERTY_SOURCE, properties);
		// below the test's own properties, above the application's configuration files
		if (sources.contains(TestPropertySourceUtils.INLINED_PROPERTIES_PROPERTY_SOURCE_NAME)) {
			sources.addAfter(TestPropertySourceUtils.INLINED_PROPERTIES_PROPERTY_SOURCE_NAME, source);
		}
		else {
			sources.addFirst(source);
		}
		// the starter's DataSource defaults, had the application's configuration set no mount
		LiteFsDataSourceEnvironmentPostProcessor.addDefaults(context.getEnvironment(), context.getClassLoader());
		context.addApplicationListener(new FolderDeletion(context, dir));
	}

	/** Deletes the mount's folder when its context closes. */
	private record FolderDeletion(ConfigurableApplicationContext context, Path dir)
			implements ApplicationListener<ContextClosedEvent> {

		@Override
		public void onApplicationEvent(ContextClosedEvent event) {
			if (event.getApplicationContext() == this.context) {
				delete(this.dir);
			}
		}

	}

	private static void delete(Path dir) {
		try (Stream<Path> files = Files.walk(dir)) {
			for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
				Files.deleteIfExists(file);
			}
		}
		catch (IOException ex) {
			// a file the application still holds open; the system's temporary folder keeps it
		}
	}

	@Override
	public boolean equals(Object other) {
		return (other instanceof LiteFsContextCustomizer customizer) && this.settings.equals(customizer.settings);
	}

	@Override
	public int hashCode() {
		return this.settings.hashCode();
	}

}

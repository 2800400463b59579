package dev.litefs.spring.jdbc.autoconfigure;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.litefs.spring.jdbc.BrokenMountEviction;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.util.ClassUtils;

/**
 * Points Spring Boot's DataSource at the SQLite database on the LiteFS mount, with
 * defaults that suit SQLite there, unless {@code spring.datasource.url} is set.
 * <p>
 * The defaults are added as the environment's last property source, so any
 * {@code spring.datasource.*} property the application sets wins over them:
 * <ul>
 * <li>{@code spring.datasource.url=jdbc:sqlite:${litefs.mount-dir}/${litefs.database}}</li>
 * <li>{@code spring.datasource.hikari.maximum-pool-size=4}: readers share the pool,
 * SQLite writes one at a time anyway;</li>
 * <li>{@code spring.datasource.hikari.data-source-properties.busy_timeout=5000}: a
 * writer waits up to 5 s for another instead of failing with {@code SQLITE_BUSY};</li>
 * <li>{@code spring.datasource.hikari.data-source-properties.foreign_keys=true};</li>
 * <li>{@code spring.datasource.hikari.max-lifetime=0} and
 * {@code spring.datasource.hikari.idle-timeout=0}: connections are never retired, so
 * that, with Hikari's default {@code minimum-idle} (the pool size), the pool opens its
 * connections once and never empties;</li>
 * <li>{@code spring.datasource.hikari.exception-override-class-name=}{@link BrokenMountEviction}:
 * a connection whose mount went away (LiteFS stopped or restarted) is evicted, never one
 * that only had a write refused.</li>
 * </ul>
 * A pool that never empties, because of what a WAL-mode replica does when the JVM's last
 * connection to the database closes: SQLite deletes the {@code -wal} and {@code -shm}
 * files on the mount, the next connection creates the {@code -shm} again, empty, while
 * LiteFS grows it behind the kernel's back as it applies the primary's transactions (it
 * writes its own copy of the file), and SQLite's first read of the memory it maps there
 * can end the JVM with {@code SIGBUS}. Seen on LiteFS 0.5.14 with a pool that evicted a
 * connection per refused write: 6 crashes in 13 runs of 200 writes (1,837 connections
 * opened), each right after such a re-creation; with these defaults 0 in 11 runs (4,600
 * writes), which opened only the pool's 4 connections each, at start-up.
 * <p>
 * The journal mode is the database's own (LiteFS supports rollback journal and WAL);
 * choose one with {@code spring.datasource.hikari.data-source-properties.journal_mode}.
 * <p>
 * Properties rather than a {@code JdbcConnectionDetails} bean (Spring Boot 4.1,
 * {@code org.springframework.boot.jdbc.autoconfigure}), because:
 * <ul>
 * <li>connection details take precedence over {@code spring.datasource.*}: with a bean of
 * its own, {@code DataSourceAutoConfiguration} creates no
 * {@code PropertiesJdbcConnectionDetails}, and Boot's pool configuration sets the URL, user
 * name, password and driver from the bean after binding, over an application's own
 * {@code spring.datasource.url};</li>
 * <li>they hold only those four values: the pool and SQLite defaults above would still
 * need properties;</li>
 * <li>code that reads {@code spring.datasource.url} or {@code DataSourceProperties} (a
 * DataSource an application builds from them, the test kit) would no longer see the
 * database on the mount.</li>
 * </ul>
 * Flyway is the same either way: it migrates the application's DataSource unless
 * {@code spring.flyway.url} is set.
 *
 * @since 0.2.0
 */
public class LiteFsDataSourceEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

	/** The name of the property source holding the defaults. */
	static final String PROPERTY_SOURCE_NAME = "litefsDataSourceDefaults";

	private static final String SQLITE_DRIVER = "org.sqlite.JDBC";

	private static final String HIKARI = "com.zaxxer.hikari.HikariDataSource";

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		addDefaults(environment, application.getClassLoader());
	}

	/**
	 * Adds the defaults to an environment, as this post-processor does; for a caller that
	 * sets {@code litefs.mount-dir} only after the environment was post-processed (the test
	 * kit's fake mount). Nothing is added twice.
	 * @param environment the environment
	 * @param classLoader the application's class loader
	 */
	public static void addDefaults(ConfigurableEnvironment environment, @Nullable ClassLoader classLoader) {
		boolean enabled = environment.getProperty("litefs.enabled", Boolean.class, true);
		if (!enabled || environment.getPropertySources().contains(PROPERTY_SOURCE_NAME)
				|| environment.containsProperty("spring.datasource.url")
				|| !environment.containsProperty("litefs.mount-dir")
				|| !ClassUtils.isPresent(SQLITE_DRIVER, classLoader)) {
			return;
		}
		Map<String, Object> defaults = new LinkedHashMap<>();
		defaults.put("spring.datasource.url", "jdbc:sqlite:${litefs.mount-dir}/${litefs.database:app.db}");
		defaults.put("spring.datasource.hikari.maximum-pool-size", 4);
		defaults.put("spring.datasource.hikari.max-lifetime", 0);
		defaults.put("spring.datasource.hikari.idle-timeout", 0);
		defaults.put("spring.datasource.hikari.data-source-properties.busy_timeout", 5000);
		defaults.put("spring.datasource.hikari.data-source-properties.foreign_keys", true);
		if (ClassUtils.isPresent(HIKARI, classLoader)) {
			defaults.put("spring.datasource.hikari.exception-override-class-name", BrokenMountEviction.class.getName());
		}
		// SpringApplication's own default properties are moved behind this source: skip what they set
		defaults.keySet().removeIf(environment::containsProperty);
		environment.getPropertySources().addLast(new MapPropertySource(PROPERTY_SOURCE_NAME, defaults));
	}

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

}

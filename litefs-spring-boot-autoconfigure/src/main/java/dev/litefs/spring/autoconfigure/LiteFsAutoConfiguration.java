package dev.litefs.spring.autoconfigure;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;


import dev.litefs.spring.node.Hostnames;
import dev.litefs.spring.node.LiteFsApi;
import dev.litefs.spring.node.LiteFsMount;
import dev.litefs.spring.node.LiteFsNode;
import dev.litefs.spring.node.LiteFsScheduler;
import dev.litefs.spring.node.MountDirException;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

import static dev.litefs.spring.internal.PropertyChecks.atLeastOneMilli;
import static dev.litefs.spring.internal.PropertyChecks.check;

/**
 * Auto-configuration of the {@link LiteFsNode}: what every other LiteFS feature asks
 * about this node's role, the primary and the database's position.
 *
 * @since 0.2.0
 */
@AutoConfiguration(beforeName = "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration")
@ConditionalOnLiteFsEnabled
@EnableConfigurationProperties(LiteFsProperties.class)
public final class LiteFsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	LiteFsScheduler liteFsScheduler() {
		return new LiteFsScheduler();
	}

	@Bean
	@ConditionalOnMissingBean
	LiteFsNode liteFsNode(LiteFsProperties properties, Environment environment, ApplicationEventPublisher events,
			LiteFsScheduler scheduler) {
		Path mountDir = properties.getMountDir();
		if (mountDir == null) {
			throw MountDirException.notSet();
		}
		assertCanBeAFolder(mountDir);
		LiteFsApi api = new LiteFsApi(apiUrl(properties.getApiUrl()),
				atLeastOneMilli("litefs.api-timeout", properties.getApiTimeout()));
		return new LiteFsNode(new LiteFsMount(mountDir, database(properties.getDatabase())),
				hostname(properties, environment), api, atLeastOneMilli("litefs.poll-interval", properties.getPollInterval()),
				waitPollInterval(properties.getConsistency().getPollInterval()), events, scheduler);
	}

	/** It ends the JDBC URL, where a path or a query string would change what SQLite opens. */
	private static String database(String database) {
		check("litefs.database", database, !database.isBlank(), "must not be empty");
		check("litefs.database", database,
				!database.contains("/") && !database.contains("\\") && !database.equals(".") && !database.equals(".."),
				"must be a file name inside litefs.mount-dir, not a path");
		check("litefs.database", database, database.chars().noneMatch((c) -> c < 0x20 || c == 0x7f),
				"must not contain control characters");
		return check("litefs.database", database, !database.contains("?"),
				"must be a plain file name: a '?' would make the rest a query string of the JDBC URL");
	}

	private static URI apiUrl(URI apiUrl) {
		check("litefs.api-url", apiUrl, "http".equals(apiUrl.getScheme()) || "https".equals(apiUrl.getScheme()),
				"must be an http:// or https:// URL");
		return check("litefs.api-url", apiUrl, apiUrl.getHost() != null, "must name a host, e.g. http://localhost:20202");
	}

	/** How often {@code <db>-pos} is read while a request waits for it. */
	private static Duration waitPollInterval(Duration pollInterval) {
		check("litefs.consistency.poll-interval", pollInterval, pollInterval.toNanos() >= 100_000,
				"must be at least 100us");
		return check("litefs.consistency.poll-interval", pollInterval, pollInterval.toMillis() <= 1000,
				"must be at most 1s");
	}

	/**
	 * A mount directory that does not exist yet may still be mounted by LiteFS; one that
	 * is a file, or lies under a file, never can.
	 */
	private static void assertCanBeAFolder(Path mountDir) {
		for (Path path = mountDir.toAbsolutePath(); path != null; path = path.getParent()) {
			if (Files.exists(path)) {
				if (!Files.isDirectory(path)) {
					throw MountDirException.notAFolder(mountDir, path);
				}
				return;
			}
		}
	}

	private static String hostname(LiteFsProperties properties, Environment environment) {
		String configured = properties.getHostname();
		if (configured != null && !configured.isEmpty()) {
			String problem = Hostnames.problem(configured);
			return check("litefs.hostname", configured, problem == null, "not a usable hostname: it " + problem);
		}
		String hostname = environment.getProperty("HOSTNAME");
		if (hostname == null || hostname.isBlank()) {
			try {
				hostname = InetAddress.getLocalHost().getHostName();
			}
			catch (UnknownHostException ex) {
				hostname = null;
			}
		}
		String problem = Hostnames.problem(hostname);
		if (problem != null) {
			throw new InvalidConfigurationPropertyValueException("litefs.hostname", hostname,
					"This node's host name " + problem + "; set litefs.hostname to LiteFS's 'lease.hostname'.");
		}
		return hostname;
	}

}

package dev.litefs.spring.node.autoconfigure;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;

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

/**
 * Auto-configuration of the {@link LiteFsNode}: what every other LiteFS feature asks
 * about this node's role, the primary and the database's position.
 *
 * @since 0.2.0
 */
@AutoConfiguration(beforeName = "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration")
@ConditionalOnLiteFsEnabled
@EnableConfigurationProperties(LiteFsProperties.class)
public final class LiteFsNodeAutoConfiguration {

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
		LiteFsApi api = new LiteFsApi(properties.getApiUrl(), properties.getApiTimeout());
		LiteFsNode node = new LiteFsNode(new LiteFsMount(mountDir, properties.getDatabase()),
				hostname(properties, environment), api, properties.getPollInterval(), properties.getWaitPollInterval(),
				events, scheduler);
		properties.getDatabases().forEach(node::addDatabase);
		return node;
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
			return configured; // checked by LiteFsProperties
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

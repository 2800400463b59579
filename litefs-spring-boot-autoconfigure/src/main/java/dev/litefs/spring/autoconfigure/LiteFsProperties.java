package dev.litefs.spring.autoconfigure;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

import dev.litefs.spring.flyway.ReplicaMode;
import dev.litefs.spring.node.Hostnames;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.Assert;

/**
 * Configuration of LiteFS support, under {@code litefs}.
 */
@ConfigurationProperties("litefs")
public class LiteFsProperties {

	/**
	 * Whether LiteFS support is enabled. When false the application behaves as if the
	 * starter were absent.
	 */
	private boolean enabled = true;

	/**
	 * LiteFS FUSE mount directory ('fuse.dir' in litefs.yml). A plain directory that is
	 * not a LiteFS mount makes this node a standalone primary (local development).
	 */
	private @Nullable Path mountDir;

	/**
	 * Database file name inside the mount directory.
	 */
	private String database = "app.db";

	/**
	 * This node's LiteFS hostname ('lease.hostname' in litefs.yml). Defaults to the
	 * HOSTNAME environment variable, then to the machine's host name.
	 */
	private @Nullable String hostname;

	/**
	 * Base URL of LiteFS's HTTP API ('http.addr' in litefs.yml). Consulted when it
	 * answers, never required.
	 */
	private URI apiUrl = URI.create("http://localhost:20202");

	/**
	 * Time limit for each call to LiteFS's HTTP API.
	 */
	private Duration apiTimeout = Duration.ofMillis(500);

	/**
	 * How often the LiteFS files are read again to detect a change of role or primary.
	 */
	private Duration pollInterval = Duration.ofSeconds(1);

	private final Flyway flyway = new Flyway();

	private final Health health = new Health();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public @Nullable Path getMountDir() {
		return this.mountDir;
	}

	public void setMountDir(@Nullable Path mountDir) {
		this.mountDir = mountDir;
	}

	public String getDatabase() {
		return this.database;
	}

	public void setDatabase(String database) {
		Assert.isTrue(database != null && !database.isBlank(), "litefs.database must not be empty");
		Assert.isTrue(!database.contains("/") && !database.contains("\\") && !database.equals(".")
				&& !database.equals(".."), "litefs.database must be a file name inside litefs.mount-dir, not a path");
		Assert.isTrue(database.chars().noneMatch((c) -> c < 0x20 || c == 0x7f),
				"litefs.database must not contain control characters");
		this.database = database;
	}

	public @Nullable String getHostname() {
		return this.hostname;
	}

	public void setHostname(@Nullable String hostname) {
		if (hostname != null && !hostname.isEmpty()) {
			String problem = Hostnames.problem(hostname);
			Assert.isNull(problem, () -> "litefs.hostname is not a usable hostname: it " + problem);
		}
		this.hostname = (hostname == null || hostname.isEmpty()) ? null : hostname;
	}

	public URI getApiUrl() {
		return this.apiUrl;
	}

	public void setApiUrl(URI apiUrl) {
		Assert.isTrue("http".equals(apiUrl.getScheme()) || "https".equals(apiUrl.getScheme()),
				"litefs.api-url must be an http:// or https:// URL");
		Assert.isTrue(apiUrl.getHost() != null, "litefs.api-url must name a host, e.g. http://localhost:20202");
		this.apiUrl = apiUrl;
	}

	public Duration getApiTimeout() {
		return this.apiTimeout;
	}

	public void setApiTimeout(Duration apiTimeout) {
		Assert.isTrue(apiTimeout.toMillis() >= 1, "litefs.api-timeout must be at least 1ms");
		this.apiTimeout = apiTimeout;
	}

	public Duration getPollInterval() {
		return this.pollInterval;
	}

	public void setPollInterval(Duration pollInterval) {
		Assert.isTrue(pollInterval.toMillis() >= 1, "litefs.poll-interval must be at least 1ms");
		this.pollInterval = pollInterval;
	}

	public Flyway getFlyway() {
		return this.flyway;
	}

	/**
	 * Flyway on a LiteFS cluster, under {@code litefs.flyway}.
	 */
	public static class Flyway {

		/**
		 * Whether Flyway migrates on the primary only, replicas wait for its schema and a
		 * promoted node applies pending migrations. When false, Spring Boot migrates on
		 * every node.
		 */
		private boolean enabled = true;

		/**
		 * What a replica does at startup: 'wait' until the migrations of this application
		 * have replicated from the primary, or 'skip' the wait. A replica never migrates.
		 */
		private ReplicaMode replicaMode = ReplicaMode.WAIT;

		/**
		 * How long a replica in 'wait' mode waits for the primary's schema.
		 */
		private Duration replicaTimeout = Duration.ofSeconds(60);

		/**
		 * Whether a replica whose schema is still incomplete after the replica timeout
		 * fails startup, rather than starting with a warning naming the missing
		 * migrations.
		 */
		private boolean replicaFailOnTimeout;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public ReplicaMode getReplicaMode() {
			return this.replicaMode;
		}

		public void setReplicaMode(ReplicaMode replicaMode) {
			this.replicaMode = replicaMode;
		}

		public Duration getReplicaTimeout() {
			return this.replicaTimeout;
		}

		public void setReplicaTimeout(Duration replicaTimeout) {
			Assert.isTrue(!replicaTimeout.isNegative(), "litefs.flyway.replica-timeout must not be negative");
			this.replicaTimeout = replicaTimeout;
		}

		public boolean isReplicaFailOnTimeout() {
			return this.replicaFailOnTimeout;
		}

		public void setReplicaFailOnTimeout(boolean replicaFailOnTimeout) {
			this.replicaFailOnTimeout = replicaFailOnTimeout;
		}

	}

	public Health getHealth() {
		return this.health;
	}

	/**
	 * The {@code litefs} health component, under {@code litefs.health}.
	 */
	public static class Health {

		/**
		 * Replication lag above which the litefs health component reports OUT_OF_SERVICE,
		 * taking the replica out of the load balancer's rotation while it stays alive.
		 */
		private Duration maxLag = Duration.ofSeconds(10);

		public Duration getMaxLag() {
			return this.maxLag;
		}

		public void setMaxLag(Duration maxLag) {
			Assert.isTrue(maxLag.toMillis() >= 1, "litefs.health.max-lag must be at least 1ms");
			this.maxLag = maxLag;
		}

	}

}

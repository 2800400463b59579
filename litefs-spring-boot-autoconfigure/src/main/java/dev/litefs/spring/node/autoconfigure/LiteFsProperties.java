package dev.litefs.spring.node.autoconfigure;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.litefs.spring.node.Hostnames;
import dev.litefs.spring.node.LiteFsMount;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

/**
 * Configuration of the LiteFS node, under {@code litefs}: the mount, the database, and
 * how the node follows LiteFS. Each feature has its own properties beside its
 * auto-configuration.
 *
 * @since 0.2.0
 */
@ConfigurationProperties("litefs")
public class LiteFsProperties implements Validator {

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
	 * Database file name inside the mount directory: a plain name, without '/', '?' or
	 * control characters.
	 */
	private String database = "app.db";

	/**
	 * Other databases on the mount the node tracks besides 'litefs.database' (file names
	 * inside the mount directory): their TXIDs are shown by the actuator and waited for
	 * per database. DataSources on the mount and databases LiteFS announces are tracked
	 * without being listed here.
	 */
	private List<String> databases = new ArrayList<>();

	/**
	 * This node's LiteFS hostname ('lease.hostname' in litefs.yml). Defaults to the
	 * HOSTNAME environment variable, then to the machine's host name.
	 */
	private @Nullable String hostname;

	/**
	 * Base URL of LiteFS's HTTP API ('http.addr' in litefs.yml). Its event stream is the
	 * node's source whenever it answers; never required.
	 */
	private URI apiUrl = URI.create("http://localhost:20202");

	/**
	 * Time limit for each exchange with LiteFS's HTTP API as a whole, the event stream's
	 * wait for its first event included; once the stream is open, for each of its reads
	 * (silence never ends it).
	 */
	private Duration apiTimeout = Duration.ofMillis(500);

	/**
	 * How often the LiteFS files are read again: to follow the node while LiteFS's event
	 * stream is down, and to check the stream while it is up.
	 */
	private Duration pollInterval = Duration.ofSeconds(1);

	/**
	 * How often the database's position is read while requests wait for it
	 * (read-your-writes) and LiteFS's event stream is down; while it is up, its tx events
	 * release them.
	 */
	private Duration waitPollInterval = Duration.ofMillis(1);

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
		this.database = database;
	}

	public List<String> getDatabases() {
		return this.databases;
	}

	public void setDatabases(List<String> databases) {
		this.databases = databases;
	}

	public @Nullable String getHostname() {
		return this.hostname;
	}

	public void setHostname(@Nullable String hostname) {
		this.hostname = hostname;
	}

	public URI getApiUrl() {
		return this.apiUrl;
	}

	public void setApiUrl(URI apiUrl) {
		this.apiUrl = apiUrl;
	}

	public Duration getApiTimeout() {
		return this.apiTimeout;
	}

	public void setApiTimeout(Duration apiTimeout) {
		this.apiTimeout = apiTimeout;
	}

	public Duration getPollInterval() {
		return this.pollInterval;
	}

	public void setPollInterval(Duration pollInterval) {
		this.pollInterval = pollInterval;
	}

	public Duration getWaitPollInterval() {
		return this.waitPollInterval;
	}

	public void setWaitPollInterval(Duration waitPollInterval) {
		this.waitPollInterval = waitPollInterval;
	}

	@Override
	public boolean supports(Class<?> type) {
		return LiteFsProperties.class.isAssignableFrom(type);
	}

	/**
	 * Checks the values: a bad one fails start-up naming the property, its value and
	 * the reason.
	 */
	@Override
	public void validate(Object target, Errors errors) {
		String database = this.database;
		if (database.isBlank()) {
			errors.rejectValue("database", "empty", "must not be empty");
		}
		else if (database.contains("/") || database.contains("\\") || database.equals(".") || database.equals("..")) {
			errors.rejectValue("database", "path", "must be a file name inside litefs.mount-dir, not a path");
		}
		else if (database.chars().anyMatch((c) -> c < 0x20 || c == 0x7f)) {
			errors.rejectValue("database", "control", "must not contain control characters");
		}
		else if (database.contains("?")) {
			// it ends the JDBC URL, where a query string would change what SQLite opens
			errors.rejectValue("database", "query",
					"must be a plain file name: a '?' would make the rest a query string of the JDBC URL");
		}
		for (int i = 0; i < this.databases.size(); i++) {
			String problem = LiteFsMount.databaseNameProblem(this.databases.get(i));
			if (problem != null) {
				errors.rejectValue("databases[" + i + "]", "name", problem);
			}
		}
		if (this.hostname != null && !this.hostname.isEmpty()) {
			String problem = Hostnames.problem(this.hostname);
			if (problem != null) {
				errors.rejectValue("hostname", "unusable", "not a usable hostname: it " + problem);
			}
		}
		if (!"http".equals(this.apiUrl.getScheme()) && !"https".equals(this.apiUrl.getScheme())) {
			errors.rejectValue("api-url", "scheme", "must be an http:// or https:// URL");
		}
		else if (this.apiUrl.getHost() == null) {
			errors.rejectValue("api-url", "host", "must name a host, e.g. http://localhost:20202");
		}
		if (this.apiTimeout.toMillis() < 1) {
			errors.rejectValue("api-timeout", "min", "must be at least 1ms");
		}
		if (this.pollInterval.toMillis() < 1) {
			errors.rejectValue("poll-interval", "min", "must be at least 1ms");
		}
		if (this.waitPollInterval.toNanos() < 100_000) {
			errors.rejectValue("wait-poll-interval", "min", "must be at least 100us");
		}
		else if (this.waitPollInterval.toMillis() > 1000) {
			errors.rejectValue("wait-poll-interval", "max", "must be at most 1s");
		}
	}

}

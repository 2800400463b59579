package dev.litefs.spring.autoconfigure;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import dev.litefs.spring.consistency.TimeoutAction;
import dev.litefs.spring.flyway.ReplicaMode;
import dev.litefs.spring.routing.FlyReplayFallback;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Configuration of LiteFS support, under {@code litefs}.
 *
 * @since 0.2.0
 */
@ConfigurationProperties("litefs")
public class LiteFsProperties {

	/** The value of {@code litefs.routing.strategy} that picks a strategy by the environment. */
	public static final String AUTO_STRATEGY = "auto";

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

	private final Flyway flyway = new Flyway();

	private final Health health = new Health();

	private final Routing routing = new Routing();

	private final Consistency consistency = new Consistency();

	private final Halt halt = new Halt();

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
			this.maxLag = maxLag;
		}

	}

	public Halt getHalt() {
		return this.halt;
	}

	/**
	 * Writes made on a replica under LiteFS's HALT lock, under {@code litefs.halt}.
	 */
	public static class Halt {

		/**
		 * Longest a block holds the HALT lock; the primary's writes wait meanwhile. At this
		 * bound the lock is released and the block's further writes fail. Below 30s,
		 * LiteFS's own bound.
		 */
		private Duration maxHold = Duration.ofSeconds(5);

		/**
		 * Longest a caller waits while another thread of this process holds the HALT lock.
		 */
		private Duration waitTimeout = Duration.ofSeconds(10);

		/**
		 * Whether an @EnsurePrimary method called outside any web request on a replica (a
		 * scheduled job, a message listener) runs under the HALT lock instead of throwing
		 * NotPrimaryException.
		 */
		private boolean ensurePrimaryOutsideRequests;

		public Duration getMaxHold() {
			return this.maxHold;
		}

		public void setMaxHold(Duration maxHold) {
			this.maxHold = maxHold;
		}

		public Duration getWaitTimeout() {
			return this.waitTimeout;
		}

		public void setWaitTimeout(Duration waitTimeout) {
			this.waitTimeout = waitTimeout;
		}

		public boolean isEnsurePrimaryOutsideRequests() {
			return this.ensurePrimaryOutsideRequests;
		}

		public void setEnsurePrimaryOutsideRequests(boolean ensurePrimaryOutsideRequests) {
			this.ensurePrimaryOutsideRequests = ensurePrimaryOutsideRequests;
		}

	}

	public Routing getRouting() {
		return this.routing;
	}

	public Consistency getConsistency() {
		return this.consistency;
	}

	/**
	 * How writes reach the primary: {@code @EnsurePrimary} and the routing strategies.
	 */
	public static class Routing {

		/**
		 * How a node that is not the primary answers a request that must run on the
		 * primary: 'fly-replay', 'forward', 'redirect', 'reject', or the name of a
		 * RoutingStrategy bean of the application. 'auto' is 'fly-replay' when the
		 * FLY_APP_NAME environment variable is set, else 'forward'.
		 */
		private String strategy = "auto";

		/**
		 * HTTP methods whose requests all run on the primary, as if their handlers were
		 * annotated with @EnsurePrimary, e.g. POST,PUT,PATCH,DELETE. Empty by default.
		 */
		private Set<String> methods = new LinkedHashSet<>();

		/**
		 * Path patterns to which the 'methods' rule does not apply.
		 */
		private List<String> exclude = List.of("/actuator/**");

		/**
		 * Retry-After of the 503 answers worth retrying: no primary known, the primary
		 * unreachable, the 'reject' strategy. Rounded up to whole seconds.
		 */
		private Duration retryAfter = Duration.ofSeconds(1);

		private final FlyReplay flyReplay = new FlyReplay();

		private final Forward forward = new Forward();

		private final Redirect redirect = new Redirect();

		public String getStrategy() {
			return this.strategy;
		}

		public void setStrategy(String strategy) {
			this.strategy = strategy;
		}

		public Set<String> getMethods() {
			return this.methods;
		}

		public void setMethods(Set<String> methods) {
			this.methods = methods;
		}

		public List<String> getExclude() {
			return this.exclude;
		}

		public void setExclude(List<String> exclude) {
			this.exclude = exclude;
		}

		public Duration getRetryAfter() {
			return this.retryAfter;
		}

		public void setRetryAfter(Duration retryAfter) {
			this.retryAfter = retryAfter;
		}

		public FlyReplay getFlyReplay() {
			return this.flyReplay;
		}

		public Forward getForward() {
			return this.forward;
		}

		public Redirect getRedirect() {
			return this.redirect;
		}

	}

	/**
	 * The 'fly-replay' strategy: Fly.io's proxy replays the request on the primary.
	 */
	public static class FlyReplay {

		/**
		 * How long Fly.io's proxy tries to reach the primary before the replay fails
		 * (fly-replay's 'timeout' field). Unset: Fly's own default.
		 */
		private @Nullable Duration timeout;

		/**
		 * Where Fly.io's proxy sends a request whose replay failed (fly-replay's
		 * 'fallback' field): 'force-self' or 'prefer-self' back to this app, which then
		 * answers a 503 problem detail instead of Fly's own error. Unset: no fallback.
		 */
		private @Nullable FlyReplayFallback fallback;

		public @Nullable Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(@Nullable Duration timeout) {
			this.timeout = timeout;
		}

		public @Nullable FlyReplayFallback getFallback() {
			return this.fallback;
		}

		public void setFallback(@Nullable FlyReplayFallback fallback) {
			this.fallback = fallback;
		}

	}

	/**
	 * The 'forward' strategy: this node proxies the request to the primary.
	 */
	public static class Forward {

		/**
		 * URL of the primary that requests are forwarded to: {primary} stands for the
		 * primary's LiteFS hostname, {port} for this server's port.
		 */
		private String urlTemplate = "http://{primary}:{port}";

		/**
		 * Time limit for connecting to the primary.
		 */
		private Duration connectTimeout = Duration.ofSeconds(2);

		/**
		 * Time limit for the primary's whole answer, from sending the request to its
		 * last byte. A forwarded request is never sent twice.
		 */
		private Duration responseTimeout = Duration.ofSeconds(30);

		/**
		 * Largest request body forwarded; larger ones are answered 413. Replicas keep
		 * request bodies in memory up to this size so they can still be forwarded.
		 */
		private DataSize maxBodySize = DataSize.ofMegabytes(1);

		public String getUrlTemplate() {
			return this.urlTemplate;
		}

		public void setUrlTemplate(String urlTemplate) {
			this.urlTemplate = urlTemplate;
		}

		public Duration getConnectTimeout() {
			return this.connectTimeout;
		}

		public void setConnectTimeout(Duration connectTimeout) {
			this.connectTimeout = connectTimeout;
		}

		public Duration getResponseTimeout() {
			return this.responseTimeout;
		}

		public void setResponseTimeout(Duration responseTimeout) {
			this.responseTimeout = responseTimeout;
		}

		public DataSize getMaxBodySize() {
			return this.maxBodySize;
		}

		public void setMaxBodySize(DataSize maxBodySize) {
			this.maxBodySize = maxBodySize;
		}

	}

	/**
	 * The 'redirect' strategy: this node answers 307 to the primary's URL.
	 */
	public static class Redirect {

		/**
		 * URL of the primary that clients are redirected to, as clients reach it:
		 * {primary} stands for the primary's LiteFS hostname, {port} for this server's
		 * port.
		 */
		private String urlTemplate = "http://{primary}:{port}";

		public String getUrlTemplate() {
			return this.urlTemplate;
		}

		public void setUrlTemplate(String urlTemplate) {
			this.urlTemplate = urlTemplate;
		}

	}

	/**
	 * Read-your-writes: the __txid cookie after writes, and replicas that wait for it.
	 */
	public static class Consistency {

		/**
		 * Whether the __txid cookie is set after writes on the primary and honoured on
		 * replicas. Writes are confirmed recorded by LiteFS either way.
		 */
		private boolean enabled = true;

		/**
		 * Longest a replica holds a request whose __txid cookie is ahead of its own
		 * TXID.
		 */
		private Duration timeout = Duration.ofSeconds(5);

		/**
		 * What a replica does with a request still behind after the timeout: 'replay'
		 * (route it to the primary by the routing strategy) or 'error' (504).
		 */
		private TimeoutAction onTimeout = TimeoutAction.REPLAY;

		/**
		 * Max-Age of the __txid cookie.
		 */
		private Duration cookieMaxAge = Duration.ofMinutes(5);

		/**
		 * Whether the __txid cookie is marked Secure on plain HTTP requests too (it
		 * always is on HTTPS ones).
		 */
		private boolean cookieSecure;

		/**
		 * Path patterns on which the __txid cookie is neither set nor honoured.
		 */
		private List<String> exclude = List.of("/actuator/**", "/error", "/webjars/**", "/css/**", "/js/**",
				"/images/**", "/favicon.ico", "/*/icon-*");

		/**
		 * How often the database's position is read while requests wait for it and LiteFS's
		 * event stream is down (while it is up, its tx events release them).
		 */
		private Duration pollInterval = Duration.ofMillis(1);

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(Duration timeout) {
			this.timeout = timeout;
		}

		public TimeoutAction getOnTimeout() {
			return this.onTimeout;
		}

		public void setOnTimeout(TimeoutAction onTimeout) {
			this.onTimeout = onTimeout;
		}

		public Duration getCookieMaxAge() {
			return this.cookieMaxAge;
		}

		public void setCookieMaxAge(Duration cookieMaxAge) {
			this.cookieMaxAge = cookieMaxAge;
		}

		public boolean isCookieSecure() {
			return this.cookieSecure;
		}

		public void setCookieSecure(boolean cookieSecure) {
			this.cookieSecure = cookieSecure;
		}

		public List<String> getExclude() {
			return this.exclude;
		}

		public void setExclude(List<String> exclude) {
			this.exclude = exclude;
		}

		public Duration getPollInterval() {
			return this.pollInterval;
		}

		public void setPollInterval(Duration pollInterval) {
			this.pollInterval = pollInterval;
		}

	}

}

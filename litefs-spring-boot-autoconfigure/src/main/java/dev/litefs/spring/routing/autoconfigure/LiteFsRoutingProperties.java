package dev.litefs.spring.routing.autoconfigure;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import dev.litefs.spring.internal.RequestPathPatterns;
import dev.litefs.spring.routing.FlyReplayFallback;
import dev.litefs.spring.routing.PrimaryUrlTemplate;
import dev.litefs.spring.routing.UnusableUrlTemplateException;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

/**
 * How writes reach the primary, under {@code litefs.routing}: {@code @EnsurePrimary} and
 * the routing strategies.
 *
 * @since 0.2.0
 */
@ConfigurationProperties("litefs.routing")
public class LiteFsRoutingProperties implements Validator {

	/** The value of {@code litefs.routing.strategy} that picks a strategy by the environment. */
	public static final String AUTO_STRATEGY = "auto";

	/**
	 * How a node that is not the primary answers a request that must run on the primary:
	 * 'fly-replay', 'forward', 'redirect', 'reject', or the name of a RoutingStrategy bean
	 * of the application. 'auto' is 'fly-replay' when the FLY_APP_NAME environment
	 * variable is set, else 'forward'.
	 */
	private String strategy = AUTO_STRATEGY;

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
		 * Where Fly.io's proxy sends a request whose replay failed (fly-replay's 'fallback'
		 * field): 'force-self' or 'prefer-self' back to this app, which then answers a 503
		 * problem detail instead of Fly's own error. Unset: no fallback.
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
		 * Time limit for the primary's whole answer, from sending the request to its last
		 * byte. A forwarded request is never sent twice.
		 */
		private Duration responseTimeout = Duration.ofSeconds(30);

		/**
		 * Largest request body forwarded; larger ones are answered 413. Replicas keep request
		 * bodies in memory up to this size so they can still be forwarded.
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
		 * URL of the primary that clients are redirected to, as clients reach it: {primary}
		 * stands for the primary's LiteFS hostname, {port} for this server's port.
		 */
		private String urlTemplate = "http://{primary}:{port}";

		public String getUrlTemplate() {
			return this.urlTemplate;
		}

		public void setUrlTemplate(String urlTemplate) {
			this.urlTemplate = urlTemplate;
		}

	}

	@Override
	public boolean supports(Class<?> type) {
		return LiteFsRoutingProperties.class.isAssignableFrom(type);
	}

	/**
	 * Checks the values: a bad one fails start-up naming the property, its value and
	 * the reason.
	 */
	@Override
	public void validate(Object target, Errors errors) {
		// both templates, whichever strategy is in force, so that a change of strategy never meets
		// an unusable one; thrown, for the failure analysis that shows what a usable one looks like
		urlTemplate("litefs.routing.forward.url-template", this.forward.getUrlTemplate());
		urlTemplate("litefs.routing.redirect.url-template", this.redirect.getUrlTemplate());
		for (String method : this.methods) {
			String name = method.trim();
			if (name.isEmpty() || !name.chars().allMatch((c) -> (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))) {
				errors.rejectValue("methods", "method", "'" + method + "' is not an HTTP method such as POST");
				break;
			}
		}
		String excluded = RequestPathPatterns.problem(this.exclude);
		if (excluded != null) {
			errors.rejectValue("exclude", "pattern", excluded);
		}
		if (this.retryAfter.isNegative() || this.retryAfter.isZero()) {
			errors.rejectValue("retry-after", "positive", "must be positive");
		}
		Duration flyReplayTimeout = this.flyReplay.getTimeout();
		if (flyReplayTimeout != null && flyReplayTimeout.toMillis() < 1) {
			errors.rejectValue("fly-replay.timeout", "min", "must be at least 1ms");
		}
		if (this.forward.getConnectTimeout().toMillis() < 1) {
			errors.rejectValue("forward.connect-timeout", "min", "must be at least 1ms");
		}
		if (this.forward.getResponseTimeout().toMillis() < 1) {
			errors.rejectValue("forward.response-timeout", "min", "must be at least 1ms");
		}
		if (this.forward.getMaxBodySize().isNegative()) {
			errors.rejectValue("forward.max-body-size", "negative", "must not be negative");
		}
		else if (this.forward.getMaxBodySize().toBytes() > Integer.MAX_VALUE - 16) {
			errors.rejectValue("forward.max-body-size", "max", "must be less than 2GB");
		}
	}

	private static void urlTemplate(String property, String template) {
		String problem = PrimaryUrlTemplate.problem(template);
		if (problem != null) {
			throw new UnusableUrlTemplateException(property, template, problem);
		}
	}

}

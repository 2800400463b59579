package dev.litefs.spring.routing;

import java.net.URI;
import java.net.URISyntaxException;

import org.jspecify.annotations.Nullable;

/**
 * The URL of the primary, as a template: {@code {primary}} stands for the primary's
 * LiteFS hostname and {@code {port}} for this server's port, e.g.
 * {@code http://{primary}:{port}} or {@code http://{primary}.app.internal:8080}.
 * <p>
 * Only the scheme, host and port come from the template; the path and query are the
 * request's own. The host is always the primary named by LiteFS: nothing in a request
 * can choose it.
 *
 * @since 0.2.0
 */
public final class PrimaryUrlTemplate {

	/** The placeholder for the primary's hostname. */
	public static final String PRIMARY = "{primary}";

	/** The placeholder for this server's port. */
	public static final String PORT = "{port}";

	private final String template;

	/**
	 * Creates a template.
	 * @param template the template
	 * @throws IllegalArgumentException if it is not a valid template (see
	 * {@link #problem(String)})
	 */
	public PrimaryUrlTemplate(String template) {
		String problem = problem(template);
		if (problem != null) {
			throw new IllegalArgumentException(problem);
		}
		this.template = template.endsWith("/") ? template.substring(0, template.length() - 1) : template;
	}

	/**
	 * What makes a template unusable.
	 * @param template the template
	 * @return the reason, or {@code null} when it is usable
	 */
	public static @Nullable String problem(@Nullable String template) {
		if (template == null || template.isBlank()) {
			return "must not be empty";
		}
		if (!template.contains(PRIMARY)) {
			return "must contain " + PRIMARY + ", the primary's hostname";
		}
		String sample = template.replace(PRIMARY, "primary").replace(PORT, "8080");
		if (sample.contains("{") || sample.contains("}")) {
			return "may hold no placeholder but " + PRIMARY + " and " + PORT;
		}
		URI uri;
		try {
			uri = new URI(sample);
		}
		catch (URISyntaxException ex) {
			return "is not a URL: " + ex.getMessage();
		}
		if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
			return "must start with http:// or https://";
		}
		if (uri.getHost() == null || uri.getUserInfo() != null) {
			return "must name a host, e.g. http://" + PRIMARY + ":" + PORT;
		}
		if (uri.getPort() != -1 && (uri.getPort() < 1 || uri.getPort() > 65535)) {
			return "has port " + uri.getPort() + ", outside 1 to 65535";
		}
		if ((uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/"))
				|| uri.getRawQuery() != null || uri.getRawFragment() != null) {
			return "must hold only a scheme, a host and a port: the path and query are the request's own";
		}
		return null;
	}

	/**
	 * The primary's base URL.
	 * @param primary the primary's hostname, already checked to be a valid hostname
	 * @param port this server's port
	 * @return the base URL, without a trailing slash
	 * @throws IllegalArgumentException if the template and the hostname make no URL with
	 * a host, e.g. {@code http://node.{primary}} with a name starting with a digit
	 */
	public String expand(String primary, int port) {
		String url = this.template.replace(PRIMARY, primary).replace(PORT, Integer.toString(port));
		URI uri;
		try {
			uri = new URI(url);
		}
		catch (URISyntaxException ex) {
			throw new IllegalArgumentException(url + " is not a URL: " + ex.getMessage(), ex);
		}
		if (uri.getHost() == null) {
			throw new IllegalArgumentException(url + " is not a URL with a host");
		}
		return url;
	}

	@Override
	public String toString() {
		return this.template;
	}

}

package dev.litefs.spring.routing.forward;

import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.springframework.util.StringUtils;

/**
 * The headers a proxy does not pass on, in either direction: those meaningful for one
 * connection only (RFC 9110 7.6.1), those a {@code Connection} header names, and those the
 * client sets itself.
 */
final class HopByHopHeaders {

	private static final Set<String> ALWAYS = caseInsensitive("connection", "keep-alive", "proxy-authenticate",
			"proxy-authorization", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade",
			"http2-settings", "host", "content-length", "expect", PrimaryForwarder.HOP_HEADER);

	private HopByHopHeaders() {
	}

	/**
	 * The names of the headers not to pass on, case-insensitive.
	 * @param connection the values of the message's {@code Connection} headers
	 * @return the names
	 */
	static Set<String> of(List<String> connection) {
		if (connection.isEmpty()) {
			return ALWAYS;
		}
		Set<String> unforwarded = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
		unforwarded.addAll(ALWAYS);
		for (String value : connection) {
			for (String token : StringUtils.commaDelimitedListToStringArray(value)) {
				unforwarded.add(token.trim());
			}
		}
		return unforwarded;
	}

	private static Set<String> caseInsensitive(String... names) {
		Set<String> set = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
		set.addAll(List.of(names));
		return Collections.unmodifiableSet(set);
	}

}

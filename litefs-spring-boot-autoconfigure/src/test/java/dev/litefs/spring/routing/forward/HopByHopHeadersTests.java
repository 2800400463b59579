package dev.litefs.spring.routing.forward;

import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Unit tests of {@link HopByHopHeaders}.
 */
class HopByHopHeadersTests {

	@Test
	void connectionScopedHeadersAndThoseTheClientSetsAreNeverPassedOnWhateverTheirCase() {
		Set<String> unforwarded = HopByHopHeaders.of(List.of());
		assertThat(List.of("Connection", "keep-alive", "TE", "Trailer", "Transfer-Encoding", "Upgrade",
				"Proxy-Authorization", "Host", "Content-Length", "Expect",
				PrimaryForwarder.HOP_HEADER.toLowerCase(Locale.ROOT)))
			.allMatch(unforwarded::contains);
		assertThat(List.of("Accept", "Cookie", "Set-Cookie", "Location")).noneMatch(unforwarded::contains);
	}

	@Test
	void theHeadersAConnectionHeaderNamesAreHopByHopToo() {
		Set<String> unforwarded = HopByHopHeaders.of(List.of("close, X-One", " x-two "));
		assertThat(List.of("X-One", "x-one", "X-Two", "Keep-Alive")).allMatch(unforwarded::contains);
		assertThat(HopByHopHeaders.of(List.of()).contains("X-One")).isFalse();
	}

}

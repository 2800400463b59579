package dev.litefs.spring.routing;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code forward} strategy's tests, the replicas forwarding through the JDK's
 * {@code HttpURLConnection} (Spring's {@code simple} request factory), chosen by Spring
 * Boot's {@code spring.http.clients.imperative.factory}: every behaviour holds but what
 * that client changes in the request, which these tests pin as docs/routing-writes.md says.
 */
class SimpleClientForwardStrategyTests extends ForwardStrategyTests {

	private static final JsonMapper json = new JsonMapper();

	@Override
	String[] clientProperties() {
		return new String[] { "spring.http.clients.imperative.factory=simple" };
	}

	/** {@code HttpURLConnection} drops the headers it restricts, {@code Via} among them. */
	@Test
	@Override
	void headersAreForwardedButHopByHopOnesAndTheHostAreNot() {
		HttpResponse<String> response = replica().send(replica().request("/echo?x=1")
			.header("Content-Type", "text/plain")
			.header("X-Custom", "kept")
			.header("Keep-Alive", "timeout=5")
			.header("Via", "1.1 edge")
			.header("Origin", "https://app.example")
			.POST(HttpRequest.BodyPublishers.ofString("payload")));
		assertThat(response.statusCode()).isEqualTo(200);
		JsonNode echo = json.readTree(response.body());
		assertThat(echo.get("body").asString()).isEqualTo("payload");
		assertThat(echo.get("x-custom").asString()).isEqualTo("kept");
		assertThat(echo.get("litefs-forwarded-by").asString()).isEqualTo("node-b");
		assertThat(echo.has("keep-alive")).isFalse();
		assertThat(echo.has("via")).isFalse();
		assertThat(echo.has("origin")).isFalse();
	}

	/** {@code HttpURLConnection} gives a {@code POST} without a content type a form one. */
	@Test
	void aPostWithoutContentTypeReachesThePrimaryAsAForm() {
		HttpResponse<String> response = replica()
			.send(replica().request("/echo").POST(HttpRequest.BodyPublishers.ofString("plain")));
		assertThat(response.statusCode()).isEqualTo(200);
		JsonNode echo = json.readTree(response.body());
		assertThat(echo.get("content-type").asString()).isEqualTo("application/x-www-form-urlencoded");
		assertThat(echo.get("body").asString()).isEqualTo("plain=");
	}

}

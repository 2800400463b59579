package dev.litefs.spring.node;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A client of LiteFS's HTTP API ({@code http.addr} in litefs.yml). The API is optional:
 * every call is bounded by a timeout, and a node whose API does not answer is simply
 * without it.
 */
public class LiteFsApi {

	private static final Logger logger = LoggerFactory.getLogger(LiteFsApi.class);

	private static final JsonMapper json = JsonMapper.builder().build();

	private final URI baseUrl;

	private final Duration timeout;

	private final HttpClient client;

	/**
	 * Creates a client.
	 * @param baseUrl the API's base URL, e.g. {@code http://localhost:20202}
	 * @param timeout the bound on connecting and on each whole call
	 */
	public LiteFsApi(URI baseUrl, Duration timeout) {
		this.baseUrl = baseUrl;
		this.timeout = timeout;
		this.client = HttpClient.newBuilder().connectTimeout(timeout).build();
	}

	/**
	 * The API's base URL.
	 * @return the URL
	 */
	public URI baseUrl() {
		return this.baseUrl;
	}

	/**
	 * Asks {@code GET /info}.
	 * @return what LiteFS answered, or empty when the API did not answer well within
	 * the timeout
	 */
	public Optional<LiteFsInfo> info() {
		HttpRequest request = HttpRequest.newBuilder(this.baseUrl.resolve("/info")).timeout(this.timeout).GET().build();
		try {
			HttpResponse<String> response = this.client.send(request, HttpResponse.BodyHandlers.ofString());
			if (response.statusCode() != 200) {
				logger.debug("LiteFS API {} answered {}", request.uri(), response.statusCode());
				return Optional.empty();
			}
			return Optional.of(parseInfo(response.body()));
		}
		catch (IOException | JacksonException ex) {
			logger.debug("LiteFS API {} unavailable: {}", request.uri(), ex.toString());
			return Optional.empty();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return Optional.empty();
		}
	}

	static LiteFsInfo parseInfo(String body) {
		JsonNode info = json.readTree(body);
		JsonNode primary = info.path("primary");
		return new LiteFsInfo(textOrNull(info.path("clusterID")), info.path("isPrimary").asBoolean(false),
				info.path("candidate").asBoolean(false), textOrNull(primary.path("hostname")));
	}

	private static String textOrNull(JsonNode node) {
		return node.isString() ? node.asString() : null;
	}

}

package dev.litefs.spring.node;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A client of LiteFS's HTTP API ({@code http.addr} in litefs.yml). The API is optional:
 * every exchange is bounded by the timeout as a whole (an answer that trickles in byte by
 * byte cannot stretch it), and a node whose API does not answer, or does not answer as
 * LiteFS does, is simply without it.
 * <p>
 * A plain socket, not the JDK's {@code HttpClient}: building the first
 * {@code HttpClient} of a JVM sets up TLS, about 200 ms of every node's start-up, for a
 * loopback call that never uses it; nor {@code HttpURLConnection}, whose timeout bounds
 * each read but not the whole answer.
 *
 * @since 0.2.0
 */
public class LiteFsApi {

	private static final Logger logger = LoggerFactory.getLogger(LiteFsApi.class);

	private static final JsonMapper json = JsonMapper.builder().build();

	/** Far more than LiteFS's {@code /info} answer: reads stop here. */
	private static final int MAX_BODY_BYTES = 64 * 1024;

	private final URI baseUrl;

	private final Duration timeout;

	private volatile boolean answered;

	/** Whether the last answer was not LiteFS's, and said so at WARN. */
	private final AtomicBoolean misanswered = new AtomicBoolean();

	/**
	 * Creates a client.
	 * @param baseUrl the API's base URL, e.g. {@code http://localhost:20202}
	 * @param timeout the bound on each exchange as a whole, and on each read of the event
	 * stream once it is open
	 */
	public LiteFsApi(URI baseUrl, Duration timeout) {
		this.baseUrl = baseUrl;
		this.timeout = timeout;
	}

	/**
	 * The API's base URL.
	 * @return the URL
	 */
	public URI baseUrl() {
		return this.baseUrl;
	}

	/**
	 * Asks {@code GET /info}. An answer that is not LiteFS's (another status than 200, no
	 * JSON object with a boolean {@code isPrimary}) counts as none: it is logged once at
	 * WARN until the API answers well again.
	 * @return what LiteFS answered, or empty when the API did not answer well within the
	 * timeout, which bounds the whole exchange
	 */
	public Optional<LiteFsInfo> info() {
		URI uri = this.baseUrl.resolve("/info");
		try (HttpGet get = HttpGet.open(uri, this.timeout)) {
			if (get.status() != 200) {
				return misanswered(uri, "status " + get.status());
			}
			LiteFsInfo info = parseInfo(new String(get.body().readNBytes(MAX_BODY_BYTES), StandardCharsets.UTF_8));
			if (this.misanswered.compareAndSet(true, false)) {
				logger.info("LiteFS API {} answers well again", uri);
			}
			this.answered = true;
			return Optional.of(info);
		}
		catch (JacksonException ex) {
			return misanswered(uri, "not JSON: " + ex.getOriginalMessage());
		}
		catch (IllegalArgumentException ex) {
			return misanswered(uri, ex.getMessage());
		}
		catch (IOException ex) {
			logger.debug("LiteFS API {} unavailable: {}", uri, ex.toString());
			this.answered = false;
			return Optional.empty();
		}
	}

	private Optional<LiteFsInfo> misanswered(URI uri, @Nullable String why) {
		if (this.misanswered.compareAndSet(false, true)) {
			logger.warn("LiteFS API {} answered what is not LiteFS's answer ({}): its word on the role is ignored, "
					+ "the files decide until it answers well", uri, why);
		}
		else {
			logger.debug("LiteFS API {} answered what is not LiteFS's answer again ({})", uri, why);
		}
		this.answered = false;
		return Optional.empty();
	}

	/**
	 * Whether the last {@link #info()} was answered, without asking again: for whoever
	 * must not wait on an API that may hang (the node asks every poll interval while the
	 * event stream is down).
	 * @return {@code true} when LiteFS answered the last {@code GET /info}; {@code false}
	 * before the first
	 */
	public boolean answeredLastInfo() {
		return this.answered;
	}

	/**
	 * The bound on each exchange as a whole, and on each read of the open event stream.
	 * @return the timeout
	 */
	public Duration timeout() {
		return this.timeout;
	}

	/**
	 * Opens {@code GET /events}, LiteFS's stream of newline-delimited JSON events. The
	 * timeout bounds the whole wait for the head and, until the caller lifts the deadline
	 * (once {@code init} came), for the body; after that each read: since LiteFS sends
	 * nothing between events, a read that times out then only means silence, and the
	 * stream stays usable.
	 * @return the open stream, its head read
	 * @throws IOException when the API does not answer within the timeout
	 */
	HttpGet events() throws IOException {
		return HttpGet.open(this.baseUrl.resolve("/events"), this.timeout);
	}

	/**
	 * Reads LiteFS's answer to {@code GET /info}.
	 * @throws IllegalArgumentException when it is no JSON object with a boolean
	 * {@code isPrimary}: the one field the node takes from it
	 */
	static LiteFsInfo parseInfo(String body) {
		JsonNode info = json.readTree(body);
		if (info == null || !info.isObject() || !info.path("isPrimary").isBoolean()) {
			throw new IllegalArgumentException("no JSON object with a boolean isPrimary: "
					+ ((body.length() > 100) ? body.substring(0, 100) + "..." : body));
		}
		JsonNode primary = info.path("primary");
		return new LiteFsInfo(textOrNull(info.path("clusterID")), info.path("isPrimary").asBoolean(),
				info.path("candidate").asBoolean(false), textOrNull(primary.path("hostname")));
	}

	private static String textOrNull(JsonNode node) {
		return node.isString() ? node.asString() : null;
	}

}

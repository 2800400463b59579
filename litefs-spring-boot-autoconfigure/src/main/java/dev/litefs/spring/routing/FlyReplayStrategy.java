package dev.litefs.spring.routing;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;

import dev.litefs.spring.internal.PrimaryRequests;
import dev.litefs.spring.routing.forward.KeptBody;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpStatus;

/**
 * The {@code fly-replay} strategy: answers {@code 409} with
 * {@code fly-replay: instance=<primary>} and an empty body, and Fly.io's proxy replays the
 * whole request (an upgraded connection, such as a WebSocket, included) on the primary.
 * <p>
 * Fly's documented fields: {@code state=litefs-refused-write} for a write SQLite refused
 * here (Fly passes it on in {@code fly-replay-src}, so the primary gives it the
 * {@code __txid} cookie), and, when configured, {@code timeout} and {@code fallback}. A
 * request Fly could not replay comes back under a fallback with {@code fly-replay-failed}
 * and gets a {@code 503} problem detail. A request that arrives replayed already
 * ({@code fly-replay-src}) is never replayed twice, and Fly cannot replay a body over
 * 1 MB.
 */
public class FlyReplayStrategy implements RoutingStrategy {

	/** The response header that makes Fly.io's proxy replay a request elsewhere. */
	public static final String FLY_REPLAY_HEADER = "fly-replay";

	/** The request header of a request Fly.io's proxy sends back under a fallback. */
	public static final String FLY_REPLAY_FAILED_HEADER = "fly-replay-failed";

	/** The largest request body Fly.io replays: 1 MB. */
	public static final long MAX_BODY_BYTES = 1024 * 1024;

	private final @Nullable Duration timeout;

	private final @Nullable FlyReplayFallback fallback;

	/**
	 * Creates the strategy.
	 * @param timeout how long Fly's proxy tries to reach the primary, or {@code null} for
	 * Fly's default
	 * @param fallback where Fly sends a request it could not replay, or {@code null} for
	 * no fallback
	 */
	public FlyReplayStrategy(@Nullable Duration timeout, @Nullable FlyReplayFallback fallback) {
		this.timeout = timeout;
		this.fallback = fallback;
	}

	@Override
	public String name() {
		return FLY_REPLAY;
	}

	@Override
	public long bodyLimit() {
		return MAX_BODY_BYTES;
	}

	@Override
	public RoutingOutcome route(RoutedRequest routed) throws IOException {
		String primary = routed.primary();
		String failed = routed.request().getHeader(FLY_REPLAY_FAILED_HEADER);
		if (failed != null) {
			return routed.answer(RoutingOutcome.UNREACHABLE, HttpStatus.SERVICE_UNAVAILABLE,
					"Primary unreachable through Fly.io",
					"This request must run on the primary, " + primary + ", but Fly.io's proxy could not replay it "
							+ "there and sent it back (" + FLY_REPLAY_FAILED_HEADER + "). Retry it.",
					true, Map.of("flyReplayFailed", failed));
		}
		if (routed.request().getHeader(PrimaryRequests.FLY_REPLAY_SRC_HEADER) != null) {
			return routed.refuseForNow(RoutingOutcome.LOOP, HttpStatus.SERVICE_UNAVAILABLE,
					"Replayed to a node that is not the primary",
					"Fly.io replayed this request here, but this node is not the primary (" + primary
							+ " is): it is not replayed a second time. Retry it.");
		}
		KeptBody body = routed.body();
		if (body.kind() == KeptBody.Kind.TOO_LARGE || (body.kind() == KeptBody.Kind.UNKNOWN
				&& routed.request().getContentLengthLong() > MAX_BODY_BYTES)) {
			return routed.refuse(RoutingOutcome.TOO_LARGE, HttpStatus.SERVICE_UNAVAILABLE,
					"Request too large to replay",
					"This request must run on the primary, " + primary + ", but Fly.io cannot replay a request "
							+ "whose body is over 1 MB there. Send it to the primary directly, or make it smaller.");
		}
		HttpServletResponse response = routed.response();
		response.setStatus(HttpStatus.CONFLICT.value());
		response.setHeader(FLY_REPLAY_HEADER, header(primary, PrimaryRequests.isRefusedWrite(routed.request())));
		response.setContentLength(0);
		response.flushBuffer();
		return RoutingOutcome.REPLAYED;
	}

	/**
	 * The {@code fly-replay} value: {@code instance=<primary>}, then the
	 * {@code state}, {@code timeout} and {@code fallback} fields that apply.
	 */
	String header(String primary, boolean refusedWrite) {
		StringBuilder header = new StringBuilder("instance=").append(primary);
		if (refusedWrite) {
			header.append(";state=").append(PrimaryRequests.REFUSED_WRITE_STATE);
		}
		if (this.timeout != null) {
			long millis = this.timeout.toMillis();
			header.append(";timeout=").append((millis % 1000 == 0) ? (millis / 1000) + "s" : millis + "ms");
		}
		if (this.fallback != null) {
			header.append(";fallback=").append(this.fallback.flyValue());
		}
		return header.toString();
	}

	@Override
	public String toString() {
		return header("<primary>", false);
	}

}

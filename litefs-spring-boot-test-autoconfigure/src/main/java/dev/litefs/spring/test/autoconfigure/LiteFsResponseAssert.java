package dev.litefs.spring.test.autoconfigure;

import java.util.List;

import dev.litefs.spring.consistency.TxidCookie;
import dev.litefs.spring.consistency.WaitOutcome;
import dev.litefs.spring.routing.RoutingOutcome;
import org.assertj.core.api.AbstractAssert;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;

/**
 * AssertJ assertions on the answer of a LiteFS node; made by {@link LiteFsAssertions}.
 *
 * @since 0.2.0
 */
public final class LiteFsResponseAssert extends AbstractAssert<LiteFsResponseAssert, LiteFsResponseAssert.Answer> {

	private static final JsonMapper json = JsonMapper.builder().build();

	LiteFsResponseAssert(Answer answer) {
		super(answer, LiteFsResponseAssert.class);
	}

	/**
	 * The answer is Fly.io's replay on an instance: {@code 409} with
	 * {@code fly-replay: instance=<instance>} (and maybe more fields).
	 * @param instance the primary's hostname
	 * @return this
	 */
	public LiteFsResponseAssert wasReplayedTo(String instance) {
		String replay = this.actual.headers().getFirst("fly-replay");
		if (this.actual.status() != 409 || replay == null
				|| !replay.split(";")[0].strip().equals("instance=" + instance)) {
			failWithMessage("Expected the request to be replayed to %s (409 with fly-replay: instance=%s), but it "
					+ "was answered %s", instance, instance, this.actual.summary());
		}
		return this;
	}

	/**
	 * The node forwarded the request to the primary, and this is the primary's answer, as
	 * the node's {@link LiteFsRecorder} says.
	 * @return this
	 */
	public LiteFsResponseAssert wasForwarded() {
		return wasRouted(RoutingOutcome.FORWARDED);
	}

	/**
	 * The node routed the request with this outcome, as its {@link LiteFsRecorder} says.
	 * @param outcome the outcome
	 * @return this
	 */
	public LiteFsResponseAssert wasRouted(RoutingOutcome outcome) {
		LiteFsRecorder recorder = requireRecorder("was " + outcome.id());
		var routed = recorder.awaitRouted((record) -> record.isOf(this.actual.method(), this.actual.path()));
		if (routed.isEmpty()) {
			failWithMessage("Expected %s to be routed (%s), but the node routed no such request; it answered %s",
					this.actual.request(), outcome.id(), this.actual.summary());
		}
		else if (routed.get().outcome() != outcome) {
			failWithMessage("Expected %s to be routed %s, but it was %s by %s; it answered %s",
					this.actual.request(), outcome.id(), routed.get().outcome().id(), routed.get().strategy(),
					this.actual.summary());
		}
		return this;
	}

	/**
	 * The node refused the request because it is not the primary (the {@code reject}
	 * strategy): {@code 503} with a problem detail titled {@code Not the primary}.
	 * @return this
	 */
	public LiteFsResponseAssert wasRefusedAsNotPrimary() {
		String title = problemTitle();
		if (this.actual.status() != 503 || !"Not the primary".equals(title)) {
			failWithMessage("Expected the request to be refused as not primary (503, problem detail \"Not the "
					+ "primary\"), but it was answered %s", this.actual.summary());
		}
		return this;
	}

	/**
	 * The answer sets the {@code __txid} cookie to a TXID.
	 * @param txid the TXID
	 * @return this
	 */
	public LiteFsResponseAssert hasTxidCookie(long txid) {
		String expected = String.format("%016x", txid);
		List<String> cookies = txidCookies();
		if (cookies.stream().noneMatch(expected::equals)) {
			failWithMessage("Expected a %s cookie of TXID %s, but the answer set %s", TxidCookie.NAME, expected,
					cookies.isEmpty() ? "none" : cookies);
		}
		return this;
	}

	/**
	 * The node, a replica, held the request until it reached a TXID, then answered it, as
	 * its {@link LiteFsRecorder} says.
	 * @param txid the TXID of the request's {@code __txid} cookie
	 * @return this
	 */
	public LiteFsResponseAssert waitedForTxid(long txid) {
		LiteFsRecorder recorder = requireRecorder("waited for TXID " + txid);
		var waited = recorder.awaitWaited((record) -> record.txid() == txid);
		if (waited.isEmpty()) {
			failWithMessage("Expected the node to wait for TXID %016x, but it waited for %s; it answered %s", txid,
					recorder.waited().stream().map((record) -> String.format("%016x", record.txid())).toList(),
					this.actual.summary());
		}
		else if (waited.get().outcome() != WaitOutcome.CAUGHT_UP) {
			failWithMessage("Expected the node to reach TXID %016x while the request waited, but the wait %s "
					+ "after %s; it answered %s", txid, waited.get().outcome().id(), waited.get().duration(),
					this.actual.summary());
		}
		return this;
	}

	private List<String> txidCookies() {
		String prefix = TxidCookie.NAME + "=";
		return this.actual.headers()
			.getOrEmpty(HttpHeaders.SET_COOKIE)
			.stream()
			.filter((cookie) -> cookie.startsWith(prefix))
			.map((cookie) -> cookie.substring(prefix.length(), indexOrEnd(cookie, ';')))
			.toList();
	}

	private static int indexOrEnd(String text, char c) {
		int index = text.indexOf(c);
		return (index < 0) ? text.length() : index;
	}

	private @Nullable String problemTitle() {
		MediaType type = this.actual.headers().getContentType();
		if (type == null || !MediaType.APPLICATION_PROBLEM_JSON.isCompatibleWith(type)) {
			return null;
		}
		try {
			JsonNode title = json.readTree(this.actual.body()).get("title");
			return (title != null) ? title.asString() : null;
		}
		catch (RuntimeException ex) {
			return null;
		}
	}

	private LiteFsRecorder requireRecorder(String what) {
		LiteFsRecorder recorder = this.actual.recorder();
		if (recorder == null) {
			failWithMessage("Whether the request %s only the node's LiteFsRecorder knows: run the test with "
					+ "@AutoConfigureLiteFs and pass its recorder, LiteFsAssertions.assertThat(answer, recorder)",
					what);
		}
		return recorder;
	}

	/**
	 * An answer as the assertions read it.
	 *
	 * @param status its status
	 * @param headers its headers
	 * @param body its body
	 * @param method the request's method, when known
	 * @param path the request's path, when known
	 * @param recorder the recorder of the node that answered, when known
	 */
	public record Answer(int status, HttpHeaders headers, byte[] body, @Nullable String method,
			@Nullable String path, @Nullable LiteFsRecorder recorder) {

		String request() {
			return (this.method != null) ? this.method + " " + this.path : "the request";
		}

		String summary() {
			String text = new String(this.body, java.nio.charset.StandardCharsets.UTF_8);
			if (text.length() > 300) {
				text = text.substring(0, 300) + "...";
			}
			return this.status + " " + this.headers + (text.isEmpty() ? "" : " " + text);
		}

	}

}

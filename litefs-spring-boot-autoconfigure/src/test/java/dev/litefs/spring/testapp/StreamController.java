package dev.litefs.spring.testapp;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import dev.litefs.spring.routing.EnsurePrimary;

import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Handlers that need the primary and answer in ways a proxy must not get wrong: a stream
 * of server-sent events that waits for the test between its events, and a handler a
 * WebSocket client would upgrade on.
 */
@RestController
public class StreamController {

	/** Released by a test to let {@code /events} send its second event. */
	public static volatile CountDownLatch secondEvent = new CountDownLatch(1);

	private final Calls calls;

	StreamController(Calls calls) {
		this.calls = calls;
	}

	@GetMapping(path = "/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
	@EnsurePrimary
	public SseEmitter events() {
		this.calls.ran("events");
		SseEmitter emitter = new SseEmitter(30_000L);
		CountDownLatch second = secondEvent;
		Thread sender = new Thread(() -> {
			try {
				emitter.send(SseEmitter.event().name("first").data("one"));
				if (second.await(20, TimeUnit.SECONDS)) {
					emitter.send(SseEmitter.event().name("second").data("two"));
				}
				emitter.complete();
			}
			catch (IOException | InterruptedException ex) {
				emitter.completeWithError(ex);
			}
		}, "events");
		sender.setDaemon(true);
		sender.start();
		return emitter;
	}

	/**
	 * Reads {@code /events} through a node, letting the primary send its second event only
	 * once the first reached this client: a proxy that held the stream back would only
	 * pass on the first event when the second wait gave up, without the second.
	 * @param node the node to read through
	 * @return the events' data lines as read, {@code (the stream ended)} for one missing
	 * @throws IOException if the request fails
	 * @throws InterruptedException if interrupted
	 */
	public static List<String> readEventByEvent(TestNode node) throws IOException, InterruptedException {
		secondEvent = new CountDownLatch(1);
		HttpResponse<Stream<String>> response = TestNode.http()
			.send(node.request("/events").header("Accept", MediaType.TEXT_EVENT_STREAM_VALUE).GET().build(),
					HttpResponse.BodyHandlers.ofLines());
		Iterator<String> lines = response.body().iterator();
		List<String> data = new ArrayList<>();
		data.add(nextData(lines));
		secondEvent.countDown();
		data.add(nextData(lines));
		return data;
	}

	private static String nextData(Iterator<String> lines) {
		while (lines.hasNext()) {
			String line = lines.next();
			if (line.startsWith("data:")) {
				return line;
			}
		}
		return "(the stream ended)";
	}

	@GetMapping("/socket")
	@EnsurePrimary
	public String socket() {
		this.calls.ran("socket");
		return "a WebSocket handshake would happen here";
	}

}

package dev.litefs.spring.session;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import dev.litefs.spring.halt.LiteFsHaltException;
import dev.litefs.spring.halt.LiteFsHaltException.Reason;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServlet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link SessionWriteFilter} on a real Tomcat, for a session change that fails after the
 * response was committed (Spring Session writes the session once more as its filter ends):
 * what the client receives and what the server logs.
 */
@ExtendWith(OutputCaptureExtension.class)
class SessionWriteFilterServerTests {

	private final List<LogRecord> containerErrors = new CopyOnWriteArrayList<>();

	private final Handler containerLog = new Handler() {

		@Override
		public void publish(LogRecord record) {
			if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
				SessionWriteFilterServerTests.this.containerErrors.add(record);
			}
		}

		@Override
		public void flush() {
		}

		@Override
		public void close() {
		}

	};

	private WebServer server;

	@AfterEach
	void stop() {
		Logger.getLogger("org.apache.catalina").removeHandler(this.containerLog);
		if (this.server != null) {
			this.server.stop();
		}
	}

	@Test
	void aSessionChangeThatFailsAfterTheAnswerWasSentLeavesTheAnswerWholeAndWarnsOnce(CapturedOutput output)
			throws Exception {
		Logger.getLogger("org.apache.catalina").addHandler(this.containerLog);
		this.server = new TomcatServletWebServerFactory(0).getWebServer((context) -> {
			context.addServlet("page", new HttpServlet() {
			}).addMapping("/");
			context.addFilter("writes", new SessionWriteFilter("node-b", null, Duration.ofSeconds(2)))
				.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), false, "/*");
			// as Spring Session's filter does when the response was committed past its
			// wrapper: the page is sent, then the session write fails
			context.addFilter("session", (Filter) (request, response, chain) -> {
				response.setContentType("text/plain");
				response.getWriter().write("the page");
				response.flushBuffer();
				throw new IllegalStateException(
						new LiteFsHaltException(Reason.REFUSED, "LiteFS refused the HALT lock", null));
			}).addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, "/*");
		});
		this.server.start();

		HttpResponse<String> response = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.server.getPort() + "/posts"))
				.timeout(Duration.ofSeconds(10))
				.build(), HttpResponse.BodyHandlers.ofString());

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).isEqualTo("the page");
		assertThat(output.getOut().lines().filter((line) -> line.contains("session change not saved")))
			.singleElement()
			.asString()
			.contains("WARN")
			.contains("GET /posts")
			.contains("after the response was sent")
			.contains("LiteFS refused the HALT lock");
		assertThat(this.containerErrors).isEmpty();
	}

}

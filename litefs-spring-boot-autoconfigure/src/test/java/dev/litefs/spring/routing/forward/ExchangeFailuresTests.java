package dev.litefs.spring.routing.forward;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.Test;

import org.springframework.web.client.ResourceAccessException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Unit tests of {@link ExchangeFailures}: what each client's failure comes to.
 */
class ExchangeFailuresTests {

	@Test
	void failuresToConnectAreThePrimaryUnreachable() {
		assertThat(classify(new ConnectException("Connection refused"))).isEqualTo(ForwardResult.UNREACHABLE);
		assertThat(classify(new HttpConnectTimeoutException("timed out"))).isEqualTo(ForwardResult.UNREACHABLE);
		assertThat(classify(new UnknownHostException("node-a"))).isEqualTo(ForwardResult.UNREACHABLE);
		assertThat(classify(new NoRouteToHostException())).isEqualTo(ForwardResult.UNREACHABLE);
		assertThat(classify(new IOException(new UnresolvedAddressException()))).isEqualTo(ForwardResult.UNREACHABLE);
		assertThat(classify(new SocketTimeoutException("Connect timed out"))).isEqualTo(ForwardResult.UNREACHABLE);
	}

	@Test
	void noAnswerInTimeIsATimeout() {
		assertThat(classify(new SocketTimeoutException("Read timed out"))).isEqualTo(ForwardResult.TIMEOUT);
		assertThat(classify(new SocketTimeoutException())).isEqualTo(ForwardResult.TIMEOUT);
		assertThat(classify(new HttpTimeoutException("request timed out"))).isEqualTo(ForwardResult.TIMEOUT);
		assertThat(classify(new IOException(new TimeoutException()))).isEqualTo(ForwardResult.TIMEOUT);
	}

	@Test
	void anythingElseFailed() {
		assertThat(classify(new IOException("Connection reset"))).isEqualTo(ForwardResult.FAILED);
		assertThat(ExchangeFailures.classify(new ResourceAccessException("no cause"))).isEqualTo(ForwardResult.FAILED);
	}

	private static ForwardResult classify(Exception cause) {
		return ExchangeFailures.classify(new ResourceAccessException("I/O error", new IOException(cause)));
	}

}

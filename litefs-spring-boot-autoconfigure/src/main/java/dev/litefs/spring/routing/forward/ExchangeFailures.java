package dev.litefs.spring.routing.forward;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.util.Locale;
import java.util.concurrent.TimeoutException;

import dev.litefs.spring.internal.CauseChain;

/**
 * What an exchange with the primary that failed before it answered comes to, whichever
 * HTTP client reported it: the primary unreachable, no answer in time, or another
 * failure.
 */
final class ExchangeFailures {

	private ExchangeFailures() {
	}

	/**
	 * Classifies a failure by its causes.
	 * @param failure what the client threw
	 * @return {@link ForwardResult#UNREACHABLE}, {@link ForwardResult#TIMEOUT} or
	 * {@link ForwardResult#FAILED}
	 */
	static ForwardResult classify(Throwable failure) {
		Throwable cause = CauseChain.find(failure, (each) -> isUnreachable(each) || isTimeout(each));
		if (cause == null) {
			return ForwardResult.FAILED;
		}
		return isUnreachable(cause) ? ForwardResult.UNREACHABLE : ForwardResult.TIMEOUT;
	}

	private static boolean isUnreachable(Throwable cause) {
		return cause instanceof HttpConnectTimeoutException || cause instanceof ConnectException
				|| cause instanceof UnresolvedAddressException || cause instanceof UnknownHostException
				|| cause instanceof NoRouteToHostException || isConnectTimeout(cause);
	}

	private static boolean isTimeout(Throwable cause) {
		return cause instanceof HttpTimeoutException || cause instanceof SocketTimeoutException
				|| cause instanceof TimeoutException;
	}

	/**
	 * {@code HttpURLConnection} (and other blocking clients) report a connect timeout as
	 * a {@link SocketTimeoutException} that only its message tells from a read timeout.
	 */
	private static boolean isConnectTimeout(Throwable cause) {
		return cause instanceof SocketTimeoutException && cause.getMessage() != null
				&& cause.getMessage().toLowerCase(Locale.ROOT).contains("connect timed out");
	}

}

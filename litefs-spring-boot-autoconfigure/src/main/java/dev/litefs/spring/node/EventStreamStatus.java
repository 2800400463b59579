package dev.litefs.spring.node;

import java.net.URI;
import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * The state of this node's subscription to LiteFS's {@code GET /events}.
 *
 * @param url the stream's URL
 * @param connectedSince when the current connection delivered its {@code init} event, or
 * {@code null} while the stream is down and the files are read instead
 * @param eventsSeen events received since the node started, over every connection
 * @param reconnects attempts to connect again after a connection ended or failed
 * @param lastEventAt when the last event arrived, or {@code null} before the first
 * @param lastError why the stream last ended or failed to open, or {@code null} while it
 * is up
 *
 * @since 0.2.0
 */
public record EventStreamStatus(URI url, @Nullable Instant connectedSince, long eventsSeen, long reconnects,
		@Nullable Instant lastEventAt, @Nullable String lastError) {

	/**
	 * Whether the stream is up: the events are the node's source.
	 * @return {@code true} while connected
	 */
	public boolean connected() {
		return this.connectedSince != null;
	}

	/**
	 * Whether the node reads the files on every poll interval because the stream is down.
	 * @return {@code true} while not connected
	 */
	public boolean fallbackActive() {
		return this.connectedSince == null;
	}

}

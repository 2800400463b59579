package dev.litefs.benchmarks;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One HTTP/1.1 connection kept alive, with blocking I/O on the calling thread: a {@code GET}
 * costs a write and a read or two, against the JDK {@code HttpClient}'s selector thread,
 * futures and header maps per exchange, so that a closed loop of clients in the
 * benchmark's JVM leaves the cores to the server it measures. Reads answers with a
 * {@code Content-Length} or chunked; opens the connection again when the server closes it.
 */
final class KeepAliveClient implements Closeable {

	private final URI uri;

	private Socket socket;

	private InputStream in;

	private OutputStream out;

	/** What a {@code GET} was answered: its status and {@code ETag} (or {@code null}). */
	record Answer(int status, String etag) {
	}

	KeepAliveClient(URI uri) {
		this.uri = uri;
	}

	/**
	 * Sends a {@code GET} of the URI and reads the answer to its end.
	 * @param ifNoneMatch the {@code If-None-Match} to send, or {@code null}
	 * @return the answer
	 */
	Answer get(String ifNoneMatch) throws IOException {
		if (this.socket == null) {
			this.socket = new Socket(this.uri.getHost(), this.uri.getPort());
			this.socket.setTcpNoDelay(true);
			this.in = new BufferedInputStream(this.socket.getInputStream(), 16 * 1024);
			this.out = this.socket.getOutputStream();
		}
		String request = "GET " + this.uri.getRawPath() + " HTTP/1.1\r\nHost: " + this.uri.getHost() + ":"
				+ this.uri.getPort() + "\r\n"
				+ ((ifNoneMatch != null) ? "If-None-Match: " + ifNoneMatch + "\r\n" : "") + "\r\n";
		this.out.write(request.getBytes(StandardCharsets.ISO_8859_1));
		this.out.flush();
		String status = line();
		int code = Integer.parseInt(status.substring(9, 12));
		long length = (code == 304 || code == 204) ? 0 : -1;
		boolean chunked = false;
		boolean close = false;
		String etag = null;
		for (String header = line(); !header.isEmpty(); header = line()) {
			int colon = header.indexOf(':');
			String name = header.substring(0, colon).trim().toLowerCase(Locale.ROOT);
			String value = header.substring(colon + 1).trim();
			switch (name) {
				case "content-length" -> length = (code == 304) ? 0 : Long.parseLong(value);
				case "transfer-encoding" -> chunked = value.equalsIgnoreCase("chunked");
				case "connection" -> close = value.equalsIgnoreCase("close");
				case "etag" -> etag = value;
				default -> {
				}
			}
		}
		if (chunked) {
			for (long size = Long.parseLong(line().split(";")[0].trim(), 16); size > 0; size = Long
				.parseLong(line().split(";")[0].trim(), 16)) {
				skip(size);
				line();
			}
			while (!line().isEmpty()) {
				// trailers
			}
		}
		else if (length > 0) {
			skip(length);
		}
		else if (length < 0) {
			// a body that ends with the connection
			while (this.in.read() >= 0) {
				// skipped
			}
			close = true;
		}
		if (close) {
			close();
		}
		return new Answer(code, etag);
	}

	private String line() throws IOException {
		StringBuilder line = new StringBuilder(64);
		for (int b = this.in.read(); b != '\n'; b = this.in.read()) {
			if (b < 0) {
				throw new IOException("Connection to " + this.uri + " closed in an answer");
			}
			if (b != '\r') {
				line.append((char) b);
			}
		}
		return line.toString();
	}

	private void skip(long bytes) throws IOException {
		for (long left = bytes; left > 0;) {
			long skipped = this.in.skip(left);
			if (skipped <= 0) {
				if (this.in.read() < 0) {
					throw new IOException("Connection to " + this.uri + " closed in a body");
				}
				skipped = 1;
			}
			left -= skipped;
		}
	}

	@Override
	public void close() throws IOException {
		if (this.socket != null) {
			this.socket.close();
			this.socket = null;
		}
	}

}

package dev.litefs.spring.node;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * One {@code GET} of LiteFS's HTTP API on a connection of its own (HTTP/1.1,
 * {@code Connection: close}) whose every wait is bounded: by a deadline for the whole
 * answer until the caller {@link #liftDeadline() lifts} it, by an idle timeout on each
 * read after that (a read that times out then leaves the answer readable). An answer
 * that trickles in byte by byte cannot hold its caller past the deadline, as it holds a
 * {@link java.net.HttpURLConnection}, whose timeout bounds each read but not all of them;
 * and {@link #close()} ends a read in progress on another thread at once, where
 * {@code HttpURLConnection#disconnect()} waits for it.
 * <p>
 * The status line, each header and each chunk-size line are bounded too; the body is read
 * as the headers say: chunked, {@code Content-Length}, or up to the end of the connection.
 */
final class HttpGet implements Closeable {

	/** The longest line of an answer's head (status line, header, chunk size) read. */
	private static final int MAX_HEAD_LINE = 8 * 1024;

	/** The most header lines read. */
	private static final int MAX_HEADERS = 100;

	private static final long NO_DEADLINE = Long.MAX_VALUE;

	private final Socket socket;

	private final InputStream in;

	private final int idleMillis;

	private final byte[] buffer = new byte[8192];

	private final StringBuilder line = new StringBuilder();

	private final Body body = new Body();

	private int position;

	private int limit;

	/** {@link System#nanoTime()} by which the answer must have come, or {@link #NO_DEADLINE}. */
	private long deadline;

	private int status;

	private Framing framing = Framing.UNTIL_CLOSE;

	/** Bytes left in the current chunk, or in the body with a {@code Content-Length}. */
	private long remaining;

	private boolean chunkEndPending;

	private boolean ended;

	private HttpGet(Socket socket, Duration timeout, long deadline) throws IOException {
		this.socket = socket;
		this.in = socket.getInputStream();
		this.idleMillis = millis(timeout.toNanos());
		this.deadline = deadline;
		// bounds the TLS handshake, if any, which the request's write starts
		socket.setSoTimeout(this.idleMillis);
	}

	/**
	 * Connects, sends the request and reads the answer's head, all within the timeout.
	 * @param url the resource, e.g. {@code http://localhost:20202/events}
	 * @param timeout the deadline for the whole answer, head and body, until lifted; after
	 * that the bound on each read
	 * @return the answer, its body still to read
	 * @throws IOException when the API does not answer in time, or not in HTTP
	 */
	static HttpGet open(URI url, Duration timeout) throws IOException {
		long deadline = System.nanoTime() + timeout.toNanos();
		boolean https = "https".equalsIgnoreCase(url.getScheme());
		String host = url.getHost();
		if (host == null || !(https || "http".equalsIgnoreCase(url.getScheme()))) {
			throw new IOException("not an http:// or https:// URL with a host: " + url);
		}
		String address = (host.startsWith("[") && host.endsWith("]")) ? host.substring(1, host.length() - 1) : host;
		int port = (url.getPort() != -1) ? url.getPort() : (https ? 443 : 80);
		Socket socket = new Socket(Proxy.NO_PROXY);
		try {
			socket.connect(new InetSocketAddress(address, port), millis(timeout.toNanos()));
			if (https) {
				SSLSocket tls = (SSLSocket) ((SSLSocketFactory) SSLSocketFactory.getDefault()).createSocket(socket,
						address, port, true);
				SSLParameters parameters = tls.getSSLParameters();
				parameters.setEndpointIdentificationAlgorithm("HTTPS");
				tls.setSSLParameters(parameters);
				socket = tls;
			}
			HttpGet get = new HttpGet(socket, timeout, deadline);
			get.request(url, host + ((url.getPort() != -1) ? ":" + port : ""));
			return get;
		}
		catch (IOException | RuntimeException ex) {
			socket.close();
			throw ex;
		}
	}

	/**
	 * The answer's status code.
	 * @return the status
	 */
	int status() {
		return this.status;
	}

	/**
	 * The answer's body, read within the deadline, or the idle timeout once it is lifted.
	 * @return the body, not to be read by two threads at once
	 */
	InputStream body() {
		return this.body;
	}

	/**
	 * From now on each read waits at most the idle timeout, however long the answer
	 * lasts; a read that times out leaves the body readable.
	 */
	void liftDeadline() {
		this.deadline = NO_DEADLINE;
	}

	/** Closes the connection; a read in progress on another thread ends at once. */
	@Override
	public void close() throws IOException {
		this.socket.close();
	}

	private void request(URI url, String hostHeader) throws IOException {
		String path = (url.getRawPath() == null || url.getRawPath().isEmpty()) ? "/" : url.getRawPath();
		String request = "GET " + path + ((url.getRawQuery() != null) ? "?" + url.getRawQuery() : "") + " HTTP/1.1\r\n"
				+ "Host: " + hostHeader + "\r\nAccept: */*\r\nConnection: close\r\n\r\n";
		OutputStream out = this.socket.getOutputStream();
		out.write(request.getBytes(StandardCharsets.ISO_8859_1));
		out.flush();
		String statusLine = readHeadLine();
		String[] parts = statusLine.split(" ", 3);
		if (parts.length < 2 || !parts[0].startsWith("HTTP/") || !parts[1].matches("[0-9]{3}")) {
			throw new IOException("not an HTTP answer: " + abbreviate(statusLine));
		}
		this.status = Integer.parseInt(parts[1]);
		for (int headers = 0;; headers++) {
			String header = readHeadLine();
			if (header.isEmpty()) {
				break;
			}
			if (headers == MAX_HEADERS) {
				throw new IOException("more than " + MAX_HEADERS + " header lines");
			}
			int colon = header.indexOf(':');
			String name = (colon > 0) ? header.substring(0, colon).trim().toLowerCase(Locale.ROOT) : "";
			String value = (colon > 0) ? header.substring(colon + 1).trim() : "";
			if (name.equals("transfer-encoding") && value.toLowerCase(Locale.ROOT).contains("chunked")) {
				this.framing = Framing.CHUNKED;
			}
			else if (name.equals("content-length") && this.framing != Framing.CHUNKED) {
				this.framing = Framing.LENGTH;
				this.remaining = parseLength(value, 10, "Content-Length");
			}
		}
	}

	/**
	 * A line of the head or of the chunked framing, without its line end. What a timed-out
	 * read left of it is kept for the next call.
	 */
	private String readHeadLine() throws IOException {
		while (true) {
			if (this.position == this.limit && !fill()) {
				throw new EOFException("LiteFS's API closed the connection in the middle of a line");
			}
			char next = (char) (this.buffer[this.position++] & 0xff);
			if (next == '\n') {
				int end = this.line.length();
				String read = this.line.substring(0, (end > 0 && this.line.charAt(end - 1) == '\r') ? end - 1 : end);
				this.line.setLength(0);
				return read;
			}
			if (this.line.length() == MAX_HEAD_LINE) {
				throw new IOException("a line of the answer's head or framing longer than " + MAX_HEAD_LINE + " bytes");
			}
			this.line.append(next);
		}
	}

	/** Reads more into the buffer, once it is all consumed; {@code false} at the end of the connection. */
	private boolean fill() throws IOException {
		int timeout = this.idleMillis;
		long deadline = this.deadline;
		if (deadline != NO_DEADLINE) {
			long left = deadline - System.nanoTime();
			if (left <= 0) {
				throw new SocketTimeoutException("no whole answer within " + this.idleMillis + "ms");
			}
			timeout = Math.min(timeout, millis(left));
		}
		this.socket.setSoTimeout(timeout);
		int read = this.in.read(this.buffer);
		if (read < 0) {
			return false;
		}
		this.position = 0;
		this.limit = read;
		return true;
	}

	private static long parseLength(String value, int radix, String what) throws IOException {
		try {
			long length = Long.parseLong(value, radix);
			if (length < 0) {
				throw new NumberFormatException();
			}
			return length;
		}
		catch (NumberFormatException ex) {
			throw new IOException("not a " + what + ": " + abbreviate(value));
		}
	}

	private static String abbreviate(String text) {
		return (text.length() > 100) ? text.substring(0, 100) + "..." : text;
	}

	/** Whole milliseconds, rounded up, at least one (a socket timeout of zero waits forever). */
	private static int millis(long nanos) {
		return (int) Math.max(1, Math.min(Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(nanos + 999_999)));
	}

	private enum Framing {

		CHUNKED, LENGTH, UNTIL_CLOSE

	}

	/** The body, as the framing delimits it. */
	private final class Body extends InputStream {

		@Override
		public int read() throws IOException {
			byte[] one = new byte[1];
			return (read(one, 0, 1) < 0) ? -1 : (one[0] & 0xff);
		}

		@Override
		public int read(byte[] bytes, int offset, int length) throws IOException {
			HttpGet get = HttpGet.this;
			if (length == 0) {
				return 0;
			}
			if (get.ended || (get.framing != Framing.UNTIL_CLOSE && get.remaining == 0 && !nextChunk())) {
				get.ended = true;
				return -1;
			}
			if (get.position == get.limit && !fill()) {
				get.ended = true;
				return -1;
			}
			int count = Math.min(length, get.limit - get.position);
			if (get.framing != Framing.UNTIL_CLOSE) {
				count = (int) Math.min(count, get.remaining);
				get.remaining -= count;
			}
			System.arraycopy(get.buffer, get.position, bytes, offset, count);
			get.position += count;
			return count;
		}

		/** Reads the next chunk's size; {@code false} at the last chunk or the end of a sized body. */
		private boolean nextChunk() throws IOException {
			HttpGet get = HttpGet.this;
			if (get.framing != Framing.CHUNKED) {
				return false;
			}
			if (get.chunkEndPending) {
				readHeadLine();
				get.chunkEndPending = false;
			}
			String size = readHeadLine();
			int extension = size.indexOf(';');
			get.remaining = parseLength(((extension >= 0) ? size.substring(0, extension) : size).trim(), 16,
					"chunk size");
			get.chunkEndPending = true;
			return get.remaining > 0;
		}

		@Override
		public void close() throws IOException {
			HttpGet.this.close();
		}

	}

}

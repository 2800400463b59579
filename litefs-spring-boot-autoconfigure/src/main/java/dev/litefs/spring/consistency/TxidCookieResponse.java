package dev.litefs.spring.consistency;

import dev.litefs.spring.internal.PrimaryRequests;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.util.function.Supplier;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;

/**
 * A response that gets the {@code __txid} cookie at the moment it commits, when its
 * request ensured the primary: at the first byte written or flushed, a redirect, an
 * error, or the end of the request if nothing was written. Whatever the handler's style
 * (a body, a view, a redirect, a stream), the cookie is on the response, and it names the
 * TXID read then: after the handler's write committed.
 */
final class TxidCookieResponse extends HttpServletResponseWrapper {

	private final HttpServletRequest request;

	private final Supplier<String> cookie;

	private volatile boolean cookieDone;

	private @Nullable ServletOutputStream stream;

	private @Nullable PrintWriter writer;

	/**
	 * Wraps a response.
	 * @param request the request, asked at commit whether it ensured the primary
	 * @param response the response
	 * @param cookie the {@code Set-Cookie} value, made at commit
	 */
	TxidCookieResponse(HttpServletRequest request, HttpServletResponse response, Supplier<String> cookie) {
		super(response);
		this.request = request;
		this.cookie = cookie;
	}

	/**
	 * Adds the cookie if the request ensured the primary and the response is not
	 * committed yet; at most once.
	 */
	void beforeCommit() {
		if (!this.cookieDone && PrimaryRequests.isEnsured(this.request) && !isCommitted()) {
			synchronized (this) {
				if (!this.cookieDone) {
					this.cookieDone = true;
					addHeader(HttpHeaders.SET_COOKIE, this.cookie.get());
				}
			}
		}
	}

	@Override
	public ServletOutputStream getOutputStream() throws IOException {
		if (this.stream == null) {
			this.stream = new CommittingStream(super.getOutputStream());
		}
		return this.stream;
	}

	@Override
	public PrintWriter getWriter() throws IOException {
		if (this.writer == null) {
			this.writer = new CommittingWriter(super.getWriter());
		}
		return this.writer;
	}

	@Override
	public void flushBuffer() throws IOException {
		beforeCommit();
		super.flushBuffer();
	}

	@Override
	public void sendError(int sc, String msg) throws IOException {
		beforeCommit();
		super.sendError(sc, msg);
	}

	@Override
	public void sendError(int sc) throws IOException {
		beforeCommit();
		super.sendError(sc);
	}

	@Override
	public void sendRedirect(String location) throws IOException {
		beforeCommit();
		super.sendRedirect(location);
	}

	@Override
	public void sendRedirect(String location, int sc) throws IOException {
		beforeCommit();
		super.sendRedirect(location, sc);
	}

	@Override
	public void sendRedirect(String location, boolean clearBuffer) throws IOException {
		beforeCommit();
		super.sendRedirect(location, clearBuffer);
	}

	@Override
	public void sendRedirect(String location, int sc, boolean clearBuffer) throws IOException {
		beforeCommit();
		super.sendRedirect(location, sc, clearBuffer);
	}

	private final class CommittingStream extends ServletOutputStream {

		private final ServletOutputStream delegate;

		CommittingStream(ServletOutputStream delegate) {
			this.delegate = delegate;
		}

		@Override
		public void write(int b) throws IOException {
			beforeCommit();
			this.delegate.write(b);
		}

		@Override
		public void write(byte[] b, int off, int len) throws IOException {
			beforeCommit();
			this.delegate.write(b, off, len);
		}

		@Override
		public void write(ByteBuffer buffer) throws IOException {
			beforeCommit();
			this.delegate.write(buffer);
		}

		@Override
		public void flush() throws IOException {
			beforeCommit();
			this.delegate.flush();
		}

		@Override
		public void close() throws IOException {
			beforeCommit();
			this.delegate.close();
		}

		@Override
		public boolean isReady() {
			return this.delegate.isReady();
		}

		@Override
		public void setWriteListener(WriteListener listener) {
			this.delegate.setWriteListener(listener);
		}

	}

	private final class CommittingWriter extends PrintWriter {

		CommittingWriter(PrintWriter delegate) {
			super(delegate);
		}

		@Override
		public void write(int c) {
			beforeCommit();
			super.write(c);
		}

		@Override
		public void write(char[] buf, int off, int len) {
			beforeCommit();
			super.write(buf, off, len);
		}

		@Override
		public void write(String s, int off, int len) {
			beforeCommit();
			super.write(s, off, len);
		}

		@Override
		public void flush() {
			beforeCommit();
			super.flush();
		}

		@Override
		public void close() {
			beforeCommit();
			super.close();
		}

	}

}

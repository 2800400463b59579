package dev.litefs.spring.consistency;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.util.concurrent.locks.ReentrantLock;

import dev.litefs.spring.internal.PrimaryRequests;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import org.jspecify.annotations.Nullable;

/**
 * The response of a request that may write: when its request ensured the primary, it
 * runs a {@link Confirmation} of the write at the moment it commits, at the first byte
 * written or flushed, a redirect, an error, or the end of the request if nothing was
 * written. Whatever the handler's style (a body, a view, a redirect, a stream), the
 * confirmation runs after the handler's write committed and before the client sees
 * anything; when it answers instead of the application ({@link WriteConfirmation}: LiteFS
 * cannot confirm that it recorded the write), the application's output is dropped.
 */
final class WriteConfirmingResponse extends HttpServletResponseWrapper {

	private final HttpServletRequest request;

	private final Confirmation confirmation;

	// held while the confirmation runs, once: it reads LiteFS's position on the mount, which under a
	// monitor would pin a virtual thread to its carrier on Java 21 to 23
	private final ReentrantLock committing = new ReentrantLock();

	private volatile boolean confirmed;

	private volatile boolean answeredInstead;

	private @Nullable ServletOutputStream stream;

	private @Nullable PrintWriter writer;

	/**
	 * Wraps a response.
	 * @param request the request, asked at commit whether it ensured the primary
	 * @param response the response
	 * @param confirmation what confirms the write at commit
	 */
	WriteConfirmingResponse(HttpServletRequest request, HttpServletResponse response, Confirmation confirmation) {
		super(response);
		this.request = request;
		this.confirmation = confirmation;
	}

	/**
	 * Confirms the write if the request ensured the primary and the response is not
	 * committed yet; at most once.
	 * @return whether the application's output goes on to the client: {@code false}
	 * once the confirmation answered instead
	 */
	boolean beforeCommit() {
		return beforeCommit(getStatus());
	}

	private boolean beforeCommit(int status) {
		if (!this.confirmed && !isCommitted() && this.confirmation.applies(this.request)) {
			this.committing.lock();
			try {
				if (!this.confirmed) {
					this.confirmed = true;
					this.answeredInstead = !this.confirmation.beforeCommit(this.request,
							(HttpServletResponse) getResponse(), status);
				}
			}
			finally {
				this.committing.unlock();
			}
		}
		return !this.answeredInstead;
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
		if (beforeCommit()) {
			super.flushBuffer();
		}
	}

	@Override
	public void sendError(int sc, String msg) throws IOException {
		if (beforeCommit(sc)) {
			super.sendError(sc, msg);
		}
	}

	@Override
	public void sendError(int sc) throws IOException {
		if (beforeCommit(sc)) {
			super.sendError(sc);
		}
	}

	@Override
	public void sendRedirect(String location) throws IOException {
		if (beforeCommit(SC_FOUND)) {
			super.sendRedirect(location);
		}
	}

	@Override
	public void sendRedirect(String location, int sc) throws IOException {
		if (beforeCommit(SC_FOUND)) {
			super.sendRedirect(location, sc);
		}
	}

	@Override
	public void sendRedirect(String location, boolean clearBuffer) throws IOException {
		if (beforeCommit(SC_FOUND)) {
			super.sendRedirect(location, clearBuffer);
		}
	}

	@Override
	public void sendRedirect(String location, int sc, boolean clearBuffer) throws IOException {
		if (beforeCommit(SC_FOUND)) {
			super.sendRedirect(location, sc, clearBuffer);
		}
	}

	private final class CommittingStream extends ServletOutputStream {

		private final ServletOutputStream delegate;

		CommittingStream(ServletOutputStream delegate) {
			this.delegate = delegate;
		}

		@Override
		public void write(int b) throws IOException {
			if (beforeCommit()) {
				this.delegate.write(b);
			}
		}

		@Override
		public void write(byte[] b, int off, int len) throws IOException {
			if (beforeCommit()) {
				this.delegate.write(b, off, len);
			}
		}

		@Override
		public void write(ByteBuffer buffer) throws IOException {
			if (beforeCommit()) {
				this.delegate.write(buffer);
			}
		}

		@Override
		public void flush() throws IOException {
			if (beforeCommit()) {
				this.delegate.flush();
			}
		}

		@Override
		public void close() throws IOException {
			if (beforeCommit()) {
				this.delegate.close();
			}
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
			if (beforeCommit()) {
				super.write(c);
			}
		}

		@Override
		public void write(char[] buf, int off, int len) {
			if (beforeCommit()) {
				super.write(buf, off, len);
			}
		}

		@Override
		public void write(String s, int off, int len) {
			if (beforeCommit()) {
				super.write(s, off, len);
			}
		}

		@Override
		public void flush() {
			if (beforeCommit()) {
				super.flush();
			}
		}

		@Override
		public void close() {
			if (beforeCommit()) {
				super.close();
			}
		}

	}

	/** What confirms a write as its response commits. */
	@FunctionalInterface
	interface Confirmation {

		/**
		 * Confirms the write of a request that ensured the primary, just before its
		 * response commits.
		 * @param request the request
		 * @param response the response, not committed
		 * @param status the status the application answers with
		 * @return {@code true} to let the application's answer through, {@code false}
		 * when the confirmation answered instead
		 */
		boolean beforeCommit(HttpServletRequest request, HttpServletResponse response, int status);

		/**
		 * Whether a request's write is to be confirmed.
		 * @param request the request
		 * @return {@code true} when it ensured the primary
		 */
		default boolean applies(HttpServletRequest request) {
			return PrimaryRequests.isEnsured(request);
		}

	}

}

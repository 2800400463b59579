package dev.litefs.spring.routing.forward;

import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;

import jakarta.servlet.ServletRequest;
import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;

import org.springframework.http.MediaType;
import org.springframework.web.util.ContentCachingRequestWrapper;
import org.springframework.web.util.WebUtils;

/**
 * What a node that is not the primary kept of a request's body, so that the request can
 * still be routed after the application read it (an {@code @EnsurePrimary} service
 * method, a write refused by SQLite).
 * <p>
 * Bodies are kept by Spring's {@link ContentCachingRequestWrapper}: the application reads
 * the container's stream as usual and the wrapper keeps what it read, up to the
 * limit the routing strategy asks for; when the request is routed, what
 * the application left unread is read through the same wrapper. A form {@code POST}
 * whose parameters the container parsed (it reads the body past any wrapper) is kept as
 * the wrapper re-encodes those parameters, which only stands for the body when the URL
 * carries no query string (the container merges its parameters in); otherwise, and for
 * multipart bodies (parsed by the container before any handler runs), the body is
 * {@link Kind#UNKNOWN}.
 *
 * @since 0.2.0
 */
public final class KeptBody {

	/** What became of a request's body. */
	public enum Kind {

		/** No body. */
		NONE,

		/** Kept whole: {@link #bytes()}. */
		KEPT,

		/** Over the strategy's limit, not kept. */
		TOO_LARGE,

		/** Not kept, possibly read already. */
		UNKNOWN

	}

	private static final String TOO_LARGE_ATTRIBUTE = KeptBody.class.getName() + ".tooLarge";

	private static final KeptBody NONE = new KeptBody(Kind.NONE, null);

	private static final KeptBody TOO_LARGE = new KeptBody(Kind.TOO_LARGE, null);

	private static final KeptBody UNKNOWN = new KeptBody(Kind.UNKNOWN, null);

	private final Kind kind;

	private final byte @Nullable [] bytes;

	private KeptBody(Kind kind, byte @Nullable [] bytes) {
		this.kind = kind;
		this.bytes = bytes;
	}

	/**
	 * What became of the body.
	 * @return the kind
	 */
	public Kind kind() {
		return this.kind;
	}

	/**
	 * The whole body, when it was {@link Kind#KEPT}.
	 * @return the bytes, or {@code null} otherwise
	 */
	public byte @Nullable [] bytes() {
		return this.bytes;
	}

	/**
	 * Wraps a request so that its body is kept up to a limit; a body whose
	 * {@code Content-Length} is over the limit is only marked too large.
	 * @param request the request
	 * @param limit the most bytes to keep, {@code -1} to keep none
	 * @return the request to pass on
	 */
	public static HttpServletRequest keep(HttpServletRequest request, long limit) {
		if (limit < 0 || !hasBody(request) || isMultipart(request)) {
			return request;
		}
		if (request.getContentLengthLong() > limit) {
			request.setAttribute(TOO_LARGE_ATTRIBUTE, Boolean.TRUE);
			return request;
		}
		return new ContentCachingRequestWrapper(request, (int) limit) {

			@Override
			protected void handleContentOverflow(int contentCacheLimit) {
				request.setAttribute(TOO_LARGE_ATTRIBUTE, Boolean.TRUE);
			}

		};
	}

	/**
	 * The body of a request that is being routed, reading what the application left
	 * unread.
	 * @param request the request, as {@link #keep} wrapped it
	 * @return what was kept
	 * @throws IOException if the rest of the body cannot be read
	 */
	public static KeptBody of(HttpServletRequest request) throws IOException {
		ContentCachingRequestWrapper cached = WebUtils.getNativeRequest(request, ContentCachingRequestWrapper.class);
		if (cached == null || isTooLarge(request)) {
			return isTooLarge(request) ? TOO_LARGE : hasBody(request) ? UNKNOWN : NONE;
		}
		long length = request.getContentLengthLong();
		boolean readRest = readRest(cached, request);
		if (isTooLarge(request)) {
			return TOO_LARGE;
		}
		byte[] bytes = cached.getContentAsByteArray();
		if (length < 0 ? readRest : bytes.length == length) {
			return new KeptBody(Kind.KEPT, bytes);
		}
		if (isFormPost(request) && request.getQueryString() == null) {
			// the container parsed the form: the wrapper re-encodes its parameters (unless it did already)
			cached.getParameterMap();
			return new KeptBody(Kind.KEPT, cached.getContentAsByteArray());
		}
		return UNKNOWN;
	}

	/**
	 * Reads, through the wrapper that keeps it, what the application left of the body.
	 * @return {@code false} if the stream could not be read (the application used the
	 * reader instead)
	 */
	private static boolean readRest(ContentCachingRequestWrapper cached, ServletRequest request) throws IOException {
		InputStream in;
		try {
			in = cached.getInputStream();
		}
		catch (IllegalStateException ex) {
			return false;
		}
		byte[] buffer = new byte[8192];
		while (!isTooLarge(request) && in.read(buffer) >= 0) {
			// the wrapper keeps what passes
		}
		return true;
	}

	private static boolean isTooLarge(ServletRequest request) {
		return request.getAttribute(TOO_LARGE_ATTRIBUTE) != null;
	}

	/**
	 * Whether a request has a body: a non-zero {@code Content-Length} or a
	 * {@code Transfer-Encoding}.
	 * @param request the request
	 * @return {@code true} when it has a body
	 */
	private static boolean hasBody(HttpServletRequest request) {
		return request.getContentLengthLong() > 0 || request.getHeader("Transfer-Encoding") != null;
	}

	private static boolean isMultipart(HttpServletRequest request) {
		String contentType = request.getContentType();
		return contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith("multipart/");
	}

	private static boolean isFormPost(HttpServletRequest request) {
		String contentType = request.getContentType();
		return "POST".equals(request.getMethod()) && contentType != null
				&& contentType.toLowerCase(Locale.ROOT).startsWith(MediaType.APPLICATION_FORM_URLENCODED_VALUE);
	}

}

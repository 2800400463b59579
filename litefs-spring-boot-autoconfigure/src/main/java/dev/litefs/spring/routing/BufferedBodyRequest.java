package dev.litefs.spring.routing;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import org.jspecify.annotations.Nullable;

import org.springframework.http.MediaType;
import org.springframework.util.StringUtils;

/**
 * A request whose body was read ahead, up to a limit, so that it can still be sent to
 * the primary after the application has read it. The application reads the same bytes
 * as it would have from the container, form parameters of a {@code POST} included.
 */
final class BufferedBodyRequest extends HttpServletRequestWrapper {

	private final byte[] head;

	private final boolean complete;

	private @Nullable ServletInputStream stream;

	private @Nullable BufferedReader reader;

	private @Nullable Map<String, String[]> parameters;

	private BufferedBodyRequest(HttpServletRequest request, byte[] head, boolean complete) {
		super(request);
		this.head = head;
		this.complete = complete;
	}

	/**
	 * Reads the request's body, up to {@code limit} bytes.
	 * @param request the request
	 * @param limit the most bytes to keep
	 * @return the request with its body read ahead
	 * @throws IOException if the body cannot be read
	 */
	static BufferedBodyRequest read(HttpServletRequest request, long limit) throws IOException {
		int most = (int) Math.min(limit + 1, Integer.MAX_VALUE - 8);
		byte[] head = request.getInputStream().readNBytes(most);
		return new BufferedBodyRequest(request, head, head.length <= limit);
	}

	/**
	 * The whole body, when it was not over the limit.
	 * @return the body, or {@code null} when it was larger than the limit
	 */
	byte @Nullable [] body() {
		return this.complete ? this.head : null;
	}

	@Override
	public ServletInputStream getInputStream() throws IOException {
		if (this.reader != null) {
			throw new IllegalStateException("getReader() has already been called for this request");
		}
		if (this.stream == null) {
			this.stream = new BodyStream(content());
		}
		return this.stream;
	}

	@Override
	public BufferedReader getReader() throws IOException {
		if (this.stream != null) {
			throw new IllegalStateException("getInputStream() has already been called for this request");
		}
		if (this.reader == null) {
			this.reader = new BufferedReader(new InputStreamReader(content(), charset()));
		}
		return this.reader;
	}

	private InputStream content() throws IOException {
		InputStream rest = this.complete ? InputStream.nullInputStream() : super.getInputStream();
		return new SequenceInputStream(new ByteArrayInputStream(this.head), rest);
	}

	@Override
	public @Nullable String getParameter(String name) {
		String[] values = getParameterMap().get(name);
		return (values != null) ? values[0] : null;
	}

	@Override
	public Enumeration<String> getParameterNames() {
		return Collections.enumeration(getParameterMap().keySet());
	}

	@Override
	public String @Nullable [] getParameterValues(String name) {
		String[] values = getParameterMap().get(name);
		return (values != null) ? values.clone() : null;
	}

	/**
	 * The container's parameters (from the query string: it no longer sees the body)
	 * followed by those of a form {@code POST}'s body, as the container would have
	 * parsed them.
	 */
	@Override
	public Map<String, String[]> getParameterMap() {
		if (this.parameters == null) {
			Map<String, List<String>> merged = new LinkedHashMap<>();
			super.getParameterMap().forEach((name, values) -> merged.computeIfAbsent(name, (n) -> new ArrayList<>())
				.addAll(Arrays.asList(values)));
			if (isFormPost() && this.stream == null && this.reader == null) {
				parseForm(merged);
			}
			Map<String, String[]> parameters = new LinkedHashMap<>();
			merged.forEach((name, values) -> parameters.put(name, values.toArray(String[]::new)));
			this.parameters = Collections.unmodifiableMap(parameters);
		}
		return this.parameters;
	}

	private boolean isFormPost() {
		String contentType = getContentType();
		return "POST".equals(getMethod()) && contentType != null
				&& contentType.toLowerCase(Locale.ROOT).startsWith(MediaType.APPLICATION_FORM_URLENCODED_VALUE);
	}

	private void parseForm(Map<String, List<String>> into) {
		Charset charset = charset();
		String body;
		try {
			body = new String(getInputStream().readAllBytes(), charset);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		for (String pair : StringUtils.delimitedListToStringArray(body, "&")) {
			if (pair.isEmpty()) {
				continue;
			}
			int equals = pair.indexOf('=');
			try {
				String name = URLDecoder.decode((equals < 0) ? pair : pair.substring(0, equals), charset);
				String value = (equals < 0) ? "" : URLDecoder.decode(pair.substring(equals + 1), charset);
				into.computeIfAbsent(name, (n) -> new ArrayList<>()).add(value);
			}
			catch (IllegalArgumentException ex) {
				// a malformed %-escape: the container skips such a parameter too
			}
		}
	}

	private Charset charset() {
		String encoding = getCharacterEncoding();
		try {
			return (encoding != null) ? Charset.forName(encoding) : StandardCharsets.ISO_8859_1;
		}
		catch (IllegalArgumentException ex) {
			return StandardCharsets.ISO_8859_1;
		}
	}

	private static final class BodyStream extends ServletInputStream {

		private final InputStream in;

		private boolean finished;

		BodyStream(InputStream in) {
			this.in = in;
		}

		@Override
		public int read() throws IOException {
			int b = this.in.read();
			this.finished = b < 0;
			return b;
		}

		@Override
		public int read(byte[] b, int off, int len) throws IOException {
			int n = this.in.read(b, off, len);
			this.finished = n < 0;
			return n;
		}

		@Override
		public boolean isFinished() {
			return this.finished;
		}

		@Override
		public boolean isReady() {
			return true;
		}

		@Override
		public void setReadListener(ReadListener listener) {
			throw new IllegalStateException("The body was read ahead; non-blocking reads are not supported");
		}

	}

}

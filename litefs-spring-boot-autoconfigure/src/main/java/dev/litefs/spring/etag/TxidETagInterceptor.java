package dev.litefs.spring.etag;

import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.Principal;
import java.util.Arrays;
import java.util.Base64;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.litefs.spring.internal.RequestPathPatterns;
import dev.litefs.spring.node.LiteFsNode;
import dev.litefs.spring.node.NodeState;
import dev.litefs.spring.node.Position;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;

import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.web.context.request.ServletWebRequest;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;

/**
 * Gives the {@code GET} and {@code HEAD} answers of {@link TxidETag} handlers, and of
 * the paths configured ({@code litefs.etag.paths}), an {@code ETag} made of this node's
 * position (TXID and checksum), the signed-in user and the values of the request headers
 * the answer varies on; answers a conditional request whose {@code If-None-Match} still
 * matches {@code 304 Not Modified} without running the handler (Spring's
 * {@link ServletWebRequest#checkNotModified(String)}).
 * <p>
 * The tag is weak ({@code W/}): the same TXID yields the same content, not always the
 * same bytes. It is given only where the position dates the content
 * ({@link NodeState#positionTracksChanges()}): not on a standalone node, whose position
 * never moves. A Spring MVC interceptor, it runs after the filters: a request whose
 * {@code __txid} cookie is ahead of this node has waited for it, and the node's position
 * has reached it, before the tag is compared.
 */
public class TxidETagInterceptor implements HandlerInterceptor {

	private static final String DONE_ATTRIBUTE = TxidETagInterceptor.class.getName() + ".done";

	private final LiteFsNode node;

	private final RequestPathPatterns paths;

	private final List<String> pathsVary;

	/** Each handler method's {@link TxidETag#vary()}, or {@code null} when it is not marked. */
	private final Map<Method, Marking> markings = new ConcurrentHashMap<>();

	/**
	 * Creates the interceptor.
	 * @param node this node, whose position dates the answers
	 * @param paths the paths whose answers get a tag, whatever their handler
	 * @param pathsVary the request headers the answers on those paths vary on
	 */
	public TxidETagInterceptor(LiteFsNode node, RequestPathPatterns paths, List<String> pathsVary) {
		this.node = node;
		this.paths = paths;
		this.pathsVary = List.copyOf(pathsVary);
	}

	@Override
	public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
		if (!isTagged(request)) {
			return true;
		}
		List<String> vary = vary(request, handler);
		if (vary == null) {
			return true;
		}
		// once per request: a request that waited for its TXID is handled on an ASYNC dispatch
		request.setAttribute(DONE_ATTRIBUTE, Boolean.TRUE);
		NodeState state = this.node.state();
		if (!state.positionTracksChanges()) {
			return true;
		}
		for (String header : vary) {
			response.addHeader(HttpHeaders.VARY, header);
		}
		return !new ServletWebRequest(request, response).checkNotModified(tag(state.position(), request, vary));
	}

	private boolean isTagged(HttpServletRequest request) {
		String method = request.getMethod();
		return ("GET".equals(method) || "HEAD".equals(method)) && request.getAttribute(DONE_ATTRIBUTE) == null
				&& (request.getDispatcherType() == DispatcherType.REQUEST
						|| request.getDispatcherType() == DispatcherType.ASYNC);
	}

	/** The headers the answer varies on, or {@code null} when it gets no tag. */
	private @Nullable List<String> vary(HttpServletRequest request, Object handler) {
		if (handler instanceof HandlerMethod method) {
			Marking marking = this.markings.computeIfAbsent(method.getMethod(), (key) -> Marking.of(method));
			if (marking.vary() != null) {
				return marking.vary();
			}
		}
		return this.paths.matches(request) ? this.pathsVary : null;
	}

	/**
	 * {@code W/"<txid>-<digest>"}: the digest covers the checksum, the user and the
	 * varying headers' values, so that neither names nor values show in the tag.
	 */
	static String tag(Position position, HttpServletRequest request, List<String> vary) {
		MessageDigest digest = sha256();
		update(digest, position.checksumHex());
		Principal user = request.getUserPrincipal();
		update(digest, (user != null) ? "user:" + user.getName() : "anonymous");
		for (String header : vary) {
			update(digest, header);
			for (Enumeration<String> values = request.getHeaders(header); values.hasMoreElements();) {
				update(digest, values.nextElement());
			}
		}
		byte[] hash = digest.digest();
		return "W/\"" + position.txidHex() + "-"
				+ Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(hash, 12)) + "\"";
	}

	private static void update(MessageDigest digest, String value) {
		byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
		digest.update(ByteBuffer.allocate(Integer.BYTES).putInt(bytes.length).array());
		digest.update(bytes);
	}

	private static MessageDigest sha256() {
		try {
			return MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("Every Java platform has SHA-256", ex);
		}
	}

	/** A handler method's marking: the headers it varies on, or {@code null} when unmarked. */
	private record Marking(@Nullable List<String> vary) {

		static Marking of(HandlerMethod method) {
			TxidETag marked = AnnotatedElementUtils.findMergedAnnotation(method.getMethod(), TxidETag.class);
			if (marked == null) {
				marked = AnnotatedElementUtils.findMergedAnnotation(method.getBeanType(), TxidETag.class);
			}
			return new Marking((marked != null) ? List.of(marked.vary()) : null);
		}

	}

}

package dev.litefs.spring.etag;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a handler method, or every handler of a controller, whose {@code GET} answer is
 * a function of the database's content, the request's URL, the signed-in user and the
 * request headers named in {@link #vary()}, and of nothing else.
 * <p>
 * Such an answer gets an {@code ETag} made of this node's TXID and those inputs; a
 * conditional {@code GET} whose {@code If-None-Match} still matches is answered
 * {@code 304 Not Modified} before the handler runs: no SQLite, no FUSE. A request whose
 * {@code __txid} cookie is ahead of this node first waits for it, and only then compares.
 * <p>
 * Do not mark a handler whose answer also depends on the clock, on a session (a CSRF
 * token or a flash message in a page), on a cookie or header not named in
 * {@link #vary()}, on a database other than {@code litefs.database}, or on anything
 * outside the database (another service, a file): a client would keep an answer those
 * have since changed.
 *
 * @since 0.2.0
 */
@Target({ ElementType.METHOD, ElementType.TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@Documented
public @interface TxidETag {

	/**
	 * The request headers the answer depends on, such as {@code Accept} or
	 * {@code Accept-Language}: their values are part of the {@code ETag}, and they are
	 * named in the answer's {@code Vary}.
	 * @return the header names
	 */
	String[] vary() default {};

}

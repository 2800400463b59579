package dev.litefs.spring.routing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method, or every method of a class, that must run on the LiteFS primary
 * because it writes to the database.
 * <p>
 * On the primary it does nothing. On any other node the method never runs:
 * <ul>
 * <li>a request to an annotated handler (a controller method or class) is sent to the
 * primary by the configured {@link RoutingStrategy} before its arguments are even
 * read;</li>
 * <li>an annotated method of any other Spring bean (a {@code @Service}) throws
 * {@link NotPrimaryException}; inside a web request that exception is answered with the
 * same routing, outside one (a scheduled job, a message listener) it reaches the
 * caller.</li>
 * </ul>
 * After a request that ensured the primary, the response carries the {@code __txid}
 * cookie so the client reads its own write on any replica.
 *
 * @since 0.2.0
 */
@Target({ ElementType.METHOD, ElementType.TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@Documented
public @interface EnsurePrimary {

}

package dev.litefs.spring.primary;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a {@link org.springframework.context.Lifecycle Lifecycle} bean (a queue
 * consumer, a listener container, any {@code SmartLifecycle}, yours or a library's) that
 * runs only while this node is the LiteFS primary: on the bean's class, or on the
 * {@code @Bean} method that makes it.
 * <p>
 * The bean is started when the node becomes primary (at start-up or on promotion, once
 * a promoted node takes writes), stopped when it stops being primary, and stopped at
 * shutdown as any lifecycle bean. Its {@code start()} does nothing on a node that is not
 * the primary, so the context's own start at refresh leaves it stopped on a replica.
 *
 * @since 0.2.0
 */
@Target({ ElementType.TYPE, ElementType.METHOD })
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface PrimaryBound {

}

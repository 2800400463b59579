package dev.litefs.spring.node.autoconfigure;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;

/**
 * Matches unless {@code litefs.enabled} is {@code false}: the one switch of the starter,
 * on the starter's auto-configurations and for an application's own LiteFS-only beans.
 *
 * @since 0.2.0
 */
@Target({ ElementType.TYPE, ElementType.METHOD })
@Retention(RetentionPolicy.RUNTIME)
@Documented
@ConditionalOnBooleanProperty(name = "litefs.enabled", matchIfMissing = true)
public @interface ConditionalOnLiteFsEnabled {

}

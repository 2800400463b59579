package dev.litefs.spring.actuate;

import org.jspecify.annotations.Nullable;

/**
 * Adds one named section to {@code /actuator/litefs}, beside the node's own fields: a
 * LiteFS feature showing how it is configured or what it did (the routing strategy in
 * force, the consistency settings, the last migration). Every bean of this type is
 * asked, in its {@link org.springframework.core.annotation.Order order}, on each read of
 * the endpoint.
 *
 * @since 0.2.0
 */
public interface LiteFsEndpointContributor {

	/**
	 * The section's field name in the endpoint's JSON, e.g. {@code routing}; unique, and
	 * none of the node's own fields ({@code role}, {@code txid}, ...).
	 * @return the name
	 */
	String name();

	/**
	 * The section's content now, written as JSON (a map, a record, a value).
	 * @return the content, or {@code null} for a JSON {@code null}
	 */
	@Nullable Object describe();

}

/**
 * Flyway on a LiteFS cluster: migrations on the primary only, replicas that wait for
 * the schema.
 */
@NullMarked
package dev.litefs.spring.flyway;

import org.jspecify.annotations.NullMarked;

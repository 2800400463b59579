/**
 * Flyway on a LiteFS cluster: migrations on the primary only, replicas that wait for
 * the schema.
 */
@NullMarked
package dev.litefs.spring.schema;

import org.jspecify.annotations.NullMarked;

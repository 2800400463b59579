/**
 * The schema on a LiteFS cluster, whichever means applies it (Flyway's migrations,
 * {@code spring.sql.init}'s scripts): applied on the primary only, waited for by
 * replicas, which are not ready while it is missing.
 */
@NullMarked
package dev.litefs.spring.schema;

import org.jspecify.annotations.NullMarked;

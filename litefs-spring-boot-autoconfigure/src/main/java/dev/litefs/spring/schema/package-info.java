/**
 * The schema on a LiteFS cluster, whichever means applies it (Flyway's migrations,
 * Liquibase's changelog, {@code spring.sql.init}'s scripts, Hibernate's
 * {@code ddl-auto}): applied on the primary only, waited for by replicas, which are not
 * ready while it is missing, applied by a node promoted later.
 */
@NullMarked
package dev.litefs.spring.schema;

import org.jspecify.annotations.NullMarked;

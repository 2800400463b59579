/**
 * Auto-configuration of the schema on the primary only (Flyway, {@code spring.sql.init}),
 * configured by {@code litefs.schema.*}.
 */
@NullMarked
package dev.litefs.spring.schema.autoconfigure;

import org.jspecify.annotations.NullMarked;

/**
 * Auto-configuration of primary-only Flyway migrations, configured by
 * {@code litefs.flyway.*}.
 */
@NullMarked
package dev.litefs.spring.schema.autoconfigure;

import org.jspecify.annotations.NullMarked;

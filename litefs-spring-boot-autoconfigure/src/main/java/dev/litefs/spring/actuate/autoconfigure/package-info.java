/**
 * Auto-configuration of the {@code litefs} endpoint, health component (configured by
 * {@code litefs.health.*}), info and metrics.
 */
@NullMarked
package dev.litefs.spring.actuate.autoconfigure;

import org.jspecify.annotations.NullMarked;

/**
 * Auto-configuration of {@code @PrimaryOnly} methods and {@code @PrimaryBound} lifecycles.
 */
@NullMarked
package dev.litefs.spring.primary.autoconfigure;

import org.jspecify.annotations.NullMarked;

/**
 * Auto-configuration of LiteFS's HALT lock, configured by {@code litefs.halt.*}.
 */
@NullMarked
package dev.litefs.spring.halt.autoconfigure;

import org.jspecify.annotations.NullMarked;

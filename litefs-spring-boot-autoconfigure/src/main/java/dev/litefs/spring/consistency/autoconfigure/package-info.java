/**
 * Auto-configuration of read-your-writes, configured by {@code litefs.consistency.*}.
 */
@NullMarked
package dev.litefs.spring.consistency.autoconfigure;

import org.jspecify.annotations.NullMarked;

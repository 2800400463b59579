/**
 * Work that belongs to the primary: {@link dev.litefs.spring.primary.PrimaryOnly}
 * methods and {@link dev.litefs.spring.primary.PrimaryBound} lifecycle beans.
 */
@NullMarked
package dev.litefs.spring.primary;

import org.jspecify.annotations.NullMarked;

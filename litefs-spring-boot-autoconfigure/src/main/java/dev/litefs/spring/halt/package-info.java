/**
 * Writes from a replica under LiteFS's HALT lock.
 */
@NullMarked
package dev.litefs.spring.halt;

import org.jspecify.annotations.NullMarked;

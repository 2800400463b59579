/**
 * Helpers shared by more than one feature. Not API: anything here may change in any
 * release.
 */
@NullMarked
package dev.litefs.spring.internal;

import org.jspecify.annotations.NullMarked;

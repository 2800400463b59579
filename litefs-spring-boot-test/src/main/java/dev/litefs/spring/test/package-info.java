/**
 * Test support without Spring: a fake LiteFS mount in a folder, holding the files
 * LiteFS writes.
 */
@NullMarked
package dev.litefs.spring.test;

import org.jspecify.annotations.NullMarked;

/**
 * Test support without Spring: a fake LiteFS mount in a folder, holding the files
 * LiteFS writes, and virtual threads for tests compiled for Java 17.
 */
@NullMarked
package dev.litefs.spring.test;

import org.jspecify.annotations.NullMarked;

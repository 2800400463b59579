/**
 * A real LiteFS cluster on loopback for tests, and the JUnit condition that needs the
 * LiteFS binary and FUSE.
 */
@NullMarked
package dev.litefs.spring.test.cluster;

import org.jspecify.annotations.NullMarked;

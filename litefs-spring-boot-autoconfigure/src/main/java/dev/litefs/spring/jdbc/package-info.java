/**
 * The SQLite {@code DataSource} on a LiteFS mount: defaults, and no connections while
 * the mount is down.
 */
@NullMarked
package dev.litefs.spring.jdbc;

import org.jspecify.annotations.NullMarked;

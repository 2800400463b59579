/**
 * Auto-configuration of the application's SQLite {@code DataSource} on a LiteFS mount:
 * its defaults, the guard while LiteFS is down, and the eviction of broken connections.
 */
@NullMarked
package dev.litefs.spring.jdbc.autoconfigure;

import org.jspecify.annotations.NullMarked;

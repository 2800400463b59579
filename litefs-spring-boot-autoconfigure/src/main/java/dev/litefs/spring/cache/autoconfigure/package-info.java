/**
 * Auto-configuration of TXID-stamped caches, configured by {@code litefs.cache.*}.
 */
@NullMarked
package dev.litefs.spring.cache.autoconfigure;

import org.jspecify.annotations.NullMarked;

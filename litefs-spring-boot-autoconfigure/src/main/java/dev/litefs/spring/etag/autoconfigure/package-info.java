/**
 * Auto-configuration of TXID ETags, configured by {@code litefs.etag.*}.
 */
@NullMarked
package dev.litefs.spring.etag.autoconfigure;

import org.jspecify.annotations.NullMarked;

/**
 * Conditional GETs answered from the database's TXID: an {@code ETag} per TXID, and
 * {@code 304 Not Modified} without running the handler while the TXID stays.
 */
@NullMarked
package dev.litefs.spring.etag;

import org.jspecify.annotations.NullMarked;

/**
 * Spring caches whose entries are stamped with the database's position: an entry is
 * served only while this node's TXID is the one it was read at.
 */
@NullMarked
package dev.litefs.spring.cache;

import org.jspecify.annotations.NullMarked;

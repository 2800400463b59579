/**
 * Read-your-writes: the {@code __txid} cookie after writes, and replicas that wait for
 * it.
 */
@NullMarked
package dev.litefs.spring.consistency;

import org.jspecify.annotations.NullMarked;

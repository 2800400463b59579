/**
 * Writes sent to the primary: {@link dev.litefs.spring.routing.EnsurePrimary}, the
 * routing strategies, and the answer to a request a replica cannot serve.
 */
@NullMarked
package dev.litefs.spring.routing;

import org.jspecify.annotations.NullMarked;

/**
 * Auto-configuration of routing: {@code @EnsurePrimary}'s advice, the strategy chosen by
 * {@code litefs.routing.*}, and the forward strategy's HTTP client.
 */
@NullMarked
package dev.litefs.spring.routing.autoconfigure;

import org.jspecify.annotations.NullMarked;

package dev.litefs.spring.node;

import org.jspecify.annotations.Nullable;

/**
 * What LiteFS's HTTP API answers to {@code GET /info}.
 *
 * @param clusterId the cluster's ID
 * @param primary whether this node holds the primary lease
 * @param candidate whether this node may become primary
 * @param primaryHostname the primary's hostname, when one is known
 *
 * @since 0.2.0
 */
public record LiteFsInfo(@Nullable String clusterId, boolean primary, boolean candidate,
		@Nullable String primaryHostname) {

}

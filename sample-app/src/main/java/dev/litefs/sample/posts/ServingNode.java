package dev.litefs.sample.posts;

import dev.litefs.spring.node.LiteFsNode;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * The node serving a request, as the page and the posts name it: LiteFS's view of this
 * node, or only its host name when the application runs without LiteFS
 * ({@code litefs.enabled=false}, so no {@link LiteFsNode} bean).
 */
@Component
class ServingNode {

	private final @Nullable LiteFsNode node;

	private final String hostname;

	ServingNode(ObjectProvider<LiteFsNode> node, Environment environment) {
		this.node = node.getIfAvailable();
		this.hostname = (this.node != null) ? this.node.hostname() : environment.getProperty("HOSTNAME", "localhost");
	}

	/**
	 * This node's name: its LiteFS hostname, or without LiteFS {@code $HOSTNAME}.
	 * @return the hostname
	 */
	String hostname() {
		return this.hostname;
	}

	/**
	 * What the page's footer says about this node.
	 * @return the footer
	 */
	NodeFooter footer() {
		return (this.node != null) ? NodeFooter.of(this.node) : NodeFooter.withoutLiteFs(this.hostname);
	}

}

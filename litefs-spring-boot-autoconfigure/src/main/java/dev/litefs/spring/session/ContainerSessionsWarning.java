package dev.litefs.spring.session;

import dev.litefs.spring.node.LiteFsNode;
import dev.litefs.spring.node.NodeRole;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;

/**
 * Warns once, when the application is ready, that a node of a LiteFS cluster keeps its
 * HTTP sessions in the servlet container's memory, where they do not follow users to the
 * other nodes. Silent on a standalone node.
 *
 * @since 0.3.0
 */
public class ContainerSessionsWarning implements ApplicationListener<ApplicationReadyEvent> {

	private static final Logger logger = LoggerFactory.getLogger(ContainerSessionsWarning.class);

	private final LiteFsNode node;

	/**
	 * Creates the warning.
	 * @param node this node
	 */
	public ContainerSessionsWarning(LiteFsNode node) {
		this.node = node;
	}

	@Override
	public void onApplicationEvent(ApplicationReadyEvent event) {
		if (this.node.state().role() == NodeRole.STANDALONE) {
			return;
		}
		logger.warn("Node {} is part of a LiteFS cluster and keeps HTTP sessions in this server's memory: a "
				+ "sign-in, a form's CSRF token or a flash message made on one node is unknown on the others "
				+ "(a form posted to a replica is sent to the primary, and its session stays there). Add "
				+ "org.springframework.boot:spring-boot-starter-session-jdbc, with Spring Session's SQLite schema "
				+ "in a migration, and the starter keeps sessions in the LiteFS database on every node; or keep "
				+ "the application stateless (tokens instead of sessions).", this.node.hostname());
	}

}

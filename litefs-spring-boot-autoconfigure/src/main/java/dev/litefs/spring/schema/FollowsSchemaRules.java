package dev.litefs.spring.schema;

import dev.litefs.spring.node.LiteFsRoleChangedEvent;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ApplicationEventPublisherAware;
import org.springframework.context.event.GenericApplicationListener;
import org.springframework.core.ResolvableType;

/**
 * A bean of a means of applying the schema, wired to its {@link SchemaRules}: told the
 * node's role changes (a promotion migrates) and Spring Boot's readiness changes (a
 * replica without its schema refuses traffic), given the publisher of its readiness, and
 * stopped with the context. Only these two kinds of event reach it.
 */
interface FollowsSchemaRules extends GenericApplicationListener, ApplicationEventPublisherAware, DisposableBean {

	/**
	 * The starter's rules this bean follows; not API.
	 * @return the rules
	 */
	SchemaRules schemaRules();

	@Override
	default boolean supportsEventType(ResolvableType eventType) {
		Class<?> type = eventType.toClass();
		return LiteFsRoleChangedEvent.class.isAssignableFrom(type)
				|| AvailabilityChangeEvent.class.isAssignableFrom(type);
	}

	@Override
	default void onApplicationEvent(ApplicationEvent event) {
		if (event instanceof LiteFsRoleChangedEvent roleChange) {
			schemaRules().onRoleChange(roleChange);
		}
		else if (event instanceof AvailabilityChangeEvent<?> change && change.getState() instanceof ReadinessState state) {
			schemaRules().onReadinessChange(state);
		}
	}

	@Override
	default void setApplicationEventPublisher(ApplicationEventPublisher publisher) {
		schemaRules().publishReadinessWith(publisher);
	}

	@Override
	default void destroy() {
		schemaRules().stop();
	}

}

package dev.litefs.spring.actuate;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.LivenessState;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.ContextRefreshedEvent;
import org.springframework.context.event.EventListener;

/**
 * An application with every auto-configuration on the test classpath (Spring MVC,
 * Actuator, Micrometer with Prometheus, LiteFS) but the DataSource, and the Actuator
 * endpoints of this starter exposed over HTTP.
 */
@Configuration(proxyBeanMethods = false)
@EnableAutoConfiguration(excludeName = "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration")
class ActuatorTestApplication {

	static final String[] PROPERTIES = { "management.endpoints.web.exposure.include=litefs,health,info,metrics,prometheus",
			"management.endpoint.health.show-details=always", "litefs.hostname=node-b",
			// no LiteFS API unless a test gives one: a LiteFS running on this machine must not answer
			"litefs.api-url=http://127.0.0.1:1" };

	/**
	 * Marks the application live and ready once refreshed, as {@code SpringApplication}
	 * does (a context runner does not), so that the probes answer for LiteFS alone.
	 */
	@EventListener
	void started(ContextRefreshedEvent event) {
		AvailabilityChangeEvent.publish(event.getApplicationContext(), LivenessState.CORRECT);
		AvailabilityChangeEvent.publish(event.getApplicationContext(), ReadinessState.ACCEPTING_TRAFFIC);
	}

	static WebApplicationContextRunner runner() {
		return new WebApplicationContextRunner().withUserConfiguration(ActuatorTestApplication.class)
			.withPropertyValues(PROPERTIES);
	}

}

package dev.litefs.benchmarks;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class StartupStepsTests {

	private static final String BEANS = """
			{"contexts": {"app": {"beans": {
			  "liteFsNode": {"type": "dev.litefs.spring.node.LiteFsNode",
			    "resource": "class path resource [dev/litefs/spring/autoconfigure/LiteFsNodeAutoConfiguration.class]"},
			  "litefs-dev.litefs.spring.node.autoconfigure.LiteFsProperties": {"type": "x", "resource": null},
			  "healthEndpointGroups": {"type": "dev.litefs.spring.actuate.Wrapper",
			    "resource": "class path resource [org/springframework/boot/health/HealthEndpointConfiguration.class]"},
			  "dataSource": {"type": "com.zaxxer.hikari.HikariDataSource",
			    "resource": "class path resource [org/springframework/boot/jdbc/DataSourceConfiguration.class]"}
			}}}}""";

	private static final String STARTUP = """
			{"timeline": {"events": [
			  %s,
			  %s,
			  %s,
			  %s,
			  {"duration": "PT1S", "startupStep": {"name": "spring.context.refresh", "id": 9, "tags": []}}
			]}}""".formatted(instantiate(1, null, "liteFsNode", "PT0.050S"),
			instantiate(2, 1, "dataSource", "PT0.030S"),
			instantiate(3, null, "litefs-dev.litefs.spring.node.autoconfigure.LiteFsProperties", "PT0.004S"),
			instantiate(4, null, "healthEndpointGroups", "PT0.007S"));

	private static String instantiate(int id, Integer parent, String bean, String duration) {
		return """
				{"duration": "%s", "startupStep": {"name": "spring.beans.instantiate", "id": %d, "parentId": %s,
				  "tags": [{"key": "beanName", "value": "%s"}]}}""".formatted(duration, id, parent, bean);
	}

	@Test
	void chargesTheStarterWithItsBeansLessTheBeansTheyMadeOnTheWay() {
		StartupSteps steps = StartupSteps.of(BEANS, STARTUP);
		// liteFsNode's 50 ms less the DataSource's 30 ms made inside it, and the properties' 4 ms
		assertThat(steps.starter()).isEqualTo(Duration.ofMillis(24));
		assertThat(steps.beans()).containsExactly(Map.entry("liteFsNode", Duration.ofMillis(20)),
				Map.entry("litefs-dev.litefs.spring.node.autoconfigure.LiteFsProperties", Duration.ofMillis(4)));
		// a bean of Spring Boot's own declaration is not the starter's, whatever its type
		assertThat(steps.all()).isEqualTo(Duration.ofMillis(20 + 30 + 4 + 7));
	}

}

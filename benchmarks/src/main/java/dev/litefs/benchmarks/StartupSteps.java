package dev.litefs.benchmarks;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What the starter's own beans cost a start-up, from Spring's start-up steps: the
 * sample app records them ({@code BufferingApplicationStartup}) and
 * {@code /actuator/startup} shows them; {@code /actuator/beans} tells which bean
 * definitions are the starter's (declared by one of its classes). A bean's self time is
 * its {@code spring.beans.instantiate} step less the steps nested in it (the beans it
 * made on the way, counted as their own), so that the starter is not charged with the
 * DataSource or Flyway it asks for. Not in it: work outside bean creation (its
 * post-processors on other beans, its filters' first request), which JFR's samples show.
 *
 * @param all the self time of every bean
 * @param beans the starter's beans by self time, the largest first
 */
record StartupSteps(Duration all, Map<String, Duration> beans) {

	private static final JsonMapper json = JsonMapper.builder().build();

	private static final String STARTER = "dev.litefs.spring.";

	/**
	 * The steps of a running app that has exposed {@code startup} and {@code beans}.
	 * @param app the app
	 * @return its steps, summed up
	 */
	static StartupSteps of(SampleApp app) {
		return of(app.get("/actuator/beans"), app.get("/actuator/startup"));
	}

	/**
	 * The steps from the two endpoints' answers.
	 * @param beansJson {@code /actuator/beans}
	 * @param startupJson {@code /actuator/startup}
	 * @return the steps, summed up
	 */
	static StartupSteps of(String beansJson, String startupJson) {
		Set<String> starterBeans = starterBeans(json.readTree(beansJson));
		JsonNode events = json.readTree(startupJson).path("timeline").path("events");
		Map<Long, Duration> nested = new HashMap<>();
		for (JsonNode event : events) {
			JsonNode parent = event.path("startupStep").path("parentId");
			if (parent.isNumber()) {
				nested.merge(parent.asLong(), duration(event), Duration::plus);
			}
		}
		Duration all = Duration.ZERO;
		Map<String, Duration> beans = new HashMap<>();
		for (JsonNode event : events) {
			JsonNode step = event.path("startupStep");
			if (!step.path("name").asString("").equals("spring.beans.instantiate")) {
				continue;
			}
			Duration self = duration(event).minus(nested.getOrDefault(step.path("id").asLong(), Duration.ZERO));
			all = all.plus(self);
			String bean = beanName(step);
			if (starterBeans.contains(bean)) {
				beans.merge(bean, self, Duration::plus);
			}
		}
		return new StartupSteps(all, beans.entrySet()
			.stream()
			.sorted(Map.Entry.<String, Duration>comparingByValue().reversed())
			.collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, LinkedHashMap::new)));
	}

	/**
	 * The self time of the starter's beans.
	 * @return their sum
	 */
	Duration starter() {
		return this.beans.values().stream().reduce(Duration.ZERO, Duration::plus);
	}

	/** The beans declared by the starter's classes, or named after one (its auto-configurations, its properties). */
	private static Set<String> starterBeans(JsonNode beans) {
		return beans.path("contexts")
			.valueStream()
			.flatMap((context) -> context.path("beans").properties().stream())
			.filter((bean) -> bean.getKey().contains(STARTER)
					|| bean.getValue().path("resource").asString("").contains(STARTER.replace('.', '/')))
			.map(Map.Entry::getKey)
			.collect(Collectors.toSet());
	}

	private static String beanName(JsonNode step) {
		for (JsonNode tag : step.path("tags")) {
			if (tag.path("key").asString("").equals("beanName")) {
				return tag.path("value").asString("");
			}
		}
		return "";
	}

	private static Duration duration(JsonNode event) {
		return Duration.parse(event.path("duration").asString("PT0S"));
	}

}

package dev.litefs.spring;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

/**
 * An application started in a class loader without Actuator, Spring Boot's health
 * support or Micrometer: it must reference none of them.
 */
@Configuration(proxyBeanMethods = false)
@EnableAutoConfiguration(excludeName = "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration")
public class WithoutActuatorApplication {

	/**
	 * Starts the application on a mount, and stops it.
	 * @param mountDir the mount directory
	 * @return the class names of its beans
	 */
	public static List<String> run(String mountDir) {
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(WithoutActuatorApplication.class)
			.web(WebApplicationType.NONE)
			.properties("litefs.mount-dir=" + mountDir, "litefs.hostname=node-b")
			.run()) {
			return Arrays.stream(context.getBeanDefinitionNames())
				.map(context::getType)
				.filter(Objects::nonNull)
				.map(Class::getName)
				.toList();
		}
	}

}

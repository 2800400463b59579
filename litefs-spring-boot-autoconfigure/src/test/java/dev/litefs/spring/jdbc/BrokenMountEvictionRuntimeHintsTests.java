package dev.litefs.spring.jdbc;

import com.zaxxer.hikari.HikariConfig;
import org.junit.jupiter.api.Test;

import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.beans.factory.aot.AotServices;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link BrokenMountEvictionRuntimeHints}: what Spring's AOT engine collects from
 * {@code META-INF/spring/aot.factories} lets HikariCP call {@link BrokenMountEviction}'s
 * constructor by reflection, and the guarded pool copy Hikari's settings.
 */
class BrokenMountEvictionRuntimeHintsTests {

	@Test
	void theRegistrarsOfAotFactoriesLetHikariConstructTheEvictionOverride() throws Exception {
		RuntimeHints hints = new RuntimeHints();
		AotServices.factories()
			.load(RuntimeHintsRegistrar.class)
			.forEach((registrar) -> registrar.registerHints(hints, getClass().getClassLoader()));

		assertThat(RuntimeHintsPredicates.reflection()
			.onConstructorInvocation(BrokenMountEviction.class.getConstructor())).accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onFieldAccess(HikariConfig.class, "maxPoolSize"))
			.as("the guarded pool's copy of the settings").accepts(hints);
	}

}

package dev.litefs.spring.jdbc;

import org.jspecify.annotations.Nullable;

import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;

/**
 * Lets a native image create {@link BrokenMountEviction}: the starter names it in
 * {@code spring.datasource.hikari.exception-override-class-name}, and HikariCP loads that
 * class by name and calls its no-argument constructor reflectively, which nothing in the
 * bean definitions tells Spring's AOT engine. And lets {@link GuardedHikariDataSource} copy
 * a pool's settings, which {@code HikariConfig.copyStateTo} does by reflection on its
 * fields. Registered in
 * {@code META-INF/spring/aot.factories}.
 */
class BrokenMountEvictionRuntimeHints implements RuntimeHintsRegistrar {

	@Override
	public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
		hints.reflection().registerType(BrokenMountEviction.class, MemberCategory.INVOKE_PUBLIC_CONSTRUCTORS);
		// the guarded pool takes Spring Boot's settings with HikariConfig.copyStateTo, field by field
		hints.reflection()
			.registerTypeIfPresent(classLoader, "com.zaxxer.hikari.HikariConfig", MemberCategory.ACCESS_DECLARED_FIELDS);
	}

}

package dev.litefs.spring.jdbc;

import org.jspecify.annotations.Nullable;

import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;

/**
 * Lets a native image create {@link BrokenMountEviction}: the starter names it in
 * {@code spring.datasource.hikari.exception-override-class-name}, and HikariCP loads that
 * class by name and calls its no-argument constructor reflectively, which nothing in the
 * bean definitions tells Spring's AOT engine. Registered in
 * {@code META-INF/spring/aot.factories}.
 */
class BrokenMountEvictionRuntimeHints implements RuntimeHintsRegistrar {

	@Override
	public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
		hints.reflection().registerType(BrokenMountEviction.class, MemberCategory.INVOKE_PUBLIC_CONSTRUCTORS);
	}

}

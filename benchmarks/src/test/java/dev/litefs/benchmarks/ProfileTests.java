package dev.litefs.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIOException;
import static org.assertj.core.api.Assertions.entry;

class ProfileTests {

	private static final String MAIN = "[DestroyJavaVM tid=101];JavaMain;"
			+ "org/springframework/boot/loader/launch/JarLauncher.main;dev/litefs/sample/SampleApplication.main;";

	@TempDir
	Path dir;

	@Test
	void aStartUpsMainThreadIsTheOneThatRanTheLauncherAndTheStarterKeepsWhatItDoesNotPassOn() throws IOException {
		Path stacks = write(List.of(MAIN + "org/springframework/beans/Factory.create;java/lang/ClassLoader.loadClass 52",
				MAIN + "org/springframework/context/annotation/ConditionEvaluator.shouldSkip;"
						+ "java/lang/ClassLoader.loadClass 8",
				MAIN + "dev/litefs/spring/autoconfigure/LiteFsNodeAutoConfiguration.liteFsNode;"
						+ "dev/litefs/spring/node/LiteFsNode.<init>;ClassFileParser::parse_stream 25",
				MAIN + "dev/litefs/spring/flyway/LiteFsFlywayMigrationStrategy.migrate;org/flywaydb/core/Flyway.migrate;"
						+ "org/flywaydb/core/Work.run 5",
				MAIN + "dev/litefs/spring/jdbc/GuardedHikariDataSource.getConnection;"
						+ "com/zaxxer/hikari/HikariDataSource.getConnection;com/zaxxer/hikari/pool/HikariPool.<init> 10",
				"[C2 CompilerThre tid=102];C2Compiler::compile_method 400",
				"[http-nio-exec-1 tid=103];dev/litefs/spring/consistency/ConsistencyFilter.doFilter 7"));

		Profile main = Profile.mainThread(stacks);

		assertThat(main.samples()).as("the compiler's and the request thread's samples left out").isEqualTo(100);
		assertThat(main.share("dev.litefs.spring.")).as("the node's 25, not Flyway's migrate nor Hikari's pool")
			.isEqualTo(0.25);
		assertThat(main.top(1)).containsEntry("java.lang.ClassLoader.loadClass", 0.6);
		assertThat(main.samplesIn("org.springframework.context.annotation.ConditionEvaluator.shouldSkip"))
			.as("anywhere on the stack").isEqualTo(8);
		assertThat(main.samplesIn("org.flywaydb.core.Flyway.migrate")).isEqualTo(5);
		assertThat(main.entries("dev.litefs.spring.")).as("entered by the bean's method")
			.containsExactly(entry("dev.litefs.spring.node.autoconfigure.LiteFsNodeAutoConfiguration.liteFsNode", 25L));
	}

	@Test
	void stacksWithoutTheLauncherAreRefused() throws IOException {
		Path stacks = write(List.of("[main tid=1];org/example/Main.main 10"));

		assertThatIOException().isThrownBy(() -> Profile.mainThread(stacks))
			.withMessageContaining("no thread that ran org.springframework.boot.loader.launch.JarLauncher.main");
	}

	private Path write(List<String> lines) throws IOException {
		return Files.write(this.dir.resolve("start-up.collapsed"), lines);
	}

}

package dev.litefs.spring.node.autoconfigure;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import dev.litefs.spring.node.LiteFsMount;
import dev.litefs.spring.node.LiteFsNode;
import dev.litefs.spring.node.NodeRole;
import dev.litefs.spring.node.Position;
import dev.litefs.spring.test.FakeLiteFsMount;
import dev.litefs.spring.testapp.ExceptionText;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

class LiteFsAutoConfigurationTests {

	@TempDir
	Path dir;

	ApplicationContextRunner contextRunner() {
		return new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(LiteFsNodeAutoConfiguration.class));
	}

	@Nested
	class Defaults {

		@Test
		void aPlainDirectoryMakesAStandaloneNode() {
			contextRunner().withPropertyValues("litefs.mount-dir=" + LiteFsAutoConfigurationTests.this.dir)
				.run((context) -> {
					assertThat(context).hasSingleBean(LiteFsNode.class);
					LiteFsNode node = context.getBean(LiteFsNode.class);
					assertThat(node.state().role()).isEqualTo(NodeRole.STANDALONE);
					assertThat(node.mount().databaseFile()).isEqualTo(LiteFsAutoConfigurationTests.this.dir.resolve("app.db"));
					assertThat(node.api()).hasValueSatisfying(
							(api) -> assertThat(api.baseUrl()).isEqualTo(URI.create("http://localhost:20202")));
					assertThat(node.pollInterval()).isEqualTo(Duration.ofSeconds(1));
					assertThat(node.isRunning()).isTrue();
				});
		}

		@Test
		void propertiesHaveTheirDocumentedDefaults() {
			LiteFsProperties properties = new LiteFsProperties();
			assertThat(properties.isEnabled()).isTrue();
			assertThat(properties.getMountDir()).isNull();
			assertThat(properties.getDatabase()).isEqualTo("app.db");
			assertThat(properties.getHostname()).isNull();
			assertThat(properties.getApiUrl()).isEqualTo(URI.create("http://localhost:20202"));
			assertThat(properties.getApiTimeout()).isEqualTo(Duration.ofMillis(500));
			assertThat(properties.getPollInterval()).isEqualTo(Duration.ofSeconds(1));
		}

		@Test
		void theHostnameComesFromTheEnvironment() {
			contextRunner()
				.withPropertyValues("litefs.mount-dir=" + LiteFsAutoConfigurationTests.this.dir, "HOSTNAME=3d8d9930b32189")
				.run((context) -> assertThat(context.getBean(LiteFsNode.class).hostname()).isEqualTo("3d8d9930b32189"));
		}

		@Test
		void theNodeStopsWithTheContext() {
			LiteFsNode[] node = new LiteFsNode[1];
			contextRunner().withPropertyValues("litefs.mount-dir=" + LiteFsAutoConfigurationTests.this.dir)
				.run((context) -> node[0] = context.getBean(LiteFsNode.class));
			assertThat(node[0].isRunning()).isFalse();
		}

	}

	@Nested
	class Binding {

		@Test
		void everyPropertyIsBound() {
			FakeLiteFsMount mount = FakeLiteFsMount.replicaOf(LiteFsAutoConfigurationTests.this.dir, "node-a")
				.withDatabase("blog.db")
				.txid(9);
			contextRunner()
				.withPropertyValues("litefs.mount-dir=" + mount.dir(), "litefs.database=blog.db", "litefs.hostname=node-b",
						"litefs.api-url=http://127.0.0.1:20300", "litefs.api-timeout=200ms",
						"litefs.poll-interval=250ms")
				.run((context) -> {
					LiteFsNode node = context.getBean(LiteFsNode.class);
					assertThat(node.hostname()).isEqualTo("node-b");
					assertThat(node.mount().database()).isEqualTo("blog.db");
					assertThat(node.state().role()).isEqualTo(NodeRole.REPLICA);
					assertThat(node.state().position().txid()).isEqualTo(9);
					assertThat(node.api()).hasValueSatisfying(
							(api) -> assertThat(api.baseUrl()).isEqualTo(URI.create("http://127.0.0.1:20300")));
					assertThat(node.pollInterval()).isEqualTo(Duration.ofMillis(250));
				});
		}

		@Test
		void theDatabasesPropertyMakesEachKnownToTheNode() {
			FakeLiteFsMount.replicaOf(LiteFsAutoConfigurationTests.this.dir, "node-a")
				.txid(3)
				.txid("tenant-1.db", 7);
			contextRunner()
				.withPropertyValues("litefs.mount-dir=" + LiteFsAutoConfigurationTests.this.dir,
						"litefs.databases=tenant-1.db,cache.db")
				.run((context) -> {
					LiteFsNode node = context.getBean(LiteFsNode.class);
					assertThat(node.databases()).containsExactly("app.db", "tenant-1.db", "cache.db");
					assertThat(node.position("tenant-1.db").txid()).isEqualTo(7);
					assertThat(node.position("cache.db")).as("not on the mount yet").isEqualTo(Position.ZERO);
				});
		}

		@ParameterizedTest
		@CsvSource(delimiter = '|', textBlock = """
				litefs.database=data/app.db     | litefs.database     | not a path
				litefs.database=                | litefs.database     | must not be empty
				litefs.database=app.db?journal_mode=off | litefs.database | plain file name
				litefs.database=..              | litefs.database     | not a path
				litefs.database=.               | litefs.database     | not a path
				litefs.databases=data/b.db      | litefs.databases[0] | has no '/'
				litefs.databases=b.db,b.db-wal  | litefs.databases[1] | ends with '-wal'
				litefs.databases=b.db,,c.db     | litefs.databases    | not empty
				litefs.hostname=node a          | litefs.hostname     | not a usable hostname
				litefs.hostname=node-a:8080     | litefs.hostname     | not a usable hostname
				litefs.hostname=node_b          | litefs.hostname     | not a usable hostname
				litefs.hostname=node-b-         | litefs.hostname     | not a usable hostname
				litefs.api-url=ftp://localhost  | litefs.api-url      | http:// or https://
				litefs.api-timeout=0s           | litefs.api-timeout  | at least 1ms
				litefs.poll-interval=-1s        | litefs.poll-interval| at least 1ms
				litefs.poll-interval=soon       | litefs.poll-interval| soon
				""")
		void aBadValueFailsStartupNamingTheProperty(String property, String name, String reason) {
			contextRunner().withPropertyValues("litefs.mount-dir=" + LiteFsAutoConfigurationTests.this.dir, property)
				.run((context) -> assertThat(context).getFailure()
					.rootCause()
					.hasMessageContaining(reason)
					.satisfies((ex) -> assertThat(ExceptionText.of(context.getStartupFailure())).contains(name)));
		}

		@Test
		void aMissingMountDirFailsStartupNamingTheProperty() {
			contextRunner().run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("litefs.mount-dir")
				.hasMessageContaining("fuse.dir"));
		}

		@Test
		void aMountDirThatIsARegularFileFailsStartupNamingTheProperty() throws IOException {
			Path file = Files.writeString(LiteFsAutoConfigurationTests.this.dir.resolve("litefs"), "not a folder");
			for (Path mountDir : new Path[] { file, file.resolve("under") }) {
				contextRunner().withPropertyValues("litefs.mount-dir=" + mountDir)
					.run((context) -> assertThat(context).getFailure()
						.rootCause()
						.hasMessageContaining("litefs.mount-dir")
						.hasMessageContaining(file + " is a file, not a folder"));
			}
		}

		@Test
		void aMountDirThatDoesNotExistYetMayStillBeMountedByLiteFs() {
			Path mountDir = LiteFsAutoConfigurationTests.this.dir.resolve("not-yet").resolve("litefs");
			contextRunner().withPropertyValues("litefs.mount-dir=" + mountDir)
				.run((context) -> assertThat(context.getBean(LiteFsNode.class).state().role())
					.isEqualTo(NodeRole.UNKNOWN));
		}

		@Test
		void anInvalidHostnameFromTheEnvironmentFailsStartupNamingTheProperty() {
			contextRunner()
				.withPropertyValues("litefs.mount-dir=" + LiteFsAutoConfigurationTests.this.dir, "HOSTNAME=bad host")
				.run((context) -> assertThat(context).getFailure()
					.rootCause()
					.hasMessageContaining("litefs.hostname")
					.hasMessageContaining("bad host"));
		}

	}

	@Nested
	class BackOff {

		@Test
		void disabledMeansNothingIsConfigured() {
			contextRunner().withPropertyValues("litefs.enabled=false")
				.run((context) -> assertThat(context).hasNotFailed()
					.doesNotHaveBean(LiteFsNode.class)
					.doesNotHaveBean(LiteFsProperties.class));
		}

		@ParameterizedTest
		@CsvSource({ "unrelated.property=1, true", "litefs.enabled=true, true", "litefs.enabled=false, false" })
		void anApplicationsOwnBeansFollowTheSameSwitch(String property, boolean present) {
			new ApplicationContextRunner().withUserConfiguration(LiteFsOnlyBeans.class)
				.withPropertyValues(property)
				.run((context) -> assertThat(context.containsBean("liteFsOnly")).isEqualTo(present));
		}

		@Test
		void aUserNodeWins() {
			contextRunner().withPropertyValues("litefs.mount-dir=/does/not/matter")
				.withUserConfiguration(UserNode.class)
				.run((context) -> assertThat(context.getBean(LiteFsNode.class).hostname()).isEqualTo("custom"));
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class LiteFsOnlyBeans {

		@Bean
		@ConditionalOnLiteFsEnabled
		String liteFsOnly() {
			return "only with LiteFS on";
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserNode {

		@Bean
		LiteFsNode customNode() {
			return new LiteFsNode(new LiteFsMount(Path.of("/tmp"), "app.db"), "custom", null, Duration.ofSeconds(1),
					(event) -> {
					});
		}

	}

}

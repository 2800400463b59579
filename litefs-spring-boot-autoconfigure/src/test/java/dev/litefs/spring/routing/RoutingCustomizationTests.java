package dev.litefs.spring.routing;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import dev.litefs.spring.routing.forward.ForwardResult;
import dev.litefs.spring.routing.forward.KeptBody;
import dev.litefs.spring.routing.forward.PrimaryForwarder;
import dev.litefs.spring.routing.forward.PrimaryForwarderCustomizer;
import dev.litefs.spring.test.FakeLiteFsMount;
import dev.litefs.spring.testapp.TestNode;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpStatus;
import org.springframework.util.unit.DataSize;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What an application changes in routing with beans of its own: a strategy that adds a
 * name ("send to a Kubernetes Service"), one that replaces a built-in strategy, a
 * customizer of the forwarder's client, and a forwarder of its own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RoutingCustomizationTests {

	private static final JsonMapper json = new JsonMapper();

	private TestNode primary;

	private TestNode viaService;

	private TestNode ownReject;

	private TestNode ownForwarder;

	@BeforeAll
	void startNodes(@TempDir Path dir) {
		this.primary = TestNode.start(FakeLiteFsMount.primary(dir.resolve("a")), "node-a");
		// .primary names a host nobody can reach: the Service's URL is what the strategy uses
		this.viaService = TestNode.start(List.of(ServiceStrategy.class), FakeLiteFsMount.replicaOf(dir.resolve("b"),
				"node-a"), "node-b", "litefs.routing.strategy=service",
				"test.service-url=http://localhost:" + this.primary.port());
		this.ownReject = TestNode.start(List.of(TeapotReject.class), FakeLiteFsMount.replicaOf(dir.resolve("c"),
				"node-a"), "node-c", "litefs.routing.strategy=reject");
		this.ownForwarder = TestNode.start(List.of(OwnForwarder.class), FakeLiteFsMount.replicaOf(dir.resolve("d"),
				"localhost"), "node-d", "litefs.routing.strategy=forward",
				"litefs.routing.forward.url-template=http://{primary}:" + this.primary.port());
	}

	@AfterAll
	void stopNodes() {
		for (TestNode node : new TestNode[] { this.viaService, this.ownReject, this.ownForwarder, this.primary }) {
			if (node != null) {
				node.close();
			}
		}
	}

	@Test
	void aStrategyOfTheApplicationIsChosenByItsNameAndObservedUnderIt() {
		long rows = this.primary.rows();
		HttpResponse<String> response = this.viaService.postJson("/posts", "{\"title\":\"through the service\"}");
		assertThat(response.statusCode()).isEqualTo(201);
		assertThat(json.readTree(response.body()).get("node").asString()).isEqualTo("node-a");
		assertThat(this.primary.rows()).isEqualTo(rows + 1);
		assertThat(this.viaService.calls().of("create")).isZero();
		assertThat(this.viaService.bean(PrimaryRouter.class).strategy().name()).isEqualTo("service");
		assertThat(this.viaService.bean(MeterRegistry.class)
			.get(PrimaryRouter.OBSERVATION)
			.tag("strategy", "service")
			.tag("outcome", "forwarded")
			.timer()
			.count()).isEqualTo(1);
	}

	@Test
	void theForwardersClientIsCustomizedByTheApplicationsCustomizer() {
		HttpResponse<String> echo = this.viaService.send(this.viaService.request("/echo")
			.POST(HttpRequest.BodyPublishers.ofString("customized")));
		assertThat(echo.statusCode()).isEqualTo(200);
		JsonNode headers = json.readTree(echo.body());
		assertThat(headers.get("x-customized").asString()).isEqualTo("by the application");
		assertThat(headers.get("litefs-forwarded-by").asString()).isEqualTo("node-b");
		assertThat(headers.get("body").asString()).isEqualTo("customized");
	}

	@Test
	void aStrategyOfTheApplicationReplacesTheBuiltInOneOfItsName() {
		HttpResponse<String> response = this.ownReject.postJson("/posts", "{\"title\":\"tea\"}");
		assertThat(response.statusCode()).isEqualTo(418);
		JsonNode problem = json.readTree(response.body());
		assertThat(problem.get("title").asString()).isEqualTo("A teapot, not the primary");
		assertThat(problem.get("primary").asString()).isEqualTo("node-a");
		assertThat(problem.get("node").asString()).isEqualTo("node-c");
		assertThat(this.ownReject.bean(PrimaryRouter.class).strategy()).isInstanceOf(TeapotReject.Teapot.class);
	}

	@Test
	void theApplicationsOwnForwarderReplacesTheStartersAndForwards() {
		assertThat(this.ownForwarder.bean(PrimaryForwarder.class))
			.isSameAs(this.ownForwarder.bean(OwnForwarder.class).forwarder);
		HttpResponse<String> echo = this.ownForwarder.send(this.ownForwarder.request("/echo")
			.POST(HttpRequest.BodyPublishers.ofString("own")));
		assertThat(echo.statusCode()).isEqualTo(200);
		JsonNode headers = json.readTree(echo.body());
		assertThat(headers.get("node").asString()).isEqualTo("node-a");
		assertThat(headers.get("x-own-client").asString()).isEqualTo("yes");
		assertThat(headers.get("litefs-forwarded-by").asString()).isEqualTo("own-forwarder");
		assertThat(headers.has("x-customized")).isFalse();
	}

	/** "Send to a Kubernetes Service": the starter's forwarder, to a fixed URL. */
	@Configuration(proxyBeanMethods = false)
	static class ServiceStrategy {

		@Bean
		RoutingStrategy serviceStrategy(PrimaryForwarder forwarder, Environment environment) {
			String service = environment.getRequiredProperty("test.service-url");
			return new RoutingStrategy() {

				@Override
				public String name() {
					return "service";
				}

				@Override
				public long bodyLimit() {
					return forwarder.maxBodySize().toBytes();
				}

				@Override
				public RoutingOutcome route(RoutedRequest routed) throws IOException {
					KeptBody body = routed.body();
					if (body.kind() != KeptBody.Kind.KEPT && body.kind() != KeptBody.Kind.NONE) {
						return routed.refuse(RoutingOutcome.FAILED, HttpStatus.SERVICE_UNAVAILABLE, "Body not kept",
								"Send it to the service directly.");
					}
					ForwardResult result = forwarder.forward(routed.request(), body.bytes(), routed.response(),
							service);
					return (result == ForwardResult.FORWARDED) ? RoutingOutcome.FORWARDED : routed.refuse(
							RoutingOutcome.FAILED, HttpStatus.BAD_GATEWAY, "Service failed",
							"The service answered nothing: " + result);
				}

			};
		}

		@Bean
		PrimaryForwarderCustomizer customizedHeader() {
			return (builder) -> builder.defaultHeader("X-Customized", "by the application");
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class TeapotReject {

		@Bean
		RoutingStrategy teapot() {
			return new Teapot();
		}

		static class Teapot extends RejectStrategy {

			@Override
			public RoutingOutcome route(RoutedRequest routed) throws IOException {
				return routed.refuse(RoutingOutcome.REJECTED, HttpStatus.I_AM_A_TEAPOT, "A teapot, not the primary",
						"Ask " + routed.primary() + ".");
			}

		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnForwarder {

		final PrimaryForwarder forwarder = new PrimaryForwarder("own-forwarder",
				() -> RestClient.builder().defaultHeader("X-Own-Client", "yes").build(), Duration.ofSeconds(2),
				Duration.ofSeconds(30), DataSize.ofMegabytes(1), DataSize.ofKilobytes(8));

		@Bean
		PrimaryForwarder primaryForwarder() {
			return this.forwarder;
		}

		@Bean
		PrimaryForwarderCustomizer notUsedByAForwarderOfItsOwn() {
			return (builder) -> builder.defaultHeader("X-Customized", "by the application");
		}

	}

}

package dev.litefs.spring.routing.autoconfigure;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;

import com.sun.net.httpserver.HttpServer;

import dev.litefs.spring.node.LiteFsNode;
import dev.litefs.spring.node.autoconfigure.LiteFsNodeAutoConfiguration;
import dev.litefs.spring.routing.DatabaseFaultExceptionResolver;
import dev.litefs.spring.routing.EnsurePrimary;
import dev.litefs.spring.routing.FlyReplayStrategy;
import dev.litefs.spring.routing.ForwardStrategy;
import dev.litefs.spring.routing.HaltFailureExceptionResolver;
import dev.litefs.spring.routing.NotPrimaryException;
import dev.litefs.spring.routing.NotPrimaryExceptionResolver;
import dev.litefs.spring.routing.PrimaryRouter;
import dev.litefs.spring.routing.PrimaryRoutingFilter;
import dev.litefs.spring.routing.ProblemErrorAttributes;
import dev.litefs.spring.routing.RedirectStrategy;
import dev.litefs.spring.routing.RejectStrategy;
import dev.litefs.spring.routing.RoutingStrategy;
import dev.litefs.spring.routing.forward.ForwardResult;
import dev.litefs.spring.routing.forward.PrimaryForwarder;
import dev.litefs.spring.test.FakeLiteFsMount;
import dev.litefs.spring.testapp.ExceptionText;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.aop.support.AopUtils;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.HttpClientAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.imperative.ImperativeHttpClientAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.DelegatingFilterProxyRegistrationBean;
import org.springframework.boot.webmvc.autoconfigure.DispatcherServletAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.error.ErrorMvcAutoConfiguration;
import org.springframework.boot.webmvc.error.DefaultErrorAttributes;
import org.springframework.boot.webmvc.error.ErrorAttributes;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.mock.env.MockEnvironment;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.web.servlet.DispatcherServlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class LiteFsRoutingAutoConfigurationTests {

	private static final AutoConfigurations configurations = AutoConfigurations.of(LiteFsNodeAutoConfiguration.class,
			LiteFsRoutingAutoConfiguration.class, AopAutoConfiguration.class);

	@TempDir
	Path dir;

	WebApplicationContextRunner webContextRunner() {
		return new WebApplicationContextRunner().withConfiguration(configurations)
			.withPropertyValues("litefs.mount-dir=" + this.dir, "litefs.api-url=http://localhost:1");
	}

	ApplicationContextRunner contextRunner() {
		return new ApplicationContextRunner().withConfiguration(configurations)
			.withPropertyValues("litefs.mount-dir=" + this.dir, "litefs.api-url=http://localhost:1");
	}

	@Nested
	class Web {

		@Test
		void routesRequestsInAServletApplication() {
			webContextRunner().run((context) -> {
				assertThat(context).hasSingleBean(PrimaryRouter.class)
					.hasSingleBean(NotPrimaryExceptionResolver.class)
					.hasSingleBean(HaltFailureExceptionResolver.class)
					.hasSingleBean(DatabaseFaultExceptionResolver.class)
					.hasSingleBean(PrimaryForwarder.class)
					.hasSingleBean(PrimaryRoutingFilter.class)
					.hasBean("primaryRoutingFilterRegistration")
					.hasBean("ensurePrimaryAdvisor");
				assertThat(context.getBean("primaryRoutingFilterRegistration", DelegatingFilterProxyRegistrationBean.class)
					.determineDispatcherTypes()).containsExactly(jakarta.servlet.DispatcherType.REQUEST);
			});
		}

		@Test
		void theErrorViewGetsTheTitleAndDetailOfTheStartersAnswers() {
			webContextRunner().withConfiguration(AutoConfigurations.of(DispatcherServletAutoConfiguration.class, ErrorMvcAutoConfiguration.class))
				.run((context) -> assertThat(context).hasSingleBean(ErrorAttributes.class)
					.getBean(ErrorAttributes.class)
					.isInstanceOf(ProblemErrorAttributes.class));
		}

		@Test
		void theApplicationsOwnErrorAttributesAreKept() {
			webContextRunner().withConfiguration(AutoConfigurations.of(DispatcherServletAutoConfiguration.class, ErrorMvcAutoConfiguration.class))
				.withBean("ownErrorAttributes", ErrorAttributes.class, DefaultErrorAttributes::new)
				.run((context) -> assertThat(context).hasSingleBean(ErrorAttributes.class)
					.doesNotHaveBean(ProblemErrorAttributes.class)
					.hasBean("ownErrorAttributes"));
		}

		@Test
		void autoIsForwardOutsideFly() {
			webContextRunner().run((context) -> assertThat(context.getBean(PrimaryRouter.class).strategy().name())
				.isEqualTo(RoutingStrategy.FORWARD));
		}

		@Test
		void autoIsFlyReplayOnFly() {
			webContextRunner().withPropertyValues("FLY_APP_NAME=my-app")
				.run((context) -> assertThat(context.getBean(PrimaryRouter.class).strategy().name())
					.isEqualTo(RoutingStrategy.FLY_REPLAY));
		}

		@ParameterizedTest
		@CsvSource({ "fly-replay, FlyReplayStrategy", "forward, ForwardStrategy", "redirect, RedirectStrategy",
				"reject, RejectStrategy", "REJECT, RejectStrategy" })
		void theStrategyIsTheConfiguredOne(String value, String type) {
			webContextRunner().withPropertyValues("litefs.routing.strategy=" + value, "FLY_APP_NAME=my-app")
				.run((context) -> assertThat(context.getBean(PrimaryRouter.class).strategy().getClass().getSimpleName())
					.isEqualTo(type));
		}

		@Test
		void backsOffWithoutSpringMvc() {
			webContextRunner().withClassLoader(new FilteredClassLoader(DispatcherServlet.class))
				.run((context) -> assertThat(context).doesNotHaveBean(PrimaryRouter.class)
					.doesNotHaveBean(PrimaryRoutingFilter.class)
					.hasBean("ensurePrimaryAdvisor"));
		}

		@Test
		void routesWithoutActuator() {
			webContextRunner().withClassLoader(new FilteredClassLoader("org.springframework.boot.actuate"))
				.run((context) -> assertThat(context).hasSingleBean(PrimaryRouter.class));
		}

		@Test
		void routesWithoutMicrometerMetrics() {
			webContextRunner().withClassLoader(new FilteredClassLoader(MeterRegistry.class))
				.run((context) -> assertThat(context).hasSingleBean(PrimaryRouter.class));
		}

		@ParameterizedTest
		@ValueSource(strings = { "auto", "forward" })
		void forwardsThroughTheJdksClientWithoutSpringBootsHttpClientSupport(String strategy) {
			webContextRunner().withPropertyValues("litefs.routing.strategy=" + strategy)
				.withClassLoader(new FilteredClassLoader("org.springframework.boot.http.client"))
				.run((context) -> {
					assertThat(context).hasNotFailed();
					assertThat(context.getBean(PrimaryRouter.class).strategy()).isInstanceOf(ForwardStrategy.class);
					assertThat(userAgentOfAForward(context.getBean(PrimaryForwarder.class)))
						.startsWith("Java-http-client/");
				});
		}

		/** Spring Boot's detection picks Apache HttpClient, which these tests have: not the JDK's client. */
		@Test
		void forwardsThroughTheClientSpringBootDetectsWithItsHttpClientSupport() {
			webContextRunner().run((context) -> assertThat(userAgentOfAForward(context.getBean(PrimaryForwarder.class)))
				.startsWith("Apache-HttpClient/"));
		}

		@Test
		void aRequestFactoryNoneOfSpringBootsFailsStartUpNamingSpringBootsProperty() {
			webContextRunner()
				.withConfiguration(AutoConfigurations.of(HttpClientAutoConfiguration.class,
						ImperativeHttpClientAutoConfiguration.class))
				.withPropertyValues("litefs.routing.strategy=forward", "spring.http.clients.imperative.factory=okhttp")
				.run((context) -> {
					assertThat(context).hasFailed();
					assertThat(ExceptionText.of(context.getStartupFailure()))
						.contains("spring.http.clients.imperative.factory")
						.contains("okhttp")
						// Spring Boot's own binding of its property, not a reading of the starter's
						.contains("ImperativeHttpClientsProperties$Factory");
				});
		}

		@Test
		void backsOffFromTheApplicationsOwnRouter() {
			webContextRunner().withUserConfiguration(OwnRouter.class)
				.run((context) -> assertThat(context.getBean(PrimaryRouter.class))
					.isSameAs(context.getBean(OwnRouter.class).router));
		}

	}

	@Nested
	class LocalPortOfTheServer {

		@Test
		void isThePortTheServerListensOn() {
			MockEnvironment environment = new MockEnvironment().withProperty("server.port", "0")
				.withProperty("local.server.port", "41234");
			assertThat(new LiteFsRoutingAutoConfiguration.LocalPort(environment).getAsInt()).isEqualTo(41234);
		}

		@Test
		void isTheConfiguredPortBeforeTheServerStarted() {
			MockEnvironment environment = new MockEnvironment().withProperty("server.port", "9090");
			assertThat(new LiteFsRoutingAutoConfiguration.LocalPort(environment).getAsInt()).isEqualTo(9090);
		}

		@Test
		void isSpringBootsDefaultOtherwise() {
			assertThat(new LiteFsRoutingAutoConfiguration.LocalPort(new MockEnvironment()).getAsInt()).isEqualTo(8080);
		}

	}

	@Nested
	class NotWeb {

		@Test
		void guardsBeansWithoutAnyWebPart() {
			FakeLiteFsMount.replicaOf(LiteFsRoutingAutoConfigurationTests.this.dir, "node-a");
			contextRunner().withUserConfiguration(GuardedService.class).run((context) -> {
				assertThat(context).doesNotHaveBean(PrimaryRouter.class).doesNotHaveBean(PrimaryRoutingFilter.class);
				assertThat(AopUtils.isAopProxy(context.getBean(Service.class))).isTrue();
				assertThatExceptionOfType(NotPrimaryException.class)
					.isThrownBy(() -> context.getBean(Service.class).write())
					.satisfies((ex) -> assertThat(ex.getPrimary()).isEqualTo("node-a"));
				assertThat(context.getBean(Service.class).toString()).isEqualTo("guarded");
			});
		}

		@Test
		void guardsBeansWithoutAspectJ() {
			FakeLiteFsMount.replicaOf(LiteFsRoutingAutoConfigurationTests.this.dir, "node-a");
			contextRunner().withClassLoader(new FilteredClassLoader("org.aspectj"))
				.withUserConfiguration(GuardedService.class)
				.run((context) -> assertThatExceptionOfType(NotPrimaryException.class)
					.isThrownBy(() -> context.getBean(Service.class).write()));
		}

		@Test
		void runsGuardedMethodsOnThePrimary() {
			FakeLiteFsMount.primary(LiteFsRoutingAutoConfigurationTests.this.dir);
			contextRunner().withUserConfiguration(GuardedService.class)
				.run((context) -> assertThat(context.getBean(Service.class).write()).isEqualTo("written"));
		}

		@Test
		void backsOffWhenDisabled() {
			contextRunner().withPropertyValues("litefs.enabled=false")
				.withUserConfiguration(GuardedService.class)
				.run((context) -> {
					assertThat(context).doesNotHaveBean(LiteFsNode.class).doesNotHaveBean("ensurePrimaryAdvisor");
					assertThat(context.getBean(Service.class).write()).isEqualTo("written");
				});
		}

	}

	@Nested
	class InvalidProperties {

		@ParameterizedTest
		@CsvSource(delimiter = '|', textBlock = """
				litefs.routing.strategy=sometimes               | No routing strategy is named 'sometimes'; the known ones are [auto, fly-replay, forward, redirect, reject]
				litefs.routing.fly-replay.timeout=0s            | Property litefs.routing.fly-replay.timeout with value 'PT0S' is invalid: must be at least 1ms
				litefs.routing.fly-replay.fallback=sometimes    | litefs.routing.fly-replay.fallback
				litefs.routing.methods=PO ST                    | Property litefs.routing.methods with value '[PO ST]' is invalid: 'PO ST' is not an HTTP method such as POST
				litefs.routing.exclude=actuator/**              | Property litefs.routing.exclude with value '[actuator/**]' is invalid: 'actuator/**' is not a valid path pattern: it must start with '/'
				litefs.routing.retry-after=0s                   | Property litefs.routing.retry-after with value 'PT0S' is invalid: must be positive
				litefs.routing.forward.url-template=ftp://{primary} | Property litefs.routing.forward.url-template with value 'ftp://{primary}' is invalid: not a usable URL template
				litefs.routing.forward.url-template=http://node-a:8080 | must contain {primary}
				litefs.routing.forward.url-template=http://{primary}:{port}/app | must hold only a scheme, a host and a port
				litefs.routing.forward.url-template=http://{primary}:{other} | may hold no placeholder but {primary} and {port}
				litefs.routing.forward.connect-timeout=0ms      | Property litefs.routing.forward.connect-timeout with value 'PT0S' is invalid: must be at least 1ms
				litefs.routing.forward.max-body-size=-1B        | Property litefs.routing.forward.max-body-size with value '-1B' is invalid: must not be negative
				litefs.routing.redirect.url-template=//{primary} | Property litefs.routing.redirect.url-template with value '//{primary}' is invalid: not a usable URL template
				litefs.routing.forward.url-template=http://{primary}:99999 | Property litefs.routing.forward.url-template with value 'http://{primary}:99999' is invalid: not a usable URL template: it has port 99999, outside 1 to 65535
				litefs.routing.forward.url-template=http://{primary}:0 | Property litefs.routing.forward.url-template with value 'http://{primary}:0' is invalid: not a usable URL template: it has port 0, outside 1 to 65535
				litefs.routing.redirect.url-template=https://{primary}:99999 | Property litefs.routing.redirect.url-template with value 'https://{primary}:99999' is invalid: not a usable URL template: it has port 99999
				litefs.routing.redirect.url-template=http://{primary}:0 | Property litefs.routing.redirect.url-template with value 'http://{primary}:0' is invalid: not a usable URL template: it has port 0
				""")
		void failTheStartupNamingTheProperty(String property, String message) {
			webContextRunner().withPropertyValues(property).run((context) -> {
				assertThat(context).hasFailed();
				assertThat(ExceptionText.of(context.getStartupFailure())).contains(message);
			});
		}

	}

	/**
	 * Forwards a POST without a User-Agent of its own to a primary that answers 201: the
	 * forwarded request carries the client's own User-Agent, which tells which client sent it.
	 */
	private static String userAgentOfAForward(PrimaryForwarder forwarder) throws IOException {
		HttpServer primary = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		AtomicReference<String> userAgent = new AtomicReference<>();
		primary.createContext("/", (exchange) -> {
			userAgent.set(exchange.getRequestHeaders().getFirst("User-Agent"));
			exchange.getRequestBody().readAllBytes();
			exchange.sendResponseHeaders(201, -1);
			exchange.close();
		});
		primary.start();
		try {
			MockHttpServletRequest request = new MockHttpServletRequest("POST", "/posts");
			MockHttpServletResponse response = new MockHttpServletResponse();
			ForwardResult result = forwarder.forward(request, "title=forwarded".getBytes(StandardCharsets.UTF_8),
					response, "http://127.0.0.1:" + primary.getAddress().getPort());
			assertThat(result).isEqualTo(ForwardResult.FORWARDED);
			assertThat(response.getStatus()).isEqualTo(201);
			return userAgent.get();
		}
		finally {
			primary.stop(0);
		}
	}

	@Configuration(proxyBeanMethods = false)
	public static class GuardedService {

		@Bean
		Service service() {
			return new Service();
		}

	}

	@EnsurePrimary
	public static class Service {

		public String write() {
			return "written";
		}

		@Override
		public String toString() {
			return "guarded";
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnRouter {

		final PrimaryRouter router = new PrimaryRouter(new dev.litefs.spring.routing.RejectStrategy(), () -> 8080,
				java.time.Duration.ofSeconds(1), io.micrometer.observation.ObservationRegistry.NOOP);

		@Bean
		PrimaryRouter primaryRouter() {
			return this.router;
		}

	}

}

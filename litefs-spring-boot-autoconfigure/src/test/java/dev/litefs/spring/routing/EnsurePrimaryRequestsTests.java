package dev.litefs.spring.routing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Set;

import dev.litefs.spring.internal.RequestPathPatterns;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockServletContext;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.context.support.StaticWebApplicationContext;
import org.springframework.web.servlet.handler.HandlerMappingIntrospector;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Unit tests of {@link EnsurePrimaryRequests}: the methods rule, and the handler found as
 * Spring MVC will find it, without leaving a trace on the request.
 */
class EnsurePrimaryRequestsTests {

	private final List<StaticWebApplicationContext> contexts = new ArrayList<>();

	private HandlerMappingIntrospector introspector;

	@BeforeEach
	void startMvc() {
		this.introspector = mvc(Posts.class, Admin.class);
	}

	@AfterEach
	void stopMvc() {
		this.contexts.forEach(StaticWebApplicationContext::close);
	}

	/** Spring MVC's handler mappings over controllers. */
	private HandlerMappingIntrospector mvc(Class<?>... controllers) {
		StaticWebApplicationContext context = new StaticWebApplicationContext();
		this.contexts.add(context);
		context.setServletContext(new MockServletContext());
		context.registerSingleton("handlerMapping", RequestMappingHandlerMapping.class);
		for (Class<?> controller : controllers) {
			context.registerSingleton(controller.getSimpleName(), controller);
		}
		context.refresh();
		HandlerMappingIntrospector introspector = new HandlerMappingIntrospector();
		introspector.setApplicationContext(context);
		introspector.afterPropertiesSet();
		return introspector;
	}

	@Test
	void anEnsurePrimaryMethodOrClassMustRunOnThePrimary() {
		EnsurePrimaryRequests requests = requests(Set.of());
		assertThat(requests.mustRunOnPrimary(new MockHttpServletRequest("POST", "/posts"))).isTrue();
		assertThat(requests.mustRunOnPrimary(new MockHttpServletRequest("POST", "/admin/touch"))).isTrue();
		assertThat(requests.mustRunOnPrimary(new MockHttpServletRequest("GET", "/admin/report"))).isTrue();
	}

	@Test
	void anotherHandlerOrNoneRunsAnywhere() {
		EnsurePrimaryRequests requests = requests(Set.of());
		assertThat(requests.mustRunOnPrimary(new MockHttpServletRequest("GET", "/posts"))).isFalse();
		assertThat(requests.mustRunOnPrimary(new MockHttpServletRequest("GET", "/nowhere"))).isFalse();
		// no handler takes DELETE /posts: the dispatch answers 405 wherever it runs
		assertThat(requests.mustRunOnPrimary(new MockHttpServletRequest("DELETE", "/posts"))).isFalse();
	}

	@Test
	void theMethodsRuleAppliesToAnyPathNotExcluded() {
		EnsurePrimaryRequests requests = new EnsurePrimaryRequests(Set.of("PUT", "DELETE"),
				new RequestPathPatterns(List.of("/webhooks/**")), null);
		assertThat(requests.mustRunOnPrimary(new MockHttpServletRequest("PUT", "/anything"))).isTrue();
		assertThat(requests.mustRunOnPrimary(new MockHttpServletRequest("DELETE", "/posts/1"))).isTrue();
		assertThat(requests.mustRunOnPrimary(new MockHttpServletRequest("PUT", "/webhooks/github"))).isFalse();
		assertThat(requests.mustRunOnPrimary(new MockHttpServletRequest("POST", "/posts")))
			.as("no handler mappings: only the methods rule")
			.isFalse();
	}

	@Test
	void theLookupLeavesTheRequestsAttributesAsTheyWere() {
		MockHttpServletRequest request = new MockHttpServletRequest("POST", "/posts");
		request.setAttribute("mine", "kept");
		assertThat(requests(Set.of()).mustRunOnPrimary(request)).isTrue();
		assertThat(Collections.list(request.getAttributeNames())).containsExactly("mine");
		assertThat(request.getAttribute("mine")).isEqualTo("kept");
	}

	@Test
	void withoutEnsurePrimaryHandlerMethodsNothingIsLookedUp() {
		MockHttpServletRequest request = new MockHttpServletRequest("POST", "/unannotated") {

			@Override
			public Enumeration<String> getAttributeNames() {
				throw new AssertionError("looked up");
			}

		};
		assertThat(new EnsurePrimaryRequests(Set.of(), new RequestPathPatterns(List.of()), mvc(Unannotated.class))
			.mustRunOnPrimary(request)).isFalse();
	}

	private EnsurePrimaryRequests requests(Set<String> methods) {
		return new EnsurePrimaryRequests(methods, new RequestPathPatterns(List.of()), this.introspector);
	}

	@Controller
	static class Posts {

		@PostMapping("/posts")
		@EnsurePrimary
		void create() {
		}

		@GetMapping("/posts")
		void list() {
		}

	}

	@Controller
	static class Unannotated {

		@PostMapping("/unannotated")
		void post() {
		}

	}

	@Controller
	@EnsurePrimary
	@RequestMapping("/admin")
	static class Admin {

		@PostMapping("/touch")
		void touch() {
		}

		@GetMapping("/report")
		void report() {
		}

	}

}

package dev.litefs.spring.routing;

/**
 * The {@code forward} strategy's tests, the replicas forwarding through the JDK's
 * {@code HttpClient} (Spring's {@code jdk} request factory), chosen by Spring Boot's
 * {@code spring.http.clients.imperative.factory}: the client of an application that has
 * none of Apache HttpClient, Jetty's and Reactor Netty's clients. Every behaviour holds.
 */
class JdkClientForwardStrategyTests extends ForwardStrategyTests {

	@Override
	String[] clientProperties() {
		return new String[] { "spring.http.clients.imperative.factory=jdk" };
	}

}

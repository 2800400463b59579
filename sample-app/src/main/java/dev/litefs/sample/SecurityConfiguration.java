package dev.litefs.sample;

import org.springframework.boot.security.autoconfigure.SecurityProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

/**
 * Who may write: reading is open to everyone; writing a post takes a signed-in user. The
 * page signs in with a form and a session (kept in the LiteFS database by Spring Session
 * JDBC, so it holds on every node), CSRF on; the JSON API takes HTTP Basic on each write
 * and creates no session, CSRF off (no browser sends it cookies).
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

	/**
	 * The demo user of {@code spring.security.user.*}, as Spring Boot would make it, but
	 * not a {@code UserDetailsPasswordService}: Spring Security would otherwise re-hash its
	 * password with BCrypt after the first sign-in, and every HTTP Basic write would then
	 * spend about 100 ms of CPU checking it. A password from a property is plain text
	 * anyway; bring your own {@code UserDetailsService} for real users.
	 */
	@Bean
	UserDetailsService users(SecurityProperties properties) {
		SecurityProperties.User user = properties.getUser();
		InMemoryUserDetailsManager users = new InMemoryUserDetailsManager(User.withUsername(user.getName())
			.password("{noop}" + user.getPassword())
			.roles(user.getRoles().toArray(String[]::new))
			.build());
		return users::loadUserByUsername;
	}

	@Bean
	@Order(1)
	SecurityFilterChain api(HttpSecurity http) {
		return http.securityMatcher("/api/**")
			.authorizeHttpRequests((requests) -> requests.requestMatchers(HttpMethod.GET, "/api/**")
				.permitAll()
				.anyRequest()
				.authenticated())
			.httpBasic(Customizer.withDefaults())
			.csrf((csrf) -> csrf.disable())
			.sessionManagement((sessions) -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			.build();
	}

	@Bean
	@Order(2)
	SecurityFilterChain pages(HttpSecurity http) {
		return http
			.authorizeHttpRequests((requests) -> requests.requestMatchers(HttpMethod.POST, "/posts")
				.authenticated()
				.anyRequest()
				.permitAll())
			.formLogin(Customizer.withDefaults())
			.logout((logout) -> logout.logoutSuccessUrl("/?signed-out"))
			.build();
	}

}

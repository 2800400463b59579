package dev.litefs.sample.posts;

import java.util.List;

import dev.litefs.sample.DemoUser;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.client.EntityExchangeResult;
import org.springframework.test.web.servlet.client.RestTestClient;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;

/**
 * The demo user signed in through the login form, as a browser would: its session cookie
 * and the CSRF token the page's forms carry.
 *
 * @param cookie the {@code Cookie} header of the signed-in session
 * @param csrf the CSRF token of its forms
 */
record SignedIn(String cookie, String csrf) {

	/**
	 * Signs the demo user in.
	 * @param client a client of the node that signs in
	 * @return the signed-in session
	 */
	static SignedIn demo(RestTestClient client) {
		EntityExchangeResult<String> loginPage = client.get().uri("/login").exchange().expectBody(String.class).returnResult();
		String anonymous = sessionCookie(loginPage);
		MultiValueMap<String, String> login = new LinkedMultiValueMap<>();
		login.add("username", DemoUser.NAME);
		login.add("password", DemoUser.PASSWORD);
		login.add("_csrf", DemoUser.csrfToken(loginPage.getResponseBody()));
		EntityExchangeResult<String> signedIn = client.post()
			.uri("/login")
			.header(HttpHeaders.COOKIE, anonymous)
			.contentType(MediaType.APPLICATION_FORM_URLENCODED)
			.body(login)
			.exchange()
			.expectStatus()
			.is3xxRedirection()
			.expectBody(String.class)
			.returnResult();
		String cookie = sessionCookie(signedIn);
		String page = client.get()
			.uri("/")
			.header(HttpHeaders.COOKIE, cookie)
			.exchange()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();
		return new SignedIn(cookie, DemoUser.csrfToken(page));
	}

	/**
	 * Posts the page's form as this user, with its CSRF token.
	 * @param client a client of the node
	 * @param form the form's fields
	 * @return the answer
	 */
	RestTestClient.ResponseSpec postForm(RestTestClient client, MultiValueMap<String, String> form) {
		MultiValueMap<String, String> fields = new LinkedMultiValueMap<>(form);
		fields.add("_csrf", this.csrf);
		return client.post()
			.uri("/posts")
			.header(HttpHeaders.COOKIE, this.cookie)
			.contentType(MediaType.APPLICATION_FORM_URLENCODED)
			.body(fields)
			.exchange();
	}

	private static String sessionCookie(EntityExchangeResult<?> result) {
		List<String> cookies = result.getResponseHeaders().getOrEmpty(HttpHeaders.SET_COOKIE);
		return cookies.stream()
			.filter((cookie) -> cookie.startsWith("SESSION="))
			.map((cookie) -> cookie.substring(0, cookie.indexOf(';')))
			.reduce((first, last) -> last)
			.orElseThrow(() -> new AssertionError("no session cookie in " + cookies));
	}

}

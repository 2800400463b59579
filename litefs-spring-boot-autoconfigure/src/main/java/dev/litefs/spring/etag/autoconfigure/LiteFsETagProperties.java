package dev.litefs.spring.etag.autoconfigure;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import dev.litefs.spring.internal.RequestPathPatterns;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

/**
 * TXID ETags, under {@code litefs.etag}: which answers get an ETag made of the
 * database's TXID besides the handlers marked {@code @TxidETag}.
 *
 * @since 0.2.0
 */
@ConfigurationProperties("litefs.etag")
public class LiteFsETagProperties implements Validator {

	/** What an HTTP header name (a token) is made of. */
	private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

	/**
	 * Path patterns whose GET answers get an ETag from the database's TXID and are
	 * answered 304 without running the handler while it stays: only answers that depend
	 * on nothing but the database, the URL, the signed-in user and the headers in 'vary'.
	 */
	private List<String> paths = new ArrayList<>();

	/**
	 * Request headers the answers on 'paths' depend on (such as Accept): part of the ETag
	 * and named in the answer's Vary.
	 */
	private List<String> vary = new ArrayList<>();

	public List<String> getPaths() {
		return this.paths;
	}

	public void setPaths(List<String> paths) {
		this.paths = paths;
	}

	public List<String> getVary() {
		return this.vary;
	}

	public void setVary(List<String> vary) {
		this.vary = vary;
	}

	@Override
	public boolean supports(Class<?> type) {
		return LiteFsETagProperties.class.isAssignableFrom(type);
	}

	/**
	 * Checks the values: a bad one fails start-up naming the property, its value and
	 * the reason.
	 */
	@Override
	public void validate(Object target, Errors errors) {
		String problem = RequestPathPatterns.problem(this.paths);
		if (problem != null) {
			errors.rejectValue("paths", "pattern", problem);
		}
		for (String header : this.vary) {
			if (!HEADER_NAME.matcher(header).matches()) {
				errors.rejectValue("vary", "header", "'" + header + "' is not an HTTP header name");
			}
		}
	}

}

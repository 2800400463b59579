package dev.litefs.spring.testapp;

import dev.litefs.spring.etag.TxidETag;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * Reads whose answers get a TXID ETag, by annotation or by {@code litefs.etag.paths}, and
 * one that gets none; each counts its runs in {@link Calls}.
 */
@RestController
public class TaggedController {

	private final Posts posts;

	private final Calls calls;

	TaggedController(Posts posts, Calls calls) {
		this.posts = posts;
		this.calls = calls;
	}

	@GetMapping("/tagged/count")
	@TxidETag
	public long count() {
		this.calls.ran("tagged-count");
		return this.posts.count();
	}

	@GetMapping("/tagged/greeting")
	@TxidETag(vary = "Accept-Language")
	public String greeting(@RequestHeader(name = "Accept-Language", defaultValue = "en") String language) {
		this.calls.ran("tagged-greeting");
		return (language.startsWith("fr") ? "bonjour, " : "hello, ") + this.posts.count();
	}

	/** Marked, but not a GET: never tagged. */
	@PostMapping("/tagged/count")
	@TxidETag
	public long countByPost() {
		this.calls.ran("tagged-count-post");
		return this.posts.count();
	}

	@GetMapping("/untagged/count")
	public long untaggedCount() {
		this.calls.ran("untagged-count");
		return this.posts.count();
	}

}

package dev.litefs.spring.testapp;

import java.util.Map;

import dev.litefs.spring.node.LiteFsNode;
import dev.litefs.spring.routing.EnsurePrimary;

import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A controller annotated as a whole: every handler runs on the primary.
 */
@RestController
@EnsurePrimary
@RequestMapping("/admin")
public class AdminController {

	private final Posts posts;

	private final Calls calls;

	private final LiteFsNode node;

	AdminController(Posts posts, Calls calls, LiteFsNode node) {
		this.posts = posts;
		this.calls = calls;
		this.node = node;
	}

	@PostMapping("/touch")
	public Map<String, Object> touch() {
		this.calls.ran("admin");
		return Map.of("id", this.posts.insert("admin"), "node", this.node.hostname());
	}

}

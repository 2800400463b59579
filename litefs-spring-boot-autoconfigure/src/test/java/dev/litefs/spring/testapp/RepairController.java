package dev.litefs.spring.testapp;

import java.util.Map;

import dev.litefs.spring.halt.LiteFsHalt;

import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A write a replica makes itself, under LiteFS's HALT lock, as a one-off repair would.
 */
@RestController
public class RepairController {

	private final LiteFsHalt halt;

	private final Posts posts;

	RepairController(LiteFsHalt halt, Posts posts) {
		this.halt = halt;
		this.posts = posts;
	}

	@PostMapping("/repair")
	public Map<String, Object> repair() {
		return Map.of("id", this.halt.call(() -> this.posts.insert("repair")));
	}

}

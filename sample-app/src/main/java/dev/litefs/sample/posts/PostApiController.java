package dev.litefs.sample.posts;

import java.net.URI;
import java.util.List;

import dev.litefs.spring.routing.EnsurePrimary;
import jakarta.validation.Valid;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The posts as JSON. Errors are problem details ({@link PostApiExceptionHandler}).
 */
@RestController
@RequestMapping("/api/posts")
class PostApiController {

	private final PostRepository posts;

	private final ServingNode node;

	PostApiController(PostRepository posts, ServingNode node) {
		this.posts = posts;
		this.node = node;
	}

	@GetMapping
	List<Post> list() {
		return this.posts.findNewestFirst();
	}

	@GetMapping("/{id}")
	Post get(@PathVariable long id) {
		return this.posts.findById(id).orElseThrow(() -> new PostNotFoundException(id));
	}

	@EnsurePrimary
	@PostMapping
	ResponseEntity<Post> create(@Valid @RequestBody NewPost post) {
		Post created = this.posts.create(post, this.node.hostname());
		return ResponseEntity.created(URI.create("/api/posts/" + created.id())).body(created);
	}

}

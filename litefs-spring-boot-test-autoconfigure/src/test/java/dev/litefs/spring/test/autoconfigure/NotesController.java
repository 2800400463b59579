package dev.litefs.spring.test.autoconfigure;

import dev.litefs.spring.node.LiteFsNode;
import dev.litefs.spring.routing.EnsurePrimary;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** A write that needs no database, and a read of the node's position. */
@RestController
class NotesController {

	private final LiteFsNode node;

	NotesController(LiteFsNode node) {
		this.node = node;
	}

	@EnsurePrimary
	@PostMapping("/notes")
	@ResponseStatus(HttpStatus.CREATED)
	String write() {
		return "written on " + this.node.hostname();
	}

	@GetMapping("/notes")
	String read() {
		return "read on " + this.node.hostname() + " at " + this.node.state().position().txidHex();
	}

}

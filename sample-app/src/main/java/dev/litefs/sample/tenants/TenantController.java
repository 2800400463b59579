package dev.litefs.sample.tenants;

import java.net.URI;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

import dev.litefs.spring.node.LiteFsNode;
import dev.litefs.spring.routing.EnsurePrimary;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.core.env.Environment;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Tenants, each with its own database on the mount, and their notes, as JSON. Creating a
 * tenant and writing a note run on the primary ({@link EnsurePrimary}); reading runs on
 * any node that has the tenant's database.
 */
@RestController
@RequestMapping("/api/tenants")
class TenantController {

	private final TenantDatabases databases;

	private final TenantNotes notes;

	private final String hostname;

	TenantController(TenantDatabases databases, TenantNotes notes, ObjectProvider<LiteFsNode> node,
			Environment environment) {
		this.databases = databases;
		this.notes = notes;
		LiteFsNode liteFs = node.getIfAvailable();
		this.hostname = (liteFs != null) ? liteFs.hostname() : environment.getProperty("HOSTNAME", "localhost");
	}

	/** A new note's text. */
	record NewNote(@NotBlank @Size(max = 1000) @Nullable String text) {
	}

	/** A tenant's notes, and the node that read them. */
	record Notes(String tenant, String node, List<Note> notes) {
	}

	@EnsurePrimary
	@PutMapping("/{tenant}")
	ResponseEntity<Map<String, String>> create(@PathVariable String tenant) throws SQLException {
		Map<String, String> body = Map.of("tenant", tenant, "database", TenantDatabases.database(tenant));
		return this.databases.create(tenant) ? ResponseEntity.created(URI.create("/api/tenants/" + tenant)).body(body)
				: ResponseEntity.ok(body);
	}

	@GetMapping("/{tenant}/notes")
	Notes list(@PathVariable String tenant) {
		return new Notes(tenant, this.hostname, this.notes.list());
	}

	@EnsurePrimary
	@PostMapping("/{tenant}/notes")
	ResponseEntity<Note> add(@PathVariable String tenant, @Valid @RequestBody NewNote note) {
		Note added = this.notes.add(note.text(), this.hostname);
		return ResponseEntity.created(URI.create("/api/tenants/" + tenant + "/notes/" + added.id())).body(added);
	}

}

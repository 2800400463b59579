package dev.litefs.spring.testapp;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import dev.litefs.spring.node.LiteFsNode;
import dev.litefs.spring.routing.EnsurePrimary;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/**
 * Handlers in every style the routing and the read-your-writes cookie must serve.
 */
@RestController
public class PostController {

	private final Posts posts;

	private final Calls calls;

	private final LiteFsNode node;

	PostController(Posts posts, Calls calls, LiteFsNode node) {
		this.posts = posts;
		this.calls = calls;
		this.node = node;
	}

	@PostMapping("/posts")
	@EnsurePrimary
	public ResponseEntity<Map<String, Object>> create(@RequestBody Map<String, String> post) {
		this.calls.ran("create");
		long id = this.posts.insert(post.get("title"));
		URI location = ServletUriComponentsBuilder.fromCurrentRequest().path("/{id}").buildAndExpand(id).toUri();
		return ResponseEntity.created(location)
			.header(HttpHeaders.SET_COOKIE, "created=" + id + "; Path=/")
			.body(Map.of("id", id, "title", post.get("title"), "node", this.node.hostname()));
	}

	/**
	 * Writes, then LiteFS goes away before the response commits, as when it is killed
	 * while SQLite commits: its position file can no longer be read.
	 */
	@PostMapping("/posts/litefs-dies")
	@EnsurePrimary
	public ResponseEntity<Map<String, Object>> createAsLiteFsDies(@RequestBody Map<String, String> post,
			@RequestParam(defaultValue = "201") int status) throws IOException {
		this.calls.ran("litefs-dies");
		long id = this.posts.insert(post.get("title"));
		Path position = this.node.mount().positionFile();
		Files.deleteIfExists(position);
		Files.createDirectory(position);
		return ResponseEntity.status(status).body(Map.of("id", id, "node", this.node.hostname()));
	}

	@PostMapping(path = "/forms", consumes = "application/x-www-form-urlencoded")
	@EnsurePrimary
	public Map<String, Object> form(@RequestParam String title, @RequestParam(required = false) String tag) {
		this.calls.ran("form");
		long id = this.posts.insert(title + ((tag != null) ? " #" + tag : ""));
		return Map.of("id", id, "node", this.node.hostname());
	}

	@PostMapping("/posts/via-service")
	public Map<String, Object> viaService(@RequestBody Map<String, String> post) {
		this.calls.ran("via-service");
		long id = this.posts.create(post.get("title"));
		return Map.of("id", id, "node", this.node.hostname());
	}

	@PostMapping("/posts/unannotated")
	public Map<String, Object> unannotated(@RequestBody Map<String, String> post) {
		this.calls.ran("unannotated");
		long id = this.posts.insert(post.get("title"));
		return Map.of("id", id, "node", this.node.hostname());
	}

	@PostMapping("/posts/unannotated-slow-body")
	public void unannotatedSlowBody(@RequestParam long millis, HttpServletResponse response)
			throws IOException, InterruptedException {
		this.calls.ran("unannotated-slow-body");
		this.posts.insert("slow body");
		response.getOutputStream().write("start".getBytes());
		response.flushBuffer();
		Thread.sleep(millis);
		response.getOutputStream().write("end".getBytes());
	}

	@PutMapping("/posts/put")
	public Map<String, Object> put(@RequestBody Map<String, String> post) {
		this.calls.ran("put");
		long id = this.posts.insert(post.get("title"));
		return Map.of("id", id, "node", this.node.hostname());
	}

	/** An idempotent write the primary cannot take now: 503, try again in a second. */
	@PutMapping("/busy")
	@EnsurePrimary
	public ResponseEntity<String> busy() {
		this.calls.ran("busy");
		return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header(HttpHeaders.RETRY_AFTER, "1").body("busy");
	}

	@PostMapping("/posts/io-error")
	public Map<String, Object> ioError() {
		this.calls.ran("io-error");
		throw SqliteErrors.walModeWriteOnReplica();
	}

	@PostMapping("/posts/sqlite-error")
	public Map<String, Object> sqliteError(@RequestParam String code,
			@RequestParam(defaultValue = "false") boolean rollbackFails) {
		this.calls.ran("sqlite-error");
		RuntimeException error = SqliteErrors.of(org.sqlite.SQLiteErrorCode.valueOf(code));
		if (rollbackFails) {
			// as Hikari closing a connection it evicted, before the transaction manager rolls back
			org.springframework.transaction.TransactionSystemException rollback = new org.springframework.transaction.TransactionSystemException(
					"JDBC rollback failed", new java.sql.SQLException("Connection is closed"));
			rollback.initApplicationException(error);
			throw rollback;
		}
		throw error;
	}

	/** The application's own mistakes: SQLite answers them, the application handles them. */
	@PostMapping("/posts/bad")
	public Map<String, Object> bad(@RequestParam String mistake) {
		this.calls.ran("bad");
		this.posts.make(mistake);
		return Map.of();
	}

	@PostMapping("/posts/redirect")
	@EnsurePrimary
	public ResponseEntity<Void> createAndRedirect(@RequestParam String title) {
		this.calls.ran("redirect");
		this.posts.insert(title);
		return ResponseEntity.status(303).location(URI.create("/posts/count")).build();
	}

	@PostMapping("/posts/stream")
	@EnsurePrimary
	public StreamingResponseBody createStreaming(@RequestParam String title) {
		this.calls.ran("stream");
		return (out) -> {
			long id = this.posts.insert(title);
			// more than the container's buffer: the first write commits the response
			out.write(("created " + id + "\n" + ".".repeat(32 * 1024)).getBytes());
		};
	}

	@PostMapping("/posts/transactional")
	@EnsurePrimary
	@Transactional
	public Map<String, Object> createInTransaction(@RequestParam String title) {
		this.calls.ran("transactional");
		long id = this.posts.insert(title);
		return Map.of("id", id, "node", this.node.hostname());
	}

	@PostMapping("/posts/invalid")
	@EnsurePrimary
	public Map<String, Object> invalid() {
		this.calls.ran("invalid");
		throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "title missing");
	}

	@PostMapping("/slow")
	@EnsurePrimary
	public String slow(@RequestParam long millis) throws InterruptedException {
		this.calls.ran("slow");
		Thread.sleep(millis);
		return "slept";
	}

	@PostMapping("/echo")
	@EnsurePrimary
	public Map<String, Object> echo(@RequestHeader HttpHeaders headers, @RequestBody(required = false) String body,
			jakarta.servlet.http.HttpServletRequest request) {
		this.calls.ran("echo");
		Map<String, Object> echo = new java.util.TreeMap<>();
		// the forwarding replica's end of the connection: the same port for a reused connection
		echo.put("remote-port", request.getRemotePort());
		headers.forEach((name, values) -> echo.put(name.toLowerCase(java.util.Locale.ROOT), String.join(",", values)));
		echo.put("body", (body != null) ? body : "");
		echo.put("node", this.node.hostname());
		return echo;
	}

	@PostMapping("/slow-body")
	@EnsurePrimary
	public void slowBody(@RequestParam long millis, @RequestParam boolean start, HttpServletResponse response)
			throws IOException, InterruptedException {
		if (start) {
			response.getOutputStream().write("start".getBytes());
		}
		response.flushBuffer();
		Thread.sleep(millis);
		response.getOutputStream().write("end".getBytes());
	}

	@GetMapping("/posts/count")
	public long count() {
		return this.posts.count();
	}

	@GetMapping("/node")
	public Map<String, Object> node() {
		return Map.of("node", this.node.hostname(), "txid", this.node.currentPosition().txidHex());
	}

	@GetMapping("/posts/{id}")
	public Map<String, Object> read(@PathVariable long id) throws IOException {
		this.calls.ran("read");
		return Map.of("id", id, "node", this.node.hostname());
	}

}

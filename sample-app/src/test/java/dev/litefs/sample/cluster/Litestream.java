package dev.litefs.sample.cluster;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Litestream, as {@code scripts/install-litestream.sh} builds it, replicating one
 * database to a {@code file} replica ({@code litestream replicate}), and restoring from
 * that replica into a plain file ({@code litestream restore}). The binary is found as the
 * script says: {@code LITESTREAM_BIN}, then its cache folder, then {@code PATH}; without
 * it the test is skipped, or fails in CI. A replication runs as a child process, stopped
 * by its PID.
 */
final class Litestream implements AutoCloseable {

	/** The Litestream release the install script builds. */
	static final String VERSION = "v0.3.14";

	private final Process process;

	private final Path log;

	private Litestream(Process process, Path log) {
		this.process = process;
		this.log = log;
	}

	/**
	 * Starts replicating a database to a file replica, as docs/backups.md's
	 * {@code litestream.yml} says with a {@code file} replica in place of S3.
	 * @param database the database on the primary's mount
	 * @param metaPath Litestream's own files, outside the mount
	 * @param replica the replica's folder
	 * @param config where to write the configuration
	 * @return the running replication
	 */
	static Litestream replicate(Path database, Path metaPath, Path replica, Path config) throws IOException {
		Files.createDirectories(config.getParent());
		Files.writeString(config, """
				dbs:
				  - path: %s
				    meta-path: %s
				    replicas:
				      - type: file
				        path: %s
				""".formatted(database, metaPath, replica));
		Path log = config.resolveSibling(config.getFileName() + ".log");
		Process process = new ProcessBuilder(binary().toString(), "replicate", "-config", config.toString())
			.redirectErrorStream(true)
			.redirectOutput(log.toFile())
			.start();
		return new Litestream(process, log);
	}

	/**
	 * Restores the newest copy in a file replica into a new file, as a new machine does:
	 * {@code litestream restore -o <file> file://<replica>}.
	 * @param replica the replica's folder
	 * @param into the file to create; its folder is created
	 * @return the titles of the posts in the restored database, or empty when the replica
	 * holds nothing to restore yet
	 */
	static Optional<List<String>> restorePosts(Path replica, Path into) throws IOException, InterruptedException {
		Files.createDirectories(into.getParent());
		Path log = into.resolveSibling(into.getFileName() + ".log");
		Process restore = new ProcessBuilder(binary().toString(), "restore", "-o", into.toString(),
				replica.toUri().toString())
			.redirectErrorStream(true)
			.redirectOutput(log.toFile())
			.start();
		if (!restore.waitFor(30, TimeUnit.SECONDS)) {
			restore.destroyForcibly();
			throw new IllegalStateException("litestream restore did not end within 30 s: " + Files.readString(log));
		}
		if (restore.exitValue() != 0 || !Files.exists(into)) {
			return Optional.empty();
		}
		try (Connection sqlite = DriverManager.getConnection("jdbc:sqlite:" + into + "?open_mode=1");
				ResultSet rows = sqlite.createStatement().executeQuery("SELECT title FROM posts ORDER BY id")) {
			List<String> titles = new ArrayList<>();
			while (rows.next()) {
				titles.add(rows.getString(1));
			}
			return Optional.of(titles);
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Cannot read the restored " + into, ex);
		}
	}

	/**
	 * What it logged so far.
	 * @return its output
	 */
	String log() throws IOException {
		return Files.readString(this.log);
	}

	/** Stops it by its PID: SIGTERM, SIGKILL after 10 s. */
	@Override
	public void close() throws InterruptedException {
		this.process.destroy();
		if (!this.process.waitFor(10, TimeUnit.SECONDS)) {
			this.process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
		}
	}

	private static Path binary() {
		String fromEnvironment = System.getenv("LITESTREAM_BIN");
		String cache = System.getenv("XDG_CACHE_HOME");
		Path base = (cache != null && !cache.isBlank()) ? Path.of(cache)
				: Path.of(System.getProperty("user.home"), ".cache");
		Stream<Path> candidates = (fromEnvironment != null && !fromEnvironment.isBlank())
				? Stream.of(Path.of(fromEnvironment))
				: Stream.concat(Stream.of(base.resolve("litefs-spring-boot/litestream-" + VERSION + "/litestream")),
						onPath("litestream"));
		Optional<Path> found = candidates.filter(Files::isExecutable).findFirst();
		if (found.isEmpty()) {
			// .ci/run builds it where Go is, as it builds LiteFS
			MissingTool.skipOrFail("The backup tests run Litestream " + VERSION
					+ "; build it with scripts/install-litestream.sh (Go), or set LITESTREAM_BIN",
					onPath("go").anyMatch(Files::isExecutable));
		}
		return found.orElseThrow();
	}

	private static Stream<Path> onPath(String command) {
		return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
			.filter((dir) -> !dir.isEmpty())
			.map((dir) -> Path.of(dir, command));
	}

}

package dev.litefs.spring.test.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Where the {@code litefs} binary of the real-cluster tests is, looked up in one order:
 * <ol>
 * <li>the environment variable {@code LITEFS_BIN};</li>
 * <li>the cache folder that {@code scripts/install-litefs.sh} installs into,
 * {@code ${XDG_CACHE_HOME:-$HOME/.cache}/litefs-spring-boot/litefs-v0.5.14/litefs};</li>
 * <li>{@code litefs} on {@code PATH}.</li>
 * </ol>
 *
 * @since 0.2.0
 */
public final class LiteFsBinary {

	/** The LiteFS release the tests are written against. */
	public static final String VERSION = "v0.5.14";

	private final Path path;

	private volatile String version;

	private LiteFsBinary(Path path) {
		this.path = path;
	}

	/**
	 * The binary found by the documented lookup.
	 * @return the binary, or empty when none of the three places has one
	 */
	public static Optional<LiteFsBinary> find() {
		String fromEnvironment = System.getenv("LITEFS_BIN");
		if (fromEnvironment != null && !fromEnvironment.isBlank()) {
			Path path = Path.of(fromEnvironment);
			return Files.isExecutable(path) ? Optional.of(new LiteFsBinary(path)) : Optional.empty();
		}
		Path cached = cacheFolder().resolve("litefs");
		if (Files.isExecutable(cached)) {
			return Optional.of(new LiteFsBinary(cached));
		}
		return onPath("litefs").map(LiteFsBinary::new);
	}

	/**
	 * The cache folder {@code scripts/install-litefs.sh} installs LiteFS into.
	 * @return the folder
	 */
	public static Path cacheFolder() {
		String cache = System.getenv("XDG_CACHE_HOME");
		Path base = (cache != null && !cache.isBlank()) ? Path.of(cache)
				: Path.of(System.getProperty("user.home"), ".cache");
		return base.resolve("litefs-spring-boot").resolve("litefs-" + VERSION);
	}

	static Optional<Path> onPath(String command) {
		String path = System.getenv("PATH");
		if (path == null) {
			return Optional.empty();
		}
		for (String dir : path.split(java.io.File.pathSeparator)) {
			if (!dir.isEmpty()) {
				Path candidate = Path.of(dir, command);
				if (Files.isExecutable(candidate) && !Files.isDirectory(candidate)) {
					return Optional.of(candidate);
				}
			}
		}
		return Optional.empty();
	}

	/**
	 * The binary's path.
	 * @return the path
	 */
	public Path path() {
		return this.path;
	}

	/**
	 * What {@code litefs version} prints, e.g. {@code LiteFS 0.5.14, commit=}; asked once.
	 * @return the first line of its answer
	 */
	public String version() {
		String version = this.version;
		if (version == null) {
			version = askVersion();
			this.version = version;
		}
		return version;
	}

	private String askVersion() {
		try {
			Process process = new ProcessBuilder(this.path.toString(), "version").redirectErrorStream(true).start();
			if (!process.waitFor(10, TimeUnit.SECONDS)) {
				process.destroyForcibly();
				return "unknown (litefs version did not answer within 10 s)";
			}
			String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
			return out.isEmpty() ? "unknown (litefs version printed nothing)" : out.lines().findFirst().orElseThrow();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot run " + this.path + " version", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	@Override
	public String toString() {
		return this.path.toString();
	}

}

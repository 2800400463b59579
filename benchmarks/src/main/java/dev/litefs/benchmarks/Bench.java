package dev.litefs.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import dev.litefs.spring.test.FakeLiteFsMount;

/**
 * What every part shares: the sample app's jar, the JVM flags of its child JVMs, a work
 * directory, a migrated database to copy, and the HTTP client.
 */
final class Bench {

	/** The flags of every sample-app JVM, whatever is compared. */
	static final List<String> JVM_FLAGS = List.of("-Xms256m", "-Xmx256m", "-XX:+UseG1GC");

	/** How long an app may take to start. */
	static final Duration START_TIMEOUT = Duration.ofSeconds(90);

	/** The primary's LiteFS hostname in every fake cluster. */
	static final String PRIMARY = "node-a";

	/** A replica's LiteFS hostname. */
	static final String REPLICA = "node-b";

	/** The property that puts an app's requests on virtual threads, for the variants on them. */
	static final String VIRTUAL_THREADS = "spring.threads.virtual.enabled";

	private final Path jar;

	private final Path workDir;

	private final Path mountsDir;

	private final Settings settings;

	private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

	private Seed seed;

	private Vegeta vegeta;

	/**
	 * Creates the shared part of a run.
	 * @param jar the sample app's executable jar
	 * @param workDir where logs go
	 * @param mountsDir where the fake mounts and their databases go
	 * @param settings how long and how often to measure
	 */
	Bench(Path jar, Path workDir, Path mountsDir, Settings settings) {
		this.jar = jar;
		this.workDir = workDir;
		this.mountsDir = mountsDir;
		this.settings = settings;
	}

	Path mountsDir() {
		return this.mountsDir;
	}

	Settings settings() {
		return this.settings;
	}

	HttpClient client() {
		return this.client;
	}

	Path jar() {
		return this.jar;
	}

	/**
	 * A new, empty directory for a fake mount.
	 * @param name its name
	 * @return the directory
	 */
	Path directory(String name) {
		Path dir = this.mountsDir.resolve(name);
		try {
			delete(dir);
			return Files.createDirectories(dir);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Deletes a directory and everything in it, if it exists.
	 * @param dir the directory
	 * @throws IOException if a file cannot be deleted
	 */
	static void delete(Path dir) throws IOException {
		if (Files.exists(dir)) {
			try (Stream<Path> files = Files.walk(dir)) {
				for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
					Files.delete(file);
				}
			}
		}
	}

	/**
	 * A new directory holding a copy of the migrated database with the seed post, as
	 * LiteFS would have replicated it.
	 * @param name the directory's name
	 * @return the directory
	 */
	Path directoryWithDatabase(String name) {
		Path dir = directory(name);
		try {
			Files.copy(seed().database(), dir.resolve(FakeLiteFsMount.DEFAULT_DATABASE),
					StandardCopyOption.REPLACE_EXISTING);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return dir;
	}

	/**
	 * The HTTP load generator.
	 * @return Vegeta, found as {@link Vegeta#find} says
	 * @throws IllegalStateException when it is not installed
	 */
	Vegeta vegeta() {
		if (this.vegeta == null) {
			this.vegeta = Vegeta.find(this.workDir.resolve("vegeta"))
				.orElseThrow(() -> new IllegalStateException("No Vegeta binary (VEGETA_BIN, the cache folder or PATH): "
						+ "run benchmarks/install-vegeta.sh, which builds it with Go"));
		}
		return this.vegeta;
	}

	Seed seed() {
		if (this.seed == null) {
			this.seed = Seed.prepare(this);
		}
		return this.seed;
	}

	/** Launches the sample app without waiting for it. */
	SampleApp launch(String name, Map<String, String> properties) {
		return SampleApp.launch(name, this.jar, JVM_FLAGS, properties, logs());
	}

	/** Where the child JVMs' output goes. */
	Path logs() {
		return this.workDir.resolve("logs");
	}

	/** Launches the sample app and waits until its health is UP. */
	SampleApp start(String name, Map<String, String> properties) {
		return awaitReady(launch(name, properties));
	}

	/** Launches the sample app on this port and waits until its health is UP. */
	SampleApp start(String name, Map<String, String> properties, int port) {
		return awaitReady(SampleApp.launch(name, this.jar, JVM_FLAGS, properties, logs(), port));
	}

	private static SampleApp awaitReady(SampleApp app) {
		try {
			app.awaitReady(START_TIMEOUT);
			return app;
		}
		catch (RuntimeException ex) {
			app.close();
			throw ex;
		}
	}

	/**
	 * The DataSource every compared app gets, with LiteFS or without: the database in
	 * this directory, and the pool settings the starter would default to.
	 */
	static Map<String, String> dataSource(Path dir) {
		Map<String, String> properties = new LinkedHashMap<>();
		properties.put("spring.datasource.url", "jdbc:sqlite:" + dir.resolve(FakeLiteFsMount.DEFAULT_DATABASE));
		properties.put("spring.datasource.hikari.maximum-pool-size", "4");
		properties.put("spring.datasource.hikari.data-source-properties.busy_timeout", "5000");
		properties.put("spring.datasource.hikari.data-source-properties.foreign_keys", "true");
		return properties;
	}

	/**
	 * Whether the apps' JVM, this one's {@code java}, has virtual threads: parts 3 and 6
	 * then add the starter's app on them beside the same app on platform threads.
	 * @return whether it is Java 21 or later
	 */
	static boolean hasVirtualThreads() {
		return Runtime.version().feature() >= 21;
	}

	/**
	 * Why a part has no variant on virtual threads on this JVM, for its report.
	 * @return the sentence
	 */
	static String noVirtualThreads() {
		return "No variant on virtual threads: the apps run on Java " + Runtime.version().feature()
				+ ", which has none; `JAVA_HOME=<a JDK 21 or later> benchmarks/run.sh` adds it.";
	}

	/**
	 * The app with the starter on, on a fake mount, as this LiteFS hostname. Its LiteFS
	 * API is a free loopback port, as when LiteFS's API is down: a primary asks it and is
	 * refused at once. Not the default {@code http://localhost:20202}, where on a shared
	 * machine another build's LiteFS may listen (the sample app's cluster test uses that
	 * port), whose event stream and role the app would then take.
	 */
	static Map<String, String> withLiteFs(FakeLiteFsMount mount, String hostname) {
		Map<String, String> properties = dataSource(mount.dir());
		properties.put("litefs.mount-dir", mount.dir().toString());
		properties.put("litefs.database", mount.database());
		properties.put("litefs.hostname", hostname);
		properties.put("litefs.api-url", "http://127.0.0.1:" + SampleApp.freePort());
		return properties;
	}

	/** The app with the starter off ({@code litefs.enabled=false}), on the database in this directory. */
	static Map<String, String> withoutLiteFs(Path dir) {
		Map<String, String> properties = dataSource(dir);
		properties.put("litefs.enabled", "false");
		return properties;
	}

	/** Sleeps, as a measurement's pause: an interruption ends the part. */
	static void sleep(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * The command of a child JVM of the harness: this JVM's java, the sample apps' JVM
	 * flags and this class path.
	 * @param main the class to run
	 * @param args its arguments
	 * @return the command
	 */
	static List<String> childJvm(Class<?> main, String... args) {
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		command.addAll(JVM_FLAGS);
		command.add("-cp");
		command.add(System.getProperty("java.class.path"));
		command.add(main.getName());
		command.addAll(List.of(args));
		return command;
	}

}

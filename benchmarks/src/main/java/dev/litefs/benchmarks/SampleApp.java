package dev.litefs.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The sample app's executable jar running in a child JVM, on a free loopback port, its
 * output in a log file.
 */
final class SampleApp implements AutoCloseable {

	private static final Duration READY_POLL = Duration.ofMillis(5);

	private static final JsonMapper json = JsonMapper.builder().build();

	private static final HttpClient probe = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

	private final String name;

	private final Process process;

	private final long launchedAt;

	private final int port;

	private final Path log;

	private SampleApp(String name, Process process, long launchedAt, int port, Path log) {
		this.name = name;
		this.process = process;
		this.launchedAt = launchedAt;
		this.port = port;
		this.log = log;
	}

	/**
	 * Launches the app; returns at once, see {@link #awaitReady}.
	 * @param name a name for the log file and messages
	 * @param jar the sample app's executable jar
	 * @param jvmFlags the JVM's options, the same for every launch being compared
	 * @param properties the application's properties, passed as {@code --key=value}
	 * @param logDir where the log file goes
	 * @return the running app
	 */
	static SampleApp launch(String name, Path jar, List<String> jvmFlags, Map<String, String> properties,
			Path logDir) {
		return launch(name, jar, jvmFlags, properties, logDir, freePort());
	}

	/**
	 * Launches the app on a port chosen beforehand, as when something else must know it
	 * first; returns at once, see {@link #awaitReady}.
	 * @param name a name for the log file and messages
	 * @param jar the sample app's executable jar
	 * @param jvmFlags the JVM's options, the same for every launch being compared
	 * @param properties the application's properties, passed as {@code --key=value}
	 * @param logDir where the log file goes
	 * @param port a free loopback port, see {@link #freePort()}
	 * @return the running app
	 */
	static SampleApp launch(String name, Path jar, List<String> jvmFlags, Map<String, String> properties,
			Path logDir, int port) {
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		command.addAll(jvmFlags);
		command.add("-jar");
		command.add(jar.toString());
		command.add("--server.address=127.0.0.1");
		command.add("--server.port=" + port);
		properties.forEach((key, value) -> command.add("--" + key + "=" + value));
		Path log = logDir.resolve(name + ".log");
		try {
			Files.createDirectories(logDir);
			ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(log.toFile());
			long launchedAt = System.nanoTime();
			return new SampleApp(name, builder.start(), launchedAt, port, log);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not launch " + name, ex);
		}
	}

	/**
	 * Polls {@code /actuator/health} every 5 ms until it answers 200.
	 * @param timeout how long to wait at most
	 * @return the time from launching the process to that first 200
	 */
	Duration awaitReady(Duration timeout) {
		HttpRequest health = HttpRequest.newBuilder(uri("/actuator/health")).timeout(Duration.ofSeconds(2)).build();
		long deadline = this.launchedAt + timeout.toNanos();
		while (System.nanoTime() - deadline < 0) {
			if (!this.process.isAlive()) {
				throw new IllegalStateException(this.name + " exited with " + this.process.exitValue() + ", see "
						+ this.log + ":\n" + tail());
			}
			try {
				HttpResponse<Void> response = probe.send(health, HttpResponse.BodyHandlers.discarding());
				if (response.statusCode() == 200) {
					return Duration.ofNanos(System.nanoTime() - this.launchedAt);
				}
			}
			catch (ConnectException | HttpTimeoutException ex) {
				// not listening yet
			}
			catch (IOException ex) {
				// the server may reset while it starts
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("Interrupted while waiting for " + this.name, ex);
			}
			LockSupport.parkNanos(READY_POLL.toNanos());
		}
		throw new IllegalStateException(this.name + " was not ready within " + timeout + ", see " + this.log
				+ ":\n" + tail());
	}

	URI uri(String path) {
		return URI.create("http://127.0.0.1:" + this.port + path);
	}

	int port() {
		return this.port;
	}

	long pid() {
		return this.process.pid();
	}

	String name() {
		return this.name;
	}

	/**
	 * The CPU time the app's JVM has used so far (all its threads).
	 * @return user plus system time
	 */
	Duration cpuTime() {
		try {
			return ProcessCpu.of(pid());
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not read the CPU time of " + this.name, ex);
		}
	}

	/**
	 * The time the app's JIT compilers have spent so far, as the JVM counts it
	 * (Micrometer's {@code jvm.compilation.time}, from {@code CompilationMXBean}).
	 * @return the compilation time
	 */
	Duration compilationTime() {
		return Duration.ofMillis(Math.round(metric("jvm.compilation.time")));
	}

	/**
	 * A meter's value as {@code /actuator/metrics/{name}} shows it.
	 * @param name the meter, e.g. {@code jvm.classes.loaded}
	 * @return its first measurement
	 */
	double metric(String name) {
		String body = get("/actuator/metrics/" + name);
		JsonNode value = json.readTree(body).path("measurements").path(0).path("value");
		if (!value.isNumber()) {
			throw new IllegalStateException(this.name + " has no value for " + name + ": " + body);
		}
		return value.asDouble();
	}

	/**
	 * One statistic of a meter, as {@code /actuator/metrics/{name}} shows it.
	 * @param name the meter, e.g. {@code litefs.consistency.wait}
	 * @param statistic e.g. {@code COUNT} or {@code TOTAL_TIME}
	 * @return its value, 0 while the meter does not exist (nothing has been recorded)
	 */
	double statistic(String name, String statistic) {
		HttpResponse<String> response = send("/actuator/metrics/" + name);
		if (response.statusCode() == 404) {
			return 0;
		}
		for (JsonNode measurement : json.readTree(ok(response)).path("measurements")) {
			if (measurement.path("statistic").asString("").equals(statistic)) {
				return measurement.path("value").asDouble();
			}
		}
		throw new IllegalStateException(this.name + " has no " + statistic + " for " + name + ": " + response.body());
	}

	/**
	 * The body of a {@code GET} that must answer {@code 200}.
	 * @param path the path, e.g. {@code /actuator/startup}
	 * @return the body
	 */
	String get(String path) {
		return ok(send(path));
	}

	private String ok(HttpResponse<String> response) {
		if (response.statusCode() != 200) {
			throw new IllegalStateException(this.name + " answered " + response.statusCode() + " for "
					+ response.uri() + ": " + response.body());
		}
		return response.body();
	}

	private HttpResponse<String> send(String path) {
		HttpRequest request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(5)).build();
		try {
			return probe.send(request, HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not GET " + path + " of " + this.name, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/** Stops the JVM (SIGTERM, then SIGKILL after 15 s). */
	@Override
	public void close() {
		this.process.destroy();
		try {
			if (!this.process.waitFor(15, TimeUnit.SECONDS)) {
				this.process.destroyForcibly().waitFor();
			}
		}
		catch (InterruptedException ex) {
			this.process.destroyForcibly();
			Thread.currentThread().interrupt();
		}
	}

	private String tail() {
		try {
			List<String> lines = Files.readAllLines(this.log);
			return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
		}
		catch (IOException ex) {
			return "(no log: " + ex.getMessage() + ")";
		}
	}

	/** A loopback port nothing listens on now. */
	static int freePort() {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("No free loopback port", ex);
		}
	}

}

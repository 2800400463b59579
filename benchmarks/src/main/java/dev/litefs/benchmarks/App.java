package dev.litefs.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The sample app's own executable jar in a child JVM, configured by properties only, as
 * a user runs it: one JVM per server, so that each one's CPU can be read from
 * {@code /proc}.
 */
final class App implements AutoCloseable {

	/** The same flags for every app being compared. */
	static final List<String> JVM_FLAGS = List.of("-Xms256m", "-Xmx256m", "-XX:+UseG1GC");

	static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

	/** The sample app's API user ({@code demo}/{@code demo}), sent with every write. */
	static final String BASIC_AUTH = "Basic ZGVtbzpkZW1v";

	static final String POST_JSON = "{\"title\": \"A post to read again and again\", \"body\": \""
			+ "Replicated by LiteFS to every node, read on each of them. ".repeat(4).strip() + "\"}";

	private static final Pattern MAIN_CPU = Pattern.compile("^\"(?:main|DestroyJavaVM)\".* cpu=([0-9.]+)ms",
			Pattern.MULTILINE);

	final String name;

	final int port;

	final Process process;

	/** From launch to the first {@code 200} of {@code /actuator/health}. */
	final Duration startUp;

	private App(String name, int port, Process process, Duration startUp) {
		this.name = name;
		this.port = port;
		this.process = process;
		this.startUp = startUp;
	}

	/**
	 * Launches {@code java -jar} the sample app on a loopback port and waits for its health.
	 * @param jar the sample app's jar
	 * @param name names the log file, {@code <logs>/<name>.log}
	 * @param port the port, {@link #freePort()} when nothing else must know it first
	 * @param properties passed as {@code --key=value}
	 * @param flags JVM options beside {@link #JVM_FLAGS}
	 */
	static App start(Path jar, Path logs, String name, int port, Map<String, String> properties, String... flags)
			throws IOException {
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		command.addAll(JVM_FLAGS);
		command.addAll(List.of(flags));
		command.addAll(List.of("-jar", jar.toString(), "--server.address=127.0.0.1", "--server.port=" + port));
		properties.forEach((key, value) -> command.add("--" + key + "=" + value));
		Files.createDirectories(logs);
		long launched = System.nanoTime();
		Process process = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(logs.resolve(name + ".log").toFile())
			.start();
		App app = new App(name, port, process, null);
		HttpRequest health = HttpRequest.newBuilder(app.uri("/actuator/health")).timeout(Duration.ofSeconds(2)).build();
		while (System.nanoTime() - launched < TimeUnit.SECONDS.toNanos(120)) {
			if (!process.isAlive()) {
				throw new IllegalStateException(name + " exited, see " + logs.resolve(name + ".log"));
			}
			try {
				if (http.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
					return new App(name, port, process, Duration.ofNanos(System.nanoTime() - launched));
				}
			}
			catch (IOException ex) {
				// not listening yet
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				break;
			}
			Bench.sleep(5);
		}
		process.destroyForcibly();
		throw new IllegalStateException(name + " was not ready in 120 s, see " + logs.resolve(name + ".log"));
	}

	/** The datasource of every app: its database on that folder, the pool the starter defaults to. */
	static Map<String, String> dataSource(Path dir) {
		Map<String, String> properties = new LinkedHashMap<>();
		properties.put("spring.datasource.url", "jdbc:sqlite:" + dir.resolve("app.db"));
		properties.put("spring.datasource.hikari.maximum-pool-size", "4");
		properties.put("spring.datasource.hikari.data-source-properties.busy_timeout", "5000");
		return properties;
	}

	URI uri(String path) {
		return URI.create("http://127.0.0.1:" + this.port + path);
	}

	long pid() {
		return this.process.pid();
	}

	/** The body of a {@code GET} of this app. */
	String get(String path) throws IOException, InterruptedException {
		return send(HttpRequest.newBuilder(uri(path)).build()).body();
	}

	/** A {@code POST /api/posts} that must answer {@code 201}. */
	HttpResponse<String> write() throws IOException, InterruptedException {
		HttpResponse<String> answer = send(HttpRequest.newBuilder(uri("/api/posts"))
			.header("Content-Type", "application/json")
			.header("Authorization", BASIC_AUTH)
			.POST(HttpRequest.BodyPublishers.ofString(POST_JSON))
			.build());
		if (answer.statusCode() != 201) {
			throw new IllegalStateException(this.name + " answered a write with " + answer.statusCode());
		}
		return answer;
	}

	/** A meter's first value in {@code /actuator/metrics/<name>}. */
	double metric(String meter) throws IOException, InterruptedException {
		Matcher value = Pattern.compile("\"value\":([0-9.Ee+-]+)").matcher(get("/actuator/metrics/" + meter));
		return value.find() ? Double.parseDouble(value.group(1)) : Double.NaN;
	}

	/** The CPU time of the main thread so far, from the JVM's own thread dump ({@code jcmd Thread.print}). */
	double mainThreadCpuMillis() throws IOException, InterruptedException {
		Matcher cpu = MAIN_CPU.matcher(JdkTools.jcmd(pid(), "Thread.print"));
		return cpu.find() ? Double.parseDouble(cpu.group(1)) : Double.NaN;
	}

	static HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
		return http.send(request, HttpResponse.BodyHandlers.ofString());
	}

	/**
	 * CPU time (user + system) of processes, from {@code /proc/<pid>/stat}.
	 * @return nanoseconds, at the kernel's clock tick (10 ms)
	 */
	static long cpuNanos(long... pids) {
		long ticks = 0;
		for (long pid : pids) {
			try {
				String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
				String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
				ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}
		return ticks * 10_000_000L;
	}

	/**
	 * Time the threads of processes spent runnable but waiting for a core, from each
	 * thread's {@code /proc/<pid>/task/<tid>/schedstat} (its second field); a thread that
	 * ended in between is not counted.
	 * @return nanoseconds
	 */
	static long runQueueNanos(long... pids) {
		long waited = 0;
		for (long pid : pids) {
			try (var threads = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
				for (Path thread : threads.toList()) {
					try {
						waited += Long.parseLong(Files.readString(thread.resolve("schedstat")).trim().split(" ")[1]);
					}
					catch (IOException ex) {
						// the thread ended
					}
				}
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}
		return waited;
	}

	static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

	@Override
	public void close() throws InterruptedException {
		this.process.destroy();
		if (!this.process.waitFor(15, TimeUnit.SECONDS)) {
			this.process.destroyForcibly().waitFor();
		}
	}

}

package dev.litefs.spring.jdbc;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import dev.litefs.spring.test.cluster.LiteFsCluster;
import dev.litefs.spring.test.cluster.RealLiteFs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Measures JVM crashes per connection opened on a real WAL-mode LiteFS replica that
 * refuses writes, 8 at a time, while the primary commits and the replica applies its
 * transactions: the replica's app runs in a JVM of its own ({@link ReplicaProcess}), once
 * with 0.2.0's eviction of every {@code SQLITE_IOERR} ({@link EvictEveryIoError},
 * "before") and once with the starter's defaults ("after"). Connections opened are Hikari's
 * own "Added connection" lines; LiteFS's trace log (turned on for the replica) counts the
 * times SQLite removed the {@code -shm} (the JVM's last connection closed), created it
 * again, and truncated it to 3 bytes (a first attachment to an existing one). Not in the
 * default build: a few minutes per set of runs.
 * <pre>
 * ./mvnw -pl litefs-spring-boot-autoconfigure -am verify -Dtest=RealWalReplicaChurnProbe \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Dlitefs.probe.runs=5 [-Dlitefs.probe.writes=200] \
 *     [-Dlitefs.probe.modes=before,after]
 * </pre>
 * Prints one line per run and writes them to {@code target/wal-churn-probe.txt}; each run's
 * app log, LiteFS trace and any {@code hs_err} file are kept in
 * {@code target/wal-churn-probe/<mode>-<run>}.
 */
@RealLiteFs
@EnabledIfSystemProperty(named = "litefs.probe.runs", matches = "\\d+")
class RealWalReplicaChurnProbe {

	private static final HttpClient http = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(2))
		.build();

	@Test
	void measure() throws Exception {
		int runs = Integer.getInteger("litefs.probe.runs");
		int writes = Integer.getInteger("litefs.probe.writes", 200);
		List<String> modes = List.of(System.getProperty("litefs.probe.modes", "before,after").split(","));
		List<String> lines = new ArrayList<>();
		try (LiteFsCluster cluster = LiteFsCluster.builder().nodes(2).start()) {
			LiteFsCluster.Node replica = cluster.node(1);
			Path trace = traceReplica(replica);
			try (Connection connection = primary(cluster); Statement statement = connection.createStatement()) {
				statement.execute("pragma journal_mode=wal");
				statement.execute("create table posts (id integer primary key autoincrement, title text not null, "
						+ "node text not null)");
			}
			cluster.awaitReplicated("app.db", Duration.ofSeconds(15));
			for (String mode : modes) {
				for (int run = 1; run <= runs; run++) {
					String line = run(cluster, replica, trace, mode, run, writes);
					System.out.println("WAL-CHURN " + line);
					lines.add(line);
				}
			}
		}
		Files.write(Path.of("target", "wal-churn-probe.txt"), lines);
	}

	private String run(LiteFsCluster cluster, LiteFsCluster.Node replica, Path trace, String mode, int run,
			int writes) throws Exception {
		Path folder = Path.of("target", "wal-churn-probe", mode + "-" + run).toAbsolutePath();
		org.springframework.util.FileSystemUtils.deleteRecursively(folder);
		Files.createDirectories(folder);
		Path log = folder.resolve("app.log");
		long traceStart = Files.exists(trace) ? Files.size(trace) : 0;
		List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
				"-Xmx256m", "-XX:ErrorFile=" + folder.resolve("hs_err_pid%p.log"), "-cp",
				System.getProperty("java.class.path"), ReplicaProcess.class.getName(), replica.mountDir().toString(),
				"litefs.api-url=" + replica.apiUrl(), "litefs.routing.strategy=reject",
				"logging.level.com.zaxxer.hikari.pool.HikariPool=DEBUG"));
		if (mode.equals("before")) {
			command.add("spring.datasource.hikari.exception-override-class-name=" + EvictEveryIoError.class.getName());
			command.add("spring.datasource.hikari.max-lifetime=1800000");
		}
		Process process = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(log.toFile())
			.redirectInput(ProcessBuilder.Redirect.PIPE)
			.start();
		int sent = 0;
		int routed = 0;
		AtomicBoolean writing = new AtomicBoolean(true);
		CompletableFuture<Void> primaryWrites = CompletableFuture.runAsync(() -> writeOnThePrimary(cluster, writing));
		try {
			int port = awaitPort(log, process);
			while (sent < writes && process.isAlive()) {
				List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
				for (int i = 0; i < 8; i++) {
					answers.add(http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/posts/unannotated"))
						.timeout(Duration.ofSeconds(30))
						.header("Content-Type", "application/json")
						.POST(HttpRequest.BodyPublishers.ofString("{\"title\":\"refused\"}"))
						.build(), HttpResponse.BodyHandlers.ofString()));
				}
				for (CompletableFuture<HttpResponse<String>> answer : answers) {
					sent++;
					try {
						if (answer.get().body().contains("Not the primary")) {
							routed++;
						}
					}
					catch (Exception ex) {
						// the JVM went away under the request
					}
				}
			}
		}
		finally {
			writing.set(false);
			primaryWrites.get();
			if (process.isAlive()) {
				process.getOutputStream().close();
				if (!process.waitFor(30, TimeUnit.SECONDS)) {
					process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
				}
			}
			process.waitFor(10, TimeUnit.SECONDS);
		}
		List<String> output = Files.readAllLines(log, StandardCharsets.UTF_8);
		long opened = output.stream().filter((line) -> line.contains("Added connection")).count();
		long warnings = output.stream().filter((line) -> line.contains(" WARN ")).count();
		long frames = output.stream().filter((line) -> line.startsWith("\tat ")).count();
		String crash = crash(folder);
		return String.format("mode=%s run=%d writes=%d routed=%d connectionsOpened=%d %s warns=%d traceFrames=%d "
				+ "exit=%d crash=%s", mode, run, sent, routed, opened, shmLifecycle(trace, traceStart, folder), warnings,
				frames, process.exitValue(), crash);
	}

	/** The problematic frame and signal of an hs_err file the JVM left, or "none". */
	private static String crash(Path folder) throws IOException {
		try (Stream<Path> files = Files.list(folder)) {
			Path hsErr = files.filter((file) -> file.getFileName().toString().startsWith("hs_err")).findFirst().orElse(null);
			if (hsErr == null) {
				return "none";
			}
			List<String> lines = Files.readAllLines(hsErr, StandardCharsets.ISO_8859_1);
			String signal = lines.stream().filter((line) -> line.startsWith("#  SIG")).findFirst().orElse("?").trim();
			String frame = lines.stream().filter((line) -> line.startsWith("# C  ") || line.startsWith("# J "))
				.findFirst().orElse("?").trim();
			String thread = lines.stream().filter((line) -> line.startsWith("Current thread")).findFirst().orElse("?");
			String siginfo = lines.stream().filter((line) -> line.startsWith("siginfo:")).findFirst().orElse("?");
			return "[" + signal + " | " + frame + " | " + thread + " | " + siginfo + " | " + hsErr + "]";
		}
	}

	/**
	 * What LiteFS's trace shows of the {@code -shm} during a run, kept beside the run: the
	 * times SQLite removed it (the JVM's last connection closed), created it again, and
	 * truncated it to 3 bytes (a first attachment to an existing one).
	 */
	private static String shmLifecycle(Path trace, long from, Path into) throws IOException {
		if (!Files.exists(trace)) {
			return "shm=?";
		}
		byte[] all = Files.readAllBytes(trace);
		String text = new String(all, (int) Math.min(from, all.length), (int) Math.max(0, all.length - from),
				StandardCharsets.UTF_8);
		Files.writeString(into.resolve("litefs-trace.log"), text);
		List<String> lines = text.lines().toList();
		return String.format("shmRemoved=%d shmCreated=%d shmTruncatedTo3=%d", count(lines, "[RemoveSHM("),
				count(lines, "[CreateSHM("), lines.stream()
					.filter((line) -> line.contains("[TruncateSHM(") && line.contains("size=3"))
					.count());
	}

	private static long count(List<String> lines, String marker) {
		return lines.stream().filter((line) -> line.contains(marker)).count();
	}

	private static int awaitPort(Path log, Process process) throws Exception {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
		while (System.nanoTime() < deadline && process.isAlive()) {
			for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
				if (line.startsWith("PORT=")) {
					return Integer.parseInt(line.substring(5).trim());
				}
			}
			Thread.sleep(100);
		}
		throw new IllegalStateException("The replica did not start; see " + log);
	}

	/** Turns LiteFS's trace log on for the replica: its config gains a path, and it restarts. */
	private static Path traceReplica(LiteFsCluster.Node replica) throws IOException {
		Path folder = replica.mountDir().getParent();
		Path trace = folder.resolve("trace.log");
		Files.writeString(folder.resolve("litefs.yml"), "tracing:\n  path: \"" + trace + "\"\n  max-size: 1024\n  compress: false\n",
				java.nio.file.StandardOpenOption.APPEND);
		replica.restart();
		return trace;
	}

	private static void writeOnThePrimary(LiteFsCluster cluster, AtomicBoolean writing) {
		try (Connection connection = primary(cluster); Statement statement = connection.createStatement()) {
			while (writing.get()) {
				statement.execute("insert into posts (title, node) values ('on the primary', 'node-a')");
				Thread.sleep(10);
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static Connection primary(LiteFsCluster cluster) throws SQLException {
		return DriverManager.getConnection("jdbc:sqlite:" + cluster.primary().mountDir().resolve("app.db"));
	}

}

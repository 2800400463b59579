package dev.litefs.sample.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;

import dev.litefs.sample.DemoUser;
import dev.litefs.spring.test.autoconfigure.ClusterApplication;
import dev.litefs.spring.test.cluster.LiteFsCluster;
import dev.litefs.spring.test.cluster.RealLiteFs;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static dev.litefs.sample.cluster.Answers.RECOVERY;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The primary's LiteFS SIGKILLed and started again under 200 concurrent writes, on a real
 * cluster, in both journal modes: every write answered {@code 201} is stored, on the
 * primary and on the replica; every other answer is an RFC 9457 problem detail (never a
 * bare 500); no write is stored twice; an answer that says a write was not stored is
 * true; and writes are taken again within seconds of LiteFS being back.
 * <p>
 * One run per journal mode here; {@code -Dlitefs.kill-suite.runs=10} (the {@code kill-suite}
 * profile) runs more. Each run's figures are appended to
 * {@code target/kill-under-writes/<journal mode>.txt}.
 */
@RealLiteFs
@ExtendWith(OutputCaptureExtension.class)
class KillUnderWritesTests {

	private static final int WRITES = 200;

	/** Between two writes sent: the 200 are sent over about 4 s, the kill and the restart among them. */
	private static final Duration PACE = Duration.ofMillis(20);

	/** After this many writes were sent, the primary's LiteFS is killed. */
	private static final int KILL_AFTER = 50;

	/** How long the primary's LiteFS stays down. */
	private static final Duration DOWN = Duration.ofSeconds(1);

	/** The longest a run may take from LiteFS back to a write taken, with room for a slow machine. */
	private static final Duration RECOVERY_BOUND = Duration.ofSeconds(6);

	private static final HttpClient http = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(5))
		.build();

	@ParameterizedTest(name = "journal mode {0}")
	@ValueSource(strings = { "delete", "wal" })
	void noAcknowledgedWriteIsLost(String journalMode, CapturedOutput output) throws Exception {
		int runs = Integer.getInteger("litefs.kill-suite.runs", 1);
		SoftAssertions softly = new SoftAssertions();
		List<Figures> all = new ArrayList<>();
		for (int run = 1; run <= runs; run++) {
			Figures figures = run(journalMode, run);
			all.add(figures);
			record(journalMode, "run " + run + ": " + figures);
			softly.assertThat(figures.lost()).as("acknowledged writes lost, run %d: %s", run, figures).isEmpty();
			softly.assertThat(figures.bare()).as("answers that are not problem details, run %d: %s", run, figures)
				.isEmpty();
			softly.assertThat(figures.duplicates()).as("writes stored twice, run %d", run).isEmpty();
			softly.assertThat(figures.untrue()).as("writes said not stored but stored, run %d", run).isEmpty();
			softly.assertThat(figures.replicaMatches()).as("the replica holds what the primary holds, run %d", run)
				.isTrue();
			// connections stuck on the broken mount held the pool for about 10 s in WAL mode before they were evicted
			softly.assertThat(figures.recovery()).as("from LiteFS back to a write taken, run %d", run)
				.isLessThan(RECOVERY_BOUND);
		}
		record(journalMode, Figures.summary(all));
		softly.assertThat(output.getOut()).doesNotContain(" ERROR ");
		softly.assertAll();
	}

	private static Figures run(String journalMode, int run) throws Exception {
		String journal = "--spring.datasource.hikari.data-source-properties.journal_mode=" + journalMode;
		try (LiteFsCluster cluster = LiteFsCluster.builder().hostnames("127.0.0.1", "node-b").start();
				SampleNode primary = SampleNode.start(cluster.primary(), journal, poolSize())) {
			assertThat(primary.postJson("/api/posts", "{\"title\": \"before\"}").statusCode()).isEqualTo(201);
			String prefix = journalMode + "-" + run + "-";
			CountDownLatch killNow = new CountDownLatch(1);
			// a thread of its own: the common pool may have a single worker, which the JDK's HttpClient needs too
			ExecutorService killer = Executors.newSingleThreadExecutor();
			CompletableFuture<Long> restartedAt = CompletableFuture.supplyAsync(() -> {
				try {
					killNow.await();
					cluster.primary().kill();
					Thread.sleep(DOWN.toMillis());
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					throw new IllegalStateException(ex);
				}
				cluster.primary().start();
				return System.nanoTime();
			}, killer);
			killer.shutdown();
			List<CompletableFuture<Answer>> answers = new ArrayList<>();
			for (int i = 0; i < WRITES; i++) {
				answers.add(send(primary, prefix + i));
				if (i == KILL_AFTER) {
					killNow.countDown();
				}
				Thread.sleep(PACE.toMillis());
			}
			Duration recovery = recovery(primary, prefix + "probe-", restartedAt.join(), answers);
			Map<String, Answer> byTitle = new HashMap<>();
			for (CompletableFuture<Answer> answer : answers) {
				Answer each = answer.join();
				byTitle.put(each.title(), each);
			}
			long txid = cluster.awaitReplicated("app.db", RECOVERY);
			List<String> stored = titles(primary);
			boolean replicaMatches = pos(cluster.primary()).equals(pos(cluster.node(1)));
			return Figures.of(byTitle, stored, recovery, txid, replicaMatches);
		}
	}

	/**
	 * The pool's size: the starter's default, or on virtual threads (CI's Java 25 run)
	 * fewer connections than carrier threads, as the starter's warning advises. The writes
	 * in flight when LiteFS dies wait in SQLite's native code for about 10 s (WAL), and
	 * there each keeps its carrier: with as many as there are carriers, nothing else runs
	 * until they give up, and writes are taken again only then.
	 */
	private static String poolSize() {
		int carriers = Runtime.getRuntime().availableProcessors();
		int size = Boolean.getBoolean(ClusterApplication.VIRTUAL_THREADS) ? Math.max(1, Math.min(4, carriers - 1)) : 4;
		return "--spring.datasource.hikari.maximum-pool-size=" + size;
	}

	/**
	 * From LiteFS back to a write taken again: the first {@code 201} answer to a write
	 * sent after LiteFS was back; when the writes were all sent before, one more post
	 * every 50 ms until one is answered {@code 201}.
	 */
	private static Duration recovery(SampleNode primary, String prefix, long restartedAt,
			List<CompletableFuture<Answer>> answers) throws InterruptedException {
		OptionalLong taken = answers.stream()
			.map(CompletableFuture::join)
			.filter((answer) -> answer.sentAt() >= restartedAt && answer.status() == 201)
			.mapToLong(Answer::answeredAt)
			.min();
		if (taken.isPresent()) {
			return Duration.ofNanos(taken.getAsLong() - restartedAt);
		}
		long deadline = restartedAt + RECOVERY.toNanos();
		for (int probe = 0; System.nanoTime() < deadline; probe++) {
			CompletableFuture<Answer> answer = send(primary, prefix + probe);
			answers.add(answer);
			if (answer.join().status() == 201) {
				return Duration.ofNanos(answer.join().answeredAt() - restartedAt);
			}
			Thread.sleep(50);
		}
		throw new AssertionError("No write was taken within " + RECOVERY + " of LiteFS being back");
	}

	private static CompletableFuture<Answer> send(SampleNode node, String title) {
		HttpRequest request = node.request("/api/posts")
			.timeout(Duration.ofSeconds(60))
			.header("Content-Type", "application/json")
			.header(DemoUser.AUTHORIZATION, DemoUser.BASIC)
			.POST(HttpRequest.BodyPublishers.ofString("{\"title\": \"" + title + "\"}"))
			.build();
		long sentAt = System.nanoTime();
		return http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
			.thenApply((response) -> Answer.of(title, response, sentAt))
			.exceptionally((failure) -> new Answer(title, -1, false, null, failure.toString(), sentAt,
					System.nanoTime()));
	}

	private static List<String> titles(SampleNode primary) {
		HttpResponse<String> answer = Answers.eventually(() -> primary.get("/api/posts"),
				(response) -> response.statusCode() == 200);
		List<String> titles = new ArrayList<>();
		for (JsonNode post : SampleNode.json(answer.body())) {
			titles.add(post.get("title").asString());
		}
		return titles;
	}

	private static String pos(LiteFsCluster.Node node) {
		try {
			return Files.readString(node.mountDir().resolve("app.db-pos")).strip();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static void record(String journalMode, String line) throws IOException {
		Path file = Path.of("target", "kill-under-writes", journalMode + ".txt");
		Files.createDirectories(file.getParent());
		Files.writeString(file, line + System.lineSeparator(), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
	}

	/**
	 * One write's answer.
	 *
	 * @param title the post's title
	 * @param status the HTTP status, or -1 when no answer came
	 * @param problem whether the answer is a problem detail
	 * @param stored a problem detail's {@code stored} property, if any
	 * @param body the body, or the failure
	 * @param sentAt when it was sent ({@link System#nanoTime()})
	 * @param answeredAt when its answer came
	 */
	record Answer(String title, int status, boolean problem, String stored, String body, long sentAt,
			long answeredAt) {

		static Answer of(String title, HttpResponse<String> response, long sentAt) {
			boolean problem = response.headers()
				.firstValue("Content-Type")
				.filter((type) -> type.startsWith("application/problem+json"))
				.isPresent();
			String stored = null;
			if (problem) {
				JsonNode field = SampleNode.json(response.body()).get("stored");
				stored = (field != null) ? field.asString() : null;
			}
			return new Answer(title, response.statusCode(), problem, stored, response.body(), sentAt,
					System.nanoTime());
		}

	}

	/**
	 * What a run counted.
	 *
	 * @param acknowledged writes answered 201
	 * @param problems writes answered a problem detail, by status
	 * @param bare answers that are neither
	 * @param lost writes answered 201 but not stored
	 * @param duplicates titles stored more than once
	 * @param untrue writes whose problem detail said {@code stored: false}, stored all the same
	 * @param storedOfProblems writes answered a problem detail and stored (its {@code stored} not false)
	 * @param recovery from LiteFS back to a write taken again
	 * @param txid the TXID both nodes reached
	 * @param replicaMatches whether the replica's position equals the primary's
	 */
	record Figures(int acknowledged, Map<Integer, Long> problems, List<String> bare, List<String> lost,
			List<String> duplicates, List<String> untrue, int storedOfProblems, Duration recovery, long txid,
			boolean replicaMatches) {

		static Figures of(Map<String, Answer> answers, List<String> stored, Duration recovery, long txid,
				boolean replicaMatches) {
			Set<String> seen = new HashSet<>();
			List<String> duplicates = stored.stream().filter((title) -> !seen.add(title)).toList();
			int acknowledged = 0;
			int storedOfProblems = 0;
			List<String> bare = new ArrayList<>();
			List<String> lost = new ArrayList<>();
			List<String> untrue = new ArrayList<>();
			for (Answer answer : answers.values()) {
				boolean isStored = seen.contains(answer.title());
				if (answer.status() == 201) {
					acknowledged++;
					if (!isStored) {
						lost.add(answer.title());
					}
				}
				else if (!answer.problem()) {
					bare.add(answer.title() + ": " + answer.status() + " " + answer.body());
				}
				else if (isStored) {
					storedOfProblems++;
					if ("false".equals(answer.stored())) {
						untrue.add(answer.title() + ": " + answer.body());
					}
				}
			}
			Map<Integer, Long> problems = answers.values()
				.stream()
				.filter((answer) -> answer.status() != 201 && answer.problem())
				.collect(Collectors.groupingBy(Answer::status, Collectors.counting()));
			return new Figures(acknowledged, problems, bare, lost, duplicates, untrue, storedOfProblems, recovery,
					txid, replicaMatches);
		}

		/** The runs' totals, and the recovery's median and 95th percentile (nearest rank). */
		static String summary(List<Figures> runs) {
			List<Long> recoveries = runs.stream().map((run) -> run.recovery().toMillis()).sorted().toList();
			return String.format(Locale.ROOT,
					"%d runs: acknowledged %d, lost %d, problem details %d (stored anyway %d), bare %d, duplicates %d, "
							+ "recovery p50 %d ms, p95 %d ms, max %d ms",
					runs.size(), runs.stream().mapToInt(Figures::acknowledged).sum(),
					runs.stream().mapToInt((run) -> run.lost().size()).sum(),
					runs.stream().flatMap((run) -> run.problems().values().stream()).mapToLong(Long::longValue).sum(),
					runs.stream().mapToInt(Figures::storedOfProblems).sum(),
					runs.stream().mapToInt((run) -> run.bare().size()).sum(),
					runs.stream().mapToInt((run) -> run.duplicates().size()).sum(), rank(recoveries, 0.50),
					rank(recoveries, 0.95), recoveries.get(recoveries.size() - 1));
		}

		private static long rank(List<Long> sorted, double quantile) {
			return sorted.get((int) Math.ceil(quantile * sorted.size()) - 1);
		}

		@Override
		public String toString() {
			return String.format(Locale.ROOT,
					"acknowledged %d, problem details %s (stored anyway %d), bare %d, lost %d, duplicates %d, "
							+ "untrue %d, recovery %d ms, txid %d, replica matches %s%s",
					this.acknowledged, this.problems, this.storedOfProblems, this.bare.size(), this.lost.size(),
					this.duplicates.size(), this.untrue.size(), this.recovery.toMillis(), this.txid,
					this.replicaMatches, this.bare.isEmpty() ? "" : "; bare: " + this.bare.subList(0,
							Math.min(3, this.bare.size())));
		}

	}

}

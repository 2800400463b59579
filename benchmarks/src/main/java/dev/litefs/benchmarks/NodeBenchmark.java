package dev.litefs.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import dev.litefs.spring.node.LiteFsMount;
import dev.litefs.spring.node.LiteFsNode;
import dev.litefs.spring.node.Position;
import dev.litefs.spring.test.FakeLiteFsMount;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The hot path's two questions, "am I primary?" and "what is my TXID?", asked of the
 * {@link LiteFsNode} (a reading refreshed in the background) against reading
 * {@code .primary} and {@code <db>-pos} on every call.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class NodeBenchmark {

	private Path dir;

	private LiteFsMount mount;

	private LiteFsNode node;

	@Setup(Level.Trial)
	public void setUp() throws IOException {
		this.dir = Files.createTempDirectory("litefs-bench");
		FakeLiteFsMount.replicaOf(this.dir, "node-a").txid(42);
		this.mount = new LiteFsMount(this.dir, FakeLiteFsMount.DEFAULT_DATABASE);
		this.node = new LiteFsNode(this.mount, "node-b", null, Duration.ofSeconds(1), (event) -> {
		});
		this.node.start();
	}

	@TearDown(Level.Trial)
	public void tearDown() throws IOException {
		this.node.stop();
		try (var files = Files.list(this.dir)) {
			for (Path file : files.toList()) {
				Files.delete(file);
			}
		}
		Files.delete(this.dir);
	}

	@Benchmark
	public boolean nodeIsPrimary() {
		return this.node.isPrimary();
	}

	@Benchmark
	public long nodeTxid() {
		return this.node.state().position().txid();
	}

	@Benchmark
	public boolean fileIsPrimary() {
		return this.mount.readPrimary().isEmpty();
	}

	@Benchmark
	public long fileTxid() {
		return this.mount.readPosition().orElse(Position.ZERO).txid();
	}

}

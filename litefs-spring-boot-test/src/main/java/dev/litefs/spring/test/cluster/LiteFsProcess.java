package dev.litefs.spring.test.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The supervision of one node's {@code litefs mount} process: starting it and waiting
 * until its API answers and its mount is up, stopping it as an operator would, killing it
 * as a crash would, and bounded waits whose failure shows the end of its log.
 */
final class LiteFsProcess {

	private final LiteFsBinary binary;

	private final NodeLayout layout;

	/** What the messages call the node: its {@code toString()}. */
	private final Object node;

	private volatile Process process;

	LiteFsProcess(LiteFsBinary binary, NodeLayout layout, Object node) {
		this.binary = binary;
		this.layout = layout;
		this.node = node;
	}

	boolean isRunning() {
		Process process = this.process;
		return process != null && process.isAlive();
	}

	long pid() {
		Process process = this.process;
		return (process != null && process.isAlive()) ? process.pid() : -1;
	}

	/**
	 * Starts the process, if not running, and waits until its API answers and its mount is
	 * up. A mount left broken by {@link #kill()} is lifted first, lazily.
	 * @param timeout the longest wait
	 */
	synchronized void start(Duration timeout) {
		if (isRunning()) {
			return;
		}
		try {
			// a mount left broken by kill(): LiteFS's own unmount of it fails with "device or
			// resource busy" while an application still holds files open there, so lift it lazily
			if (FuseMounts.isMounted(this.layout.mountDir())) {
				FuseMounts.unmount(this.layout.mountDir());
			}
			Files.createDirectories(this.layout.mountDir());
			Files.createDirectories(this.layout.dataDir());
			this.process = new ProcessBuilder(this.binary.path().toString(), "mount", "-config",
					this.layout.config().toString())
				.redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.appendTo(this.layout.log().toFile()))
				.start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot start LiteFS for " + this.node, ex);
		}
		await("to answer on " + this.layout.apiUrl() + "/info", timeout, () -> {
			if (!isRunning()) {
				throw new IllegalStateException(this.node + "'s LiteFS exited with " + this.process.exitValue()
						+ " as it started; the end of its log:\n" + logTail());
			}
			return apiAnswers() && FuseMounts.isMounted(this.layout.mountDir());
		});
	}

	/** SIGTERM, SIGKILL after 10 s; then lifts any mount left. */
	synchronized void stop() {
		Process process = this.process;
		if (process != null && process.isAlive()) {
			process.destroy();
			try {
				if (!process.waitFor(10, TimeUnit.SECONDS)) {
					process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				process.destroyForcibly();
			}
		}
		FuseMounts.unmountAll(this.layout.mountDir());
	}

	/** SIGKILL: the mount stays, broken, under whatever has it open. */
	synchronized void kill() {
		Process process = this.process;
		if (process != null && process.isAlive()) {
			process.destroyForcibly();
			try {
				process.waitFor(10, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	/**
	 * Polls a condition every 10 ms until it holds.
	 * @param what what is awaited, for the message
	 * @param timeout the longest wait
	 * @param condition the condition
	 * @throws IllegalStateException after the timeout, with the end of the node's log
	 */
	void await(String what, Duration timeout, BooleanSupplier condition) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (!condition.getAsBoolean()) {
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("Gave up after " + timeout.toMillis() + " ms waiting for " + this.node
						+ " " + what + "; the end of its log:\n" + logTail());
			}
			try {
				Thread.sleep(10);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("Interrupted while waiting for " + this.node + " " + what, ex);
			}
		}
	}

	/**
	 * The last 40 lines of the node's log.
	 * @return the lines, or why there are none
	 */
	String logTail() {
		try {
			List<String> lines = Files.readAllLines(this.layout.log());
			return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
		}
		catch (IOException ex) {
			return "(no log: " + ex.getMessage() + ")";
		}
	}

	private boolean apiAnswers() {
		try {
			HttpURLConnection connection = (HttpURLConnection) this.layout.apiUrl()
				.resolve("/info")
				.toURL()
				.openConnection();
			connection.setConnectTimeout(500);
			connection.setReadTimeout(1000);
			try {
				return connection.getResponseCode() == 200;
			}
			finally {
				connection.disconnect();
			}
		}
		catch (IOException ex) {
			return false;
		}
	}

}

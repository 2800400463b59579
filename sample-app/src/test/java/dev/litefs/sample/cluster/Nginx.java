package dev.litefs.sample.cluster;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's nginx on loopback in front of the sample app's nodes, from the compose
 * deployment's own {@code deploy/compose/nginx.conf}: rendered with {@code envsubst} as
 * docs/deploying.md renders it on a bare machine, and included by a small main
 * configuration of the test's that keeps nginx's pid, logs and temporary files under
 * {@code target/nginx/}. Started as a child process in the foreground and stopped by its
 * PID (SIGTERM, nginx's fast shutdown).
 * <p>
 * Without {@code nginx} or {@code envsubst} on the machine the test is skipped; with
 * {@code CI} set, where {@code .ci/run} installs them, it fails.
 */
final class Nginx implements AutoCloseable {

	/** The site configuration, relative to the sample app's folder (Maven's working directory). */
	static final Path SITE = Path.of("deploy", "compose", "nginx.conf");

	private static final List<Path> BINARIES = List.of(Path.of("/usr/sbin/nginx"), Path.of("/usr/bin/nginx"));

	private static final Duration START_TIMEOUT = Duration.ofSeconds(10);

	private final Process process;

	private final Path dir;

	private final int port;

	private Nginx(Process process, Path dir, int port) {
		this.process = process;
		this.dir = dir;
		this.port = port;
	}

	/**
	 * Starts nginx in front of two apps on 127.0.0.1, or skips (fails in CI) the test when
	 * nginx or envsubst is missing.
	 * @param nodeA the first app's port ({@code NODE_A})
	 * @param nodeB the second app's port ({@code NODE_B})
	 * @return nginx, listening on a free port of 127.0.0.1
	 */
	static Nginx inFrontOf(int nodeA, int nodeB) throws IOException, InterruptedException {
		Path nginx = BINARIES.stream().filter(Files::isExecutable).findFirst().orElse(null);
		Path envsubst = Path.of("/usr/bin/envsubst");
		if (nginx == null || !Files.isExecutable(envsubst)) {
			MissingTool.skipOrFail("The nginx tests run Debian's nginx from the repository's config, rendered with "
					+ "envsubst; install them with: apt-get install nginx gettext-base", true);
		}
		Path dir = Files.createDirectories(Path.of("target", "nginx").toAbsolutePath());
		Files.createDirectories(dir.resolve("temp"));
		for (String log : List.of("access.log", "error.log")) {
			Files.deleteIfExists(dir.resolve(log));
		}
		int port = RealClusterTests.freePort();
		Path site = dir.resolve("litefs-sample.conf");
		render(envsubst, site, "127.0.0.1:" + nodeA, "127.0.0.1:" + nodeB, "127.0.0.1:" + port);
		Path main = dir.resolve("nginx.conf");
		Files.writeString(main, """
				daemon off;
				worker_processes 1;
				pid %1$s/nginx.pid;
				error_log %1$s/error.log notice;
				events {
					worker_connections 512;
				}
				http {
					log_format upstreams '$msec $request $status upstream $upstream_addr $upstream_status';
					access_log %1$s/access.log upstreams;
					client_body_temp_path %1$s/temp/client-body;
					proxy_temp_path %1$s/temp/proxy;
					fastcgi_temp_path %1$s/temp/fastcgi;
					uwsgi_temp_path %1$s/temp/uwsgi;
					scgi_temp_path %1$s/temp/scgi;
					include %2$s;
				}
				""".formatted(dir, site));
		Process process = new ProcessBuilder(nginx.toString(), "-p", dir.toString(), "-e",
				dir.resolve("error.log").toString(), "-c", main.toString())
			.redirectErrorStream(true)
			.redirectOutput(dir.resolve("nginx.out").toFile())
			.start();
		Nginx started = new Nginx(process, dir, port);
		started.awaitListening();
		return started;
	}

	/**
	 * What docs/deploying.md has a bare machine run:
	 * {@code NODE_A=... NODE_B=... LISTEN=... envsubst '${NODE_A} ${NODE_B} ${LISTEN}' < nginx.conf}.
	 */
	private static void render(Path envsubst, Path site, String nodeA, String nodeB, String listen)
			throws IOException, InterruptedException {
		ProcessBuilder builder = new ProcessBuilder(envsubst.toString(), "${NODE_A} ${NODE_B} ${LISTEN}")
			.redirectInput(SITE.toFile())
			.redirectOutput(site.toFile());
		builder.environment().put("NODE_A", nodeA);
		builder.environment().put("NODE_B", nodeB);
		builder.environment().put("LISTEN", listen);
		Process render = builder.start();
		if (!render.waitFor(10, TimeUnit.SECONDS) || render.exitValue() != 0) {
			render.destroyForcibly();
			throw new IllegalStateException("envsubst could not render " + SITE.toAbsolutePath());
		}
	}

	private void awaitListening() throws InterruptedException {
		long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
		while (System.nanoTime() < deadline) {
			if (!this.process.isAlive()) {
				throw new IllegalStateException("nginx exited with " + this.process.exitValue() + ": " + log());
			}
			try (Socket socket = new Socket()) {
				socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), this.port), 200);
				return;
			}
			catch (IOException notYet) {
				Thread.sleep(50);
			}
		}
		close();
		throw new IllegalStateException("nginx did not listen on " + this.port + " within " + START_TIMEOUT + ": " + log());
	}

	/**
	 * A URL through nginx.
	 * @param path the path, from {@code /}
	 * @return the URL
	 */
	URI uri(String path) {
		return URI.create("http://127.0.0.1:" + this.port + path);
	}

	/**
	 * nginx's error log, as far as it got.
	 * @return its text, or why it cannot be read
	 */
	String log() {
		StringBuilder text = new StringBuilder();
		for (String name : List.of("nginx.out", "error.log")) {
			try {
				text.append(Files.readString(this.dir.resolve(name)));
			}
			catch (IOException notWritten) {
				// nothing of that one yet
			}
		}
		return text.toString();
	}

	/** Stops nginx by its PID: SIGTERM (a fast shutdown), SIGKILL after 10 s. */
	@Override
	public void close() {
		this.process.destroy();
		try {
			if (!this.process.waitFor(10, TimeUnit.SECONDS)) {
				this.process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
